"""A channel's refund (DOMAIN §6): the case records it within what its units were paid on the
channel (shared over the units by position, the other cases' units first), refuses it when the
order does not tell that amount, names the adapter's requester as it was given, and — approved at
once — stops the units not shipped, brings back the goods that left, and refunds (then revokes)
virtual goods. Its moves carry their reasons on CaseStatusChanged; a refusal is told as `refused`."""

from dataclasses import replace
from datetime import timedelta

import pytest
from after_sales_builders import NOW, line, order, request, with_cases

from tradeflow_after_sales.app.announcements import announce, refused
from tradeflow_after_sales.app.case_saga import case_saga
from tradeflow_after_sales.app.dead_letters import park_case_on_dead_letter
from tradeflow_after_sales.app.flow import settle, step_for
from tradeflow_after_sales.app.open_channel_case import channel_request
from tradeflow_after_sales.app.ports import CaseProgress, Collaborators
from tradeflow_after_sales.app.steps import cancel_lines
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.errors import (
    ChannelPaidUnknown,
    ChannelRefundExceedsPaid,
    IllegalTransition,
    InvalidCase,
    QuantityExceedsClaimable,
)
from tradeflow_after_sales.domain.model import Requester, RequesterKind
from tradeflow_after_sales.domain.order_snapshot import OrderStatus, OrderType
from tradeflow_after_sales.domain.states import CaseStatus, CaseType
from tradeflow_contracts.after_sales import CaseUnits
from tradeflow_contracts.channels import ChannelCaseLine, OpenChannelCase
from tradeflow_contracts.envelope import new_envelope
from tradeflow_kit.system import SystemClock, UuidIdGenerator

S, T = CaseStatus, CaseType
C = Collaborators(SystemClock(), UuidIdGenerator(), case_saga(timedelta(days=7), timedelta(minutes=10)))


def channel_order(*lines, status: OrderStatus = OrderStatus.SHIPPED):
    return order(*lines, status=status, type=OrderType.CHANNEL)


def paid_on_channel(line_id: str = "L1", *, quantity: int = 3, channel_paid: int | None = 100, **more):
    return replace(line(line_id, quantity=quantity, unit_price=0, paid=0, **more), channel_paid_amount=channel_paid)


def command(*lines: tuple[str, int], amount: int = 33, case_id: str = "as_ch_1", **more) -> OpenChannelCase:
    return OpenChannelCase(**{
        "case_id": case_id, "order_id": "O-1", "channel": "tmall", "external_refund_id": "R-9",
        "lines": [ChannelCaseLine(line_id=i, quantity=q) for i, q in lines or (("L1", 1),)],
        "channel_refund_amount": amount, "reason": "refunded on the marketplace", "requested_by": "channel:tmall",
        "at": NOW} | more)


def opened(snapshot, *lines: tuple[str, int], amount: int = 33, case_id: str = "as_ch_1") -> AfterSalesCase:
    return AfterSalesCase.open(case_id, snapshot, channel_request(command(*lines, amount=amount, case_id=case_id)),
                               NOW)


def test_the_channel_refund_may_be_the_units_share_of_what_the_channel_was_paid():
    case = opened(channel_order(paid_on_channel()), amount=33)
    assert (case.channel_refund_amount, case.refund_amount, case.type) == (33, 0, T.REFUND_ONLY)


def test_more_than_the_units_share_is_refused():
    with pytest.raises(ChannelRefundExceedsPaid) as refusal:
        opened(channel_order(paid_on_channel()), amount=34)
    assert (refusal.value.asked, refusal.value.cap) == (34, 33)


def test_the_last_units_of_a_line_may_take_what_is_left_of_its_channel_paid_amount():
    snapshot = channel_order(paid_on_channel())
    first = opened(snapshot, ("L1", 2), amount=66)
    last = opened(with_cases(snapshot, first), amount=34, case_id="as_ch_2")
    assert last.channel_refund_amount == 34
    with pytest.raises(QuantityExceedsClaimable):
        opened(with_cases(snapshot, first, last), amount=0, case_id="as_ch_3")


