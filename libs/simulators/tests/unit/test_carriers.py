"""The carriers' rules, without HTTP."""

import re

import pytest

from tradeflow_simulators.tms.carriers import (
    AlreadyHandedOver,
    AlreadySigned,
    Carriers,
    ShipmentHasWaybill,
    waybill_number,
)


def test_a_waybill_number_is_the_carriers_code_and_twelve_digits():
    assert re.fullmatch(r"YTO\d{12}", waybill_number("yto"))
    assert re.fullmatch(r"JDL\d{12}", waybill_number("j-d_l"))


def test_a_number_already_issued_is_drawn_again():
    drawn = iter(["SF1", "SF1", "SF2"])
    carriers = Carriers(numbers=lambda _carrier: next(drawn))
    first, _ = carriers.issue("SF", "shp-1", "WH", {}, 100)
    second, _ = carriers.issue("SF", "shp-2", "WH", {}, 100)
    assert (first.waybill, second.waybill) == ("SF1", "SF2")


def test_the_same_request_again_is_the_same_waybill_and_other_details_are_refused():
    carriers = Carriers()
    first, new = carriers.issue("SF", "shp-1", "WH", {"name": "A"}, 100)
    again, again_new = carriers.issue("SF", "shp-1", "WH", {"name": "A"}, 100)
    assert new and not again_new and again is first
    with pytest.raises(ShipmentHasWaybill):
        carriers.issue("SF", "shp-1", "WH", {"name": "B"}, 100)


def test_auto_steps_move_only_parcels_handed_over_and_stop_at_signed():
    carriers = Carriers()
    moving, _ = carriers.issue("SF", "shp-1", "WH", {}, 100)
    waiting, _ = carriers.issue("SF", "shp-2", "WH", {}, 100)
    carriers.hand_over(moving.waybill)
    kinds = [n.type for _ in range(5) for n in carriers.auto_step()]
    assert kinds == ["picked_up", "in_transit", "out_for_delivery", "signed"]
    assert waiting.status == "created" and moving.signed_at is not None
    with pytest.raises(AlreadySigned):
        carriers.request_interception(moving.waybill)


def test_a_waybill_the_courier_never_had_is_voided_and_the_shipment_may_have_another():
    carriers = Carriers()
    first, _ = carriers.issue("SF", "shp-1", "WH", {"name": "A"}, 100)
    assert carriers.cancel(first.waybill).status == "cancelled"
    assert carriers.cancel(first.waybill).status == "cancelled"  # again: the same answer
    second, new = carriers.issue("SF", "shp-1", "WH", {"name": "B"}, 100)  # re-addressed
    assert new and second.waybill != first.waybill
    carriers.hand_over(second.waybill)
    with pytest.raises(AlreadyHandedOver):
        carriers.cancel(second.waybill)
