"""return_and_refund through the reverse saga: approved → the warehouse the line shipped from
expects the parcel (with a return deadline) → the buyer reports it (told again, with the waybill)
→ received → inspected ok → refunded → completed; inspected failed → staff refund part of it or
reject; no parcel by the deadline → closed_expired, its units claimable again. A case that told the
warehouse to expect its parcel and closes (cancelled, expired, force-closed, rejected after a
failed inspection) tells it to stop (`CancelExpectedReturn`; sent back only after the rejection)."""

from datetime import UTC, datetime

from tradeflow_after_sales.app.flow import advance, load
from tradeflow_contracts.after_sales import (
    LineMoney,
    LinesRefunded,
    LinesRefundFailed,
    ReturnInspected,
    ReturnLine,
    ReturnReceived,
)
from tradeflow_testing.access import bearer, outcome

AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
BUYER = bearer("buyer-1", "buyer")


def received(case: dict) -> ReturnReceived:
    return ReturnReceived(case_id=case["id"], order_id=case["order_id"], warehouse="WH-2", received_at=AT)


def inspected(case: dict, ok: bool) -> ReturnInspected:
    return ReturnInspected(case_id=case["id"], order_id=case["order_id"], warehouse="WH-2",
                           outcome="ok" if ok else "failed", note="" if ok else "water damage",
                           lines=[ReturnLine(line_id="L1", sku="SKU-L1", quantity=1)], inspected_at=AT)


def refunded(case: dict, amount: int, attempt: int = 1) -> LinesRefunded:
    return LinesRefunded(order_id=case["order_id"], case_id=case["id"], refund_id=f"{case['id']}-r{attempt}",
                         amount=amount, lines=[LineMoney(line_id="L1", amount=amount)], refunded_at=AT)


async def awaiting_return(world) -> dict:
    await world.order(world.line(quantity=2, unit_price=4000, warehouse="WH-2"))
    case = await world.opened("return_and_refund", ("L1", 1))
    return await world.act(case["id"], "approve")


async def test_a_return_goes_back_to_its_warehouse_and_is_refunded_once_inspected_ok(world):
    case = await awaiting_return(world)
    assert case["status"] == "awaiting_return"
    assert case["return_deadline"] == "2026-12-08T10:00:00+00:00"  # 7 days by default
    reported = await world.act(case["id"], "return-parcel", {"carrier": "SF", "waybill": "SF123"}, headers=BUYER)
    assert reported["status"] == "return_in_transit" and reported["return_parcel"]["waybill"] == "SF123"
    first, again = await world.sent("fulfillment.expect-return")
    assert (first.payload["warehouse"], first.payload["waybill"]) == ("WH-2", None)
    assert (again.payload["carrier"], again.payload["waybill"]) == ("SF", "SF123")
    await world.reply(received(case))
    await world.reply(inspected(case, ok=True))
    assert (await world.case(case["id"]))["status"] == "refunding"
    [ask] = await world.sent("order.refund-lines")
    assert ask.payload["lines"] == [{"line_id": "L1", "amount": 4000, "points_amount": 0}]
    await world.reply(refunded(case, 4000))
    assert await world.statuses(case["id"]) == [
        "requested", "approved", "awaiting_return", "return_in_transit", "received", "inspected_ok", "refunding",
        "refunded", "completed"]


async def test_a_failed_inspection_waits_for_staff_who_refund_part_of_it(world):
    case = await awaiting_return(world)
    await world.reply(received(case))
    await world.reply(inspected(case, ok=False))
    decided = await world.case(case["id"])
    assert decided["status"] == "inspected_failed" and not await world.sent("order.refund-lines")
    partial = await world.act(case["id"], "refund", {"refund_amount": 1500, "reason": "scratched, half of it"})
    assert (partial["status"], partial["refund_amount"], partial["override"]["refund_amount"]) == (
        "refunding", 1500, 1500)
    [ask] = await world.sent("order.refund-lines")
    assert ask.payload["lines"][0]["amount"] == 1500
    await world.reply(refunded(case, 1500))
    assert (await world.case(case["id"]))["refunded_amount"] == 1500


