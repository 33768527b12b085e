"""An exchange replaces with the same SKU or one of equal price, and may be turned into a refund
before the replacement ships; a refund before shipment whose parcel went on becomes a return; the
buyer reports the return parcel, and a return never sent closes the case at its deadline."""

from datetime import timedelta

import pytest
from after_sales_builders import NOW, STAFF, T, case_in, line, open_case, order, request, with_cases

from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.errors import (
    ExchangePriceDiffers,
    IllegalTransition,
    InvalidCase,
    ReturnNotOverdue,
)
from tradeflow_after_sales.domain.events import CaseTypeChanged, ReturnParcelReported
from tradeflow_after_sales.domain.model import Replacement
from tradeflow_after_sales.domain.order_snapshot import OrderStatus
from tradeflow_after_sales.domain.states import CaseStatus

S, OS = CaseStatus, OrderStatus
DUE = NOW + timedelta(days=7)


def test_an_exchange_replaces_with_the_same_sku_by_default():
    case = open_case(order(line(unit_price=5000)), T.EXCHANGE)
    assert case.lines[0].replacement == Replacement("SKU-L1", 5000)
    assert case.refund_amount == 0


def test_an_exchange_may_take_another_sku_of_equal_unit_price():
    case = open_case(order(line(unit_price=5000)), T.EXCHANGE, replacements={"L1": Replacement("SKU-L1-XL", 5000)})
    assert case.lines[0].replacement.sku == "SKU-L1-XL"


def test_an_exchange_for_another_price_is_refused():
    with pytest.raises(ExchangePriceDiffers) as refused:
        open_case(order(line(unit_price=5000)), T.EXCHANGE, replacements={"L1": Replacement("SKU-PRO", 5900)})
    assert (refused.value.slug, refused.value.line_price, refused.value.replacement_price) == (
        "exchange-price-differs", 5000, 5900)


def test_replacements_are_named_only_by_an_exchange_for_its_own_lines():
    with pytest.raises(InvalidCase):
        open_case(order(), T.EXCHANGE, replacements={"L2": Replacement("SKU-L2", 5000)})
    with pytest.raises(InvalidCase):
        open_case(order(), T.RETURN_AND_REFUND, replacements={"L1": Replacement("SKU-L1", 5000)})


def test_an_exchange_out_of_stock_becomes_a_refund_where_it_stood():
    snapshot = order(line(quantity=2, unit_price=5000, shipping=600, points=100))
    case = open_case(snapshot, T.EXCHANGE, ("L1", 1))
    case.approve(STAFF, NOW)
    case.park("reserve_replacement", "SKU-L1 out of stock", NOW)
    case.pull_events()
    case.convert_to_refund(with_cases(snapshot, case), "replacement out of stock", STAFF, NOW)
    assert (case.type, case.status, case.attention) == (T.RETURN_AND_REFUND, S.APPROVED, None)
    assert (case.refund_amount, case.points_amount, case.lines[0].replacement) == (5000, 50, None)
    assert CaseTypeChanged(T.EXCHANGE, T.RETURN_AND_REFUND, 5000, "replacement out of stock", NOW) in case.pull_events()
    case.await_return(DUE, NOW)  # and the saga goes on as for a return
    assert case.status is S.AWAITING_RETURN


def test_an_exchange_whose_replacement_shipped_stays_an_exchange():
    case = case_in(T.EXCHANGE, S.REPLACEMENT_SHIPPING)
    with pytest.raises(IllegalTransition):
        case.convert_to_refund(order(), "too late", STAFF, NOW)
    with pytest.raises(IllegalTransition):
        case_in(T.RETURN_AND_REFUND, S.APPROVED).convert_to_refund(order(), "not an exchange", STAFF, NOW)


def test_a_refund_before_shipment_whose_parcel_went_on_becomes_a_return_without_shipping():
    snapshot = order(line(quantity=2, unit_price=5000, shipping=1000), status=OS.AWAITING_SHIPMENT)
    case = open_case(snapshot, T.REFUND_ONLY, ("L1", 1))
    assert (case.before_shipment, case.refund_amount) == (True, 5500)
    case.approve(STAFF, NOW)
    case.shipment_not_stopped("the parcel had left the warehouse", DUE, NOW)
    assert (case.type, case.status, case.return_deadline, case.refund_amount) == (
        T.RETURN_AND_REFUND, S.AWAITING_RETURN, DUE, 5000)


def test_only_a_refund_opened_before_shipment_becomes_a_return():
    case = open_case(order(status=OS.SHIPPED), T.REFUND_ONLY)
    case.approve(STAFF, NOW)
    with pytest.raises(IllegalTransition):
        case.shipment_not_stopped("parcel went on", DUE, NOW)


def test_the_buyer_reports_the_return_parcel_once():
    case = case_in(T.RETURN_AND_REFUND, S.AWAITING_RETURN)
    case.report_return_parcel("SF", "WB-1", "buyer:b-1", NOW)
    case.report_return_parcel("SF", "WB-1", "buyer:b-1", NOW + timedelta(hours=1))  # a repeat
    assert (case.status, case.return_parcel.carrier, case.return_parcel.waybill) == (S.RETURN_IN_TRANSIT, "SF", "WB-1")
    assert [e for e in case.pull_events() if isinstance(e, ReturnParcelReported)] == [
        ReturnParcelReported(case.return_parcel)]
    with pytest.raises(IllegalTransition):
        case.report_return_parcel("SF", "WB-2", "buyer:b-1", NOW)
    with pytest.raises(InvalidCase):
        case_in(T.RETURN_AND_REFUND, S.AWAITING_RETURN).report_return_parcel("SF", " ", "buyer:b-1", NOW)


def test_a_return_never_sent_closes_the_case_at_its_deadline_not_before():
    case = case_in(T.RETURN_AND_REFUND, S.APPROVED)
    case.await_return(DUE, NOW)
    assert not case.is_overdue(DUE - timedelta(seconds=1))
    with pytest.raises(ReturnNotOverdue):
        case.expire(DUE - timedelta(seconds=1))
    assert case.is_overdue(DUE)
    case.expire(DUE)
    assert (case.status, case.claims()) == (S.CLOSED_EXPIRED, ())


def test_opening_records_who_asked_and_why():
    case = AfterSalesCase.open("AS-7", order(), request(T.RETURN_AND_REFUND, description="the screen is cracked",
                                                        evidence=("https://img.example/1.jpg",)), NOW)
    assert (case.status, case.requested_by.actor, case.description, case.evidence) == (
        S.REQUESTED, "buyer:b-1", "the screen is cracked", ("https://img.example/1.jpg",))
    entry = case.history[0]
    assert (entry.from_status, entry.to_status, entry.event, entry.actor, entry.reason) == (
        None, S.REQUESTED, "open", "buyer:b-1", "arrived broken")
    with pytest.raises(InvalidCase):
        AfterSalesCase.open("AS-8", order(), request(T.REFUND_ONLY, evidence=("not a link",)), NOW)
    with pytest.raises(InvalidCase):
        AfterSalesCase.open("AS-9", order(), request(T.REFUND_ONLY, reason=" "), NOW)