def test_the_cap_is_the_sum_over_the_refunded_lines():
    snapshot = channel_order(paid_on_channel("L1"), paid_on_channel("L2", quantity=1, channel_paid=500))
    assert opened(snapshot, ("L1", 3), ("L2", 1), amount=600).channel_refund_amount == 600
    with pytest.raises(ChannelRefundExceedsPaid):
        opened(snapshot, ("L1", 3), ("L2", 1), amount=601)


def test_a_line_whose_channel_paid_amount_is_not_told_refuses_the_refund():
    with pytest.raises(ChannelPaidUnknown, match="L1"):
        opened(channel_order(paid_on_channel(channel_paid=None)))


def test_a_channel_refund_is_only_for_a_channel_order():
    with pytest.raises(InvalidCase):
        AfterSalesCase.open("as_ch_1", order(paid_on_channel()), channel_request(command()), NOW)


def test_the_case_names_the_requester_the_adapter_gave():
    case = opened(channel_order(paid_on_channel()))
    assert (case.by_channel, case.requested_by.actor, case.history[0].actor) == (
        True, "channel:tmall", "channel:tmall")
    assert Requester(RequesterKind.STAFF, "s-1").actor == "staff:s-1"


def approved(snapshot, *lines: tuple[str, int]) -> AfterSalesCase:
    case = opened(snapshot, *lines, amount=0)
    case.approve("channel:tmall", NOW, "refunded on the channel")
    settle(case, CaseProgress(case.id), C, NOW)
    return case


def test_goods_that_left_come_back_as_a_return():
    case = approved(channel_order(paid_on_channel()))
    assert (case.type, case.status, case.return_deadline) == (T.RETURN_AND_REFUND, S.AWAITING_RETURN,
                                                               NOW + timedelta(days=7))


def test_units_not_shipped_wait_for_the_stop():
    case = approved(channel_order(paid_on_channel(), status=OrderStatus.AWAITING_SHIPMENT))
    assert (case.type, case.status, case.before_shipment) == (T.REFUND_ONLY, S.APPROVED, True)


def partly_shipped_order():
    """Line L1's parcel shipped, line L2's not yet: the order is partially_shipped."""
    return channel_order(paid_on_channel("L1", quantity=1), paid_on_channel("L2", quantity=3),
                         status=OrderStatus.PARTIALLY_SHIPPED)


def test_on_a_partly_shipped_order_the_units_are_stopped_first():
    case = approved(partly_shipped_order(), ("L1", 1), ("L2", 3))
    assert (case.type, case.status, case.before_shipment) == (T.REFUND_ONLY, S.APPROVED, True)
    assert step_for(case, CaseProgress(case.id), "reviewing") == "stopping_shipment"
    [stop] = cancel_lines(case, CaseProgress(case.id), None)
    assert [(ln.line_id, ln.quantity, ln.amount) for ln in stop.lines] == [("L1", 1, 0), ("L2", 3, 0)]


def test_on_a_partly_shipped_order_the_units_that_had_left_continue_as_a_return():
    case = approved(partly_shipped_order(), ("L1", 1), ("L2", 3))
    rest = case.split_off("as_2", {"L2": (3, 0)}, {"L1": 1}, "L1 had shipped", NOW + timedelta(days=7), NOW)
    case.start_refund(NOW)
    assert [(ln.line_id, ln.quantity) for ln in case.lines] == [("L2", 3)] and case.status is S.REFUNDING
    assert (rest.type, rest.status, rest.split_from, rest.by_channel) == (T.RETURN_AND_REFUND, S.AWAITING_RETURN,
                                                                          case.id, True)
    assert [(ln.line_id, ln.quantity, ln.refund.amount) for ln in rest.lines] == [("L1", 1, 0)]