async def test_a_failed_inspection_may_be_rejected_instead(world):
    case = await awaiting_return(world)
    await world.reply(received(case))
    await world.reply(inspected(case, ok=False))
    rejected = await world.act(case["id"], "reject", {"reason": "damaged by the buyer"})
    assert rejected["status"] == "rejected" and not await world.sent("order.refund-lines")
    [stop] = await world.sent("fulfillment.cancel-expected-return")
    assert (stop.payload["case_id"], stop.payload["send_back"]) == (case["id"], True)


async def test_no_parcel_by_the_deadline_closes_the_case_and_frees_its_units(world):
    case = await awaiting_return(world)
    world.clock.advance(days=6, hours=23)
    assert await world.fire_deadlines() == 0
    world.clock.advance(hours=1)
    assert await world.fire_deadlines() == 1
    assert (await world.case(case["id"]))["status"] == "closed_expired"
    [stop] = await world.sent("fulfillment.cancel-expected-return")
    assert (stop.payload["case_id"], stop.payload["send_back"]) == (case["id"], False)
    again = await world.opened("return_and_refund", ("L1", 2))
    assert again["status"] == "requested"


async def test_a_reported_parcel_does_not_expire(world):
    case = await awaiting_return(world)
    await world.act(case["id"], "return-parcel", {"carrier": "SF", "waybill": "SF9"}, headers=BUYER)
    world.clock.advance(days=30)
    assert await world.fire_deadlines() == 0
    assert (await world.case(case["id"]))["status"] == "return_in_transit"


async def test_the_buyer_cancels_before_sending_and_only_the_owner_may(world):
    case = await awaiting_return(world)
    other = bearer("buyer-2", "buyer")
    r = await world.http.post(f"/after-sales/{case['id']}/cancel", json={"reason": "kept it"}, headers=other)
    assert outcome(r) == (403, "forbidden")
    cancelled = await world.act(case["id"], "cancel", {"reason": "kept it"}, headers=BUYER)
    assert cancelled["status"] == "cancelled"
    assert await world.fire_deadlines() == 0  # nothing left to expire
    [stop] = await world.sent("fulfillment.cancel-expected-return")
    assert (stop.payload["order_id"], stop.payload["send_back"]) == (case["order_id"], False)


async def test_a_case_closed_before_the_warehouse_was_told_sends_no_cancel_expected_return(world):
    await world.order(world.line(quantity=2, unit_price=4000, warehouse="WH-2"))
    case = await world.opened("return_and_refund", ("L1", 1))
    await world.act(case["id"], "cancel", {"reason": "kept it"}, headers=BUYER)
    assert not await world.sent("fulfillment.cancel-expected-return")


async def test_a_parked_return_force_closed_stops_the_warehouse_waiting(world):
    case = await awaiting_return(world)
    await world.reply(LinesRefundFailed(order_id=case["order_id"], case_id=case["id"], refund_id="none",
                                        reason="x", retryable=False, failed_at=AT))  # not its refund: ignored
    await world.act(case["id"], "reject", {"reason": "x"}, expect=409)  # approved: no rejecting now
    assert not await world.sent("fulfillment.cancel-expected-return")
    async with world.transactions.begin() as tx:  # a step that cannot succeed parks the case
        loaded, progress, saga = await load(tx, case["id"])
        loaded.park("awaiting_return", "the warehouse is gone", world.clock.now())
        await advance(tx, world.c, loaded, progress, saga, "parked by the test")
    closed = await world.act(case["id"], "force-close", {"reason": "handled by phone"})
    assert closed["status"] == "closed"
    [stop] = await world.sent("fulfillment.cancel-expected-return")
    assert (stop.payload["case_id"], stop.payload["send_back"]) == (case["id"], False)


async def test_a_late_report_on_a_closed_case_changes_nothing(world):
    case = await awaiting_return(world)
    await world.act(case["id"], "cancel", {"reason": "kept it"}, headers=BUYER)
    await world.reply(received(case))
    assert (await world.case(case["id"]))["status"] == "cancelled"


async def test_an_expiry_the_case_refuses_parks_it_instead_of_retrying(world):
    case = await awaiting_return(world)
    async with world.transactions.begin() as tx:  # the deadline armed earlier than the case's own
        saga = await tx.sagas.get(case["id"], lock=True)
        saga.deadline_at = world.clock.now()
        await tx.sagas.save(saga)
    assert await world.fire_deadlines() == 1
    parked = await world.case(case["id"])
    assert parked["status"] == "needs_attention" and "ReturnNotOverdue" in parked["attention"]["reason"]
