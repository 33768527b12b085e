"""An after-sales case's return parcel and replacement, pure (issue 12): a return is expected once
and registered again only for a new waybill; received and inspected once each, an inspection
implying the receipt; returned units go back through the shipments that carried them, never more
than they carried; a replacement lays its lines over the warehouses, one shipment of the case each,
due at once and never merged."""

from datetime import timedelta

import pytest

from tradeflow_fulfillment.domain.errors import CannotMerge, FulfillmentError
from tradeflow_fulfillment.domain.model import ShipmentLine
from tradeflow_fulfillment.domain.replacement import Replacement, by_warehouse, plan_replacement
from tradeflow_fulfillment.domain.returns import (
    CaseReturn,
    ReturnConflict,
    ReturnStatus,
    ReturnUnits,
    ShippedUnits,
    WasInspected,
    WasReceived,
    attribute_restocks,
)

from .builders import AT, RECEIVER, RULES, Ids, shipment

A2 = ReturnUnits("a", "SKU-a", 2)


def expected(**kw) -> CaseReturn:
    return CaseReturn.expect("c-1", order_id="o-1", warehouse="WH-1", lines=[A2], at=AT, **kw)


def test_a_return_is_due_for_registration_and_only_a_new_waybill_makes_it_due_again():
    r = expected()
    assert r.registration_due_at == AT
    r.registered(None, AT)
    assert (r.registration_due_at, r.registration.registered) == (None, True)
    assert not r.expect_again(order_id="o-1", warehouse="WH-1", lines=[A2], carrier=None, waybill=None, at=AT)
    assert r.expect_again(order_id="o-1", warehouse="WH-1", lines=[A2], carrier="SF", waybill="SF-1", at=AT)
    assert (r.waybill, r.registration_due_at) == ("SF-1", AT)
    assert not r.expect_again(order_id="o-1", warehouse="WH-1", lines=[A2], carrier="SF", waybill="SF-1", at=AT)
    with pytest.raises(ReturnConflict):
        r.expect_again(order_id="o-1", warehouse="WH-2", lines=[A2], carrier=None, waybill=None, at=AT)


def test_a_registration_that_sent_an_older_waybill_stays_due_and_a_failure_backs_off():
    r = expected()
    r.registration_leased(AT + timedelta(seconds=60))
    r.expect_again(order_id="o-1", warehouse="WH-1", lines=[A2], carrier="SF", waybill="SF-2", at=AT)
    r.registered(None, AT + timedelta(seconds=1))  # what was sent had no waybill yet
    assert r.registration_due_at == AT + timedelta(seconds=1), "sent again with the newer waybill"
    r.registration_failed("503 from the warehouse", AT + timedelta(seconds=2))
    assert (r.registration.tries, r.registration.last_error, r.registration_due_at) == (
        1, "503 from the warehouse", AT + timedelta(seconds=2))


def test_an_inspection_first_implies_the_receipt_and_each_happens_once():
    r = expected()
    assert r.inspect(False, "scratched", AT)
    assert [type(e) for e in r.pull_events()] == [WasReceived, WasInspected]
    assert (r.status, r.note) == (ReturnStatus.INSPECTED_FAILED, "scratched")
    assert not r.receive(AT) and not r.inspect(True, "", AT) and r.pull_events() == []
    with pytest.raises(FulfillmentError):
        r.restock([])  # failed: nothing goes back on hand


def test_returned_units_go_back_through_the_shipments_that_carried_them_never_more_than_they_carried():
    r = expected()
    carried = [ShippedUnits("shp-2", "WH-2", "a", "o-1-m-1", "SKU-a", 3), ShippedUnits("shp-1", "WH-1", "a", "o-1-m-1",
                                                                             "SKU-a", 1)]
    restocks, unplaced = attribute_restocks(r, carried, [])
    assert [(x.shipment_id, x.quantity) for x in restocks] == [("shp-1", 1), ("shp-2", 1)], "its warehouse first"
    earlier = [ShippedUnits("shp-2", "WH-2", "a", "o-1-m-1", "SKU-a", 3), ShippedUnits("shp-1", "WH-1", "a", "o-1-m-1",
                                                                                 "SKU-a", 1)]
    restocks, unplaced = attribute_restocks(r, carried, earlier)
    assert (restocks, unplaced) == ([], [A2])


def test_a_replacement_is_laid_over_its_warehouses_and_refused_when_they_do_not_hold_its_units():
    r = Replacement("c-1", "o-1", "b-1", "m-1", RECEIVER, [("a", "SKU-a", 2), ("b", "SKU-b", 1)],
                    [("WH-1", 1), ("WH-2", 2)])
    assert by_warehouse(r) == {"WH-1": [("a", "SKU-a", 1)], "WH-2": [("a", "SKU-a", 1), ("b", "SKU-b", 1)]}
    with pytest.raises(FulfillmentError):
        by_warehouse(Replacement("c-1", "o-1", "b-1", "m-1", RECEIVER, [("a", "SKU-a", 2)], [("WH-1", 1)]))


def test_a_replacement_is_the_cases_shipment_due_at_once_and_nothing_merges_with_it():
    r = Replacement("c-1", "o-1", "b-1", "m-1", RECEIVER, [("a", "SKU-a", 2)], [("WH-1", 2)])
    [s] = plan_replacement(r, RULES, at=AT, new_id=Ids())
    assert (s.case_id, s.dispatch_after, s.sub_order_ids, s.order_ids) == ("c-1", AT, ("c-1",), ("o-1",))
    other = shipment(lines=[ShipmentLine("x", "o-2", "o-2-s1", "m-1", "SKU-x", 1)])
    refusal = other.goods_refusal(s, other.lines, RULES.parcels)
    assert isinstance(refusal, CannotMerge) and refusal.slug == "merge-case-replacement"