def test_on_a_partly_shipped_order_none_stopped_is_a_return_of_all():
    case = approved(partly_shipped_order(), ("L1", 1))
    case.shipment_not_stopped("L1 had shipped", NOW + timedelta(days=7), NOW)
    assert (case.type, case.status) == (T.RETURN_AND_REFUND, S.AWAITING_RETURN)


def test_a_buyers_refund_only_on_a_partly_shipped_order_is_refunded_as_after_shipment():
    snapshot = order(line("L1", quantity=1), line("L2"), status=OrderStatus.PARTIALLY_SHIPPED)
    case = AfterSalesCase.open("AS-1", snapshot, request(T.REFUND_ONLY, ("L2", 1)), NOW)
    case.approve("staff:s-1", NOW)
    settle(case, CaseProgress(case.id), C, NOW)
    assert (case.type, case.status, case.before_shipment) == (T.REFUND_ONLY, S.REFUNDING, False)


def test_virtual_goods_alone_are_refunded_then_revoked():
    case = approved(channel_order(paid_on_channel(virtual=True, quantity=1), status=OrderStatus.COMPLETED))
    assert (case.type, case.status) == (T.REFUND_ONLY, S.REFUNDING)


def test_a_buyers_refund_only_after_shipment_does_not_become_a_return():
    case = AfterSalesCase.open("AS-1", order(line()), request(T.REFUND_ONLY), NOW)
    case.approve("staff:s-1", NOW)
    settle(case, CaseProgress(case.id), C, NOW)
    assert (case.type, case.status) == (T.REFUND_ONLY, S.REFUNDING)
    with pytest.raises(IllegalTransition):
        AfterSalesCase.open("AS-2", order(line()), request(T.REFUND_ONLY), NOW).shipment_not_stopped(
            "left", NOW, NOW)


class Published:
    def __init__(self) -> None:
        self.messages = []

    async def publish(self, message, *, key: str) -> None:
        self.messages.append((key, message))


async def test_moves_with_a_reason_carry_it_and_the_others_do_not():
    case = AfterSalesCase.open("AS-1", order(line()), request(T.RETURN_AND_REFUND), NOW)
    tx = Published()
    await announce(tx, case)
    case.approve("staff:s-1", NOW)
    case.await_return(NOW + timedelta(days=7), NOW)
    case.park("awaiting_return", "the warehouse is closed", NOW)
    case.force_close("staff:s-1", "the buyer kept the goods", NOW)
    await announce(tx, case)
    assert [(m.to_status, m.reason) for _, m in tx.messages] == [
        ("requested", None), ("approved", None), ("awaiting_return", None),
        ("needs_attention", "awaiting_return: the warehouse is closed"), ("closed", "the buyer kept the goods")]


async def test_a_rejection_carries_its_reason():
    case = AfterSalesCase.open("AS-1", order(line()), request(T.RETURN_AND_REFUND), NOW)
    case.reject("staff:s-1", "photos show no damage", NOW)
    tx = Published()
    await announce(tx, case)
    assert tx.messages[-1][1].reason == "photos show no damage"


def test_a_refusal_is_told_as_a_case_refused_that_holds_nothing():
    told = refused("as_ch_1", "O-1", T.REFUND_ONLY, [CaseUnits(line_id="L1", quantity=2)], "why", NOW)
    assert (told.from_status, told.to_status, told.open, told.refund_amount, told.reason, told.lines[0].quantity) == (
        None, "refused", False, 0, "why", 2)


async def test_a_dead_lettered_channel_command_parks_no_case():
    class NoTransactions:
        def begin(self):
            raise AssertionError("a dead-lettered command must not touch a case")

    envelope = new_envelope(OpenChannelCase.TYPE, 1, command().model_dump(mode="json"), producer="channel-adapter",
                            correlation_id="O-1")
    await park_case_on_dead_letter(NoTransactions(), C)(None, envelope, "retries-exhausted: facts never came")
