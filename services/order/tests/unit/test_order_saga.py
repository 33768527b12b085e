"""Every path of the order saga's table, in memory: the use cases, the handler table the
service consumes with, and the kit's deadline scheduler, on a fake unit of work."""

from datetime import timedelta

import pytest

from tradeflow_contracts import fulfillment as ful
from tradeflow_contracts import inventory as inv
from tradeflow_contracts import orders as ord_
from tradeflow_contracts import payments as pay
from tradeflow_kit.sagas.definition import SagaState
from tradeflow_kit.sagas.instance import FailurePolicy
from tradeflow_order.app.approve_order import approve_order
from tradeflow_order.app.auto_confirm import confirm_due
from tradeflow_order.app.cancel_order import cancel_order
from tradeflow_order.app.reject_order import reject_order
from tradeflow_order.domain.errors import CancellationInProgress, IllegalTransition
from tradeflow_order.domain.model import OrderType, PricedBy, Terms, WarehouseShare
from tradeflow_order.domain.placement import CartLine

from .saga_world import SagaWorld, closed, refunded, rejected, reserved, stopped_all, succeeded


@pytest.fixture
def world() -> SagaWorld:
    return SagaWorld()


async def paid_order(world: SagaWorld):
    order = await world.place()
    await world.reserve_all(order)
    await world.reply(succeeded(order.id, order.paid_amount))
    return order


async def test_success_reserves_asks_for_payment_and_hands_the_paid_order_over(world):
    order = await world.place()
    assert [m.sub_order_id for m in world.db.sent(inv.ReserveStock)] == [s.id for s in order.sub_orders]
    await world.reserve_all(order)
    [request] = world.db.sent(pay.RequestPayment)
    assert (request.amount, request.deadline) == (order.paid_amount, world.clock.at + timedelta(minutes=30))
    assert world.saga(order.id).deadline_at == request.deadline
    await world.reply(succeeded(order.id, order.paid_amount))
    assert world.steps(order.id) == ["reserving", "awaiting_payment", "handed_over"]
    assert world.saga(order.id).state is SagaState.COMPLETED and world.saga(order.id).deadline_at is None
    [paid] = world.db.sent(ord_.OrderPaid)
    assert paid.order_id == order.id and sum(s.paid_amount for s in paid.sub_orders) == order.paid_amount


async def test_virtual_goods_only_go_straight_to_payment(world):
    order = await world.place(CartLine("COURSE", "m1", 1, 9900, kind="virtual"))
    assert world.db.sent(inv.ReserveStock) == []
    assert world.steps(order.id) == ["reserving", "awaiting_payment"]
    assert len(world.db.sent(pay.RequestPayment)) == 1


async def test_out_of_stock_cancels_and_releases_what_was_reserved(world):
    order = await world.place()
    first, second = order.sub_orders
    await world.reply(reserved(order.id, first.id))
    await world.reply(rejected(order.id, second.id))
    assert world.order(order.id).status == "cancelled"
    assert [m.sub_order_id for m in world.db.sent(inv.ReleaseStock)] == [first.id]
    assert world.saga(order.id).state is SagaState.COMPENSATED
    [cancelled] = world.db.sent(ord_.OrderCancelled)
    assert cancelled.reason == "out of stock: SKU-B (0 of 1)" and cancelled.refund_amount == 0


async def test_a_risky_order_is_held_then_approved_to_payment():
    world = SagaWorld(max_amount=100)
    order = await world.place()
    await world.reserve_all(order)
    assert world.saga(order.id).step == "held" and world.db.sent(pay.RequestPayment) == []
    world.later(timedelta(minutes=5))
    async with world.transactions.begin() as tx:
        await approve_order(tx, world.c, order.id, "staff:s1", "known customer")
    [request] = world.db.sent(pay.RequestPayment)
    assert request.deadline == world.clock.at + timedelta(minutes=30)  # counted from the approval
    assert world.steps(order.id) == ["reserving", "held", "awaiting_payment"]


async def test_a_held_order_rejected_in_review_is_cancelled_and_released():
    world = SagaWorld(max_amount=100)
    order = await world.place()
    await world.reserve_all(order)
    async with world.transactions.begin() as tx:
        await reject_order(tx, world.c, order.id, "staff:s1", "fraud pattern")
    assert len(world.db.sent(inv.ReleaseStock)) == 2 and world.db.sent(pay.ClosePayment) == []
    assert world.order(order.id).cancel_reason == "rejected in review: fraud pattern"
    assert world.steps(order.id)[-1] == "cancelled"


async def test_a_held_order_nobody_reviews_is_cancelled_and_released_at_the_review_deadline():
    world = SagaWorld(max_amount=100)
    order = await world.place()
    await world.reserve_all(order)
    held_at = world.clock.at
    assert world.saga(order.id).deadline_at == held_at + timedelta(hours=24)
    world.later(timedelta(hours=23, minutes=59))
    assert await world.fire_deadlines() == 0
    world.later(timedelta(minutes=1))
    assert await world.fire_deadlines() == 1
    assert world.order(order.id).status == "cancelled" and world.steps(order.id)[-1] == "cancelled"
    assert world.order(order.id).cancel_reason == "review deadline passed"
    assert len(world.db.sent(inv.ReleaseStock)) == 2 and world.db.sent(pay.ClosePayment) == []
    assert await world.fire_deadlines() == 0  # fired once


async def test_approving_in_time_replaces_the_review_deadline_with_the_payment_deadline():
    world = SagaWorld(max_amount=100)
    order = await world.place()
    await world.reserve_all(order)
    world.later(timedelta(hours=23))
    async with world.transactions.begin() as tx:
        await approve_order(tx, world.c, order.id, "staff:s1", None)
    assert world.saga(order.id).deadline_at == world.clock.at + timedelta(minutes=30)
    world.later(timedelta(hours=2))  # past the old review deadline: the payment deadline is what fires
    assert await world.fire_deadlines() == 1
    assert world.saga(order.id).step == "closing_payment"


async def test_the_deadline_closes_the_payment_and_the_close_cancels(world):
    order = await world.place()
    await world.reserve_all(order)
    assert await world.fire_deadlines() == 0  # not due yet
    world.later(timedelta(minutes=30))
    assert await world.fire_deadlines() == 1
    assert [m.reason for m in world.db.sent(pay.ClosePayment)] == ["payment deadline passed"]
    assert world.saga(order.id).step == "closing_payment" and world.order(order.id).status == "pending_payment"
    assert await world.fire_deadlines() == 0  # fired once
    await world.reply(closed(order.id))
    assert world.order(order.id).status == "cancelled" and len(world.db.sent(inv.ReleaseStock)) == 2
    assert world.saga(order.id).state is SagaState.COMPENSATED


async def test_a_payment_found_while_closing_pays_the_order(world):
    order = await world.place()
    await world.reserve_all(order)
    world.later(timedelta(minutes=31))
    await world.fire_deadlines()
    await world.reply(succeeded(order.id, order.paid_amount))
    assert world.steps(order.id)[-2:] == ["closing_payment", "handed_over"]
    await world.reply(closed(order.id))  # the close that follows changes nothing
    assert world.order(order.id).status == "awaiting_shipment" and world.db.sent(inv.ReleaseStock) == []


async def test_cancel_after_payment_asks_fulfillment_then_refunds_in_full_and_releases(world):
    order = await paid_order(world)
    async with world.transactions.begin() as tx:
        await cancel_order(tx, world.c, order.id, "buyer:b1", "changed mind", buyer_id="b1")
    [(key, stop)] = [(k, m) for k, m in world.db.outbox if isinstance(m, ful.StopFulfillment)]
    assert (key, stop.order_id, stop.reason, stop.requested_by) == (order.id, order.id, "changed mind", "buyer:b1")
    assert [(ln.line_id, ln.sub_order_id, ln.sku, ln.quantity, ln.kind) for ln in stop.lines] == [
        (ln.id, s.id, ln.sku, ln.quantity, "physical") for s in order.sub_orders for ln in s.lines]
    assert world.db.sent(pay.RefundPayment) == [] and world.db.sent(inv.ReleaseStock) == []
    assert (world.saga(order.id).step, world.saga(order.id).state) == ("cancelling", SagaState.RUNNING)
    assert world.order(order.id).status == "awaiting_shipment"
    await world.reply(stopped_all(order))
    [refund] = world.db.sent(pay.RefundPayment)
    assert refund.amount == order.paid_amount and len(world.db.sent(inv.ReleaseStock)) == 2
    assert world.steps(order.id)[-3:] == ["handed_over", "cancelling", "cancelled"]
    assert world.saga(order.id).state is SagaState.COMPENSATED
    await world.reply(refunded(order.id, refund.refund_id, refund.amount, order.paid_amount))
    assert world.order(order.id).payment_status == "refunded"
    assert world.order(order.id).refunded_amount == order.paid_amount
    lines = [ln for sub in world.order(order.id).sub_orders for ln in sub.lines]
    assert [ln.refunded_amount for ln in lines] == [ln.paid_amount for ln in lines]  # every line, exactly
    sent = len(world.db.outbox)
    await world.reply(stopped_all(order))  # a repeat changes nothing
    assert len(world.db.outbox) == sent and world.saga(order.id).step == "cancelled"


async def test_a_partial_stop_goes_back_to_handed_over_and_releases_exactly_the_stopped_units(world):
    order = await world.place(CartLine("SKU-A", "m1", 3, 1000), CartLine("SKU-B", "m1", 1, 500))
    await world.reserve_all(order)
    await world.reply(succeeded(order.id, order.paid_amount))
    [sub] = order.sub_orders
    a, b = sub.lines
    async with world.transactions.begin() as tx:
        await cancel_order(tx, world.c, order.id, "staff:s1", "warehouse fire")
    with pytest.raises(CancellationInProgress):
        async with world.transactions.begin() as tx:
            await cancel_order(tx, world.c, order.id, "buyer:b1", "again", buyer_id="b1")
    await world.reply(ful.FulfillmentStopped(
        order_id=order.id, reason="warehouse fire", decided_at=world.clock.at,
        stopped=[ful.StoppedUnits(line_id=a.id, sub_order_id=sub.id, quantity=1, shipment_id="sh-1", warehouse="WH-1"),
                 ful.StoppedUnits(line_id=b.id, sub_order_id=sub.id, quantity=1, shipment_id="sh-1", warehouse="WH-1")],
        going_on=[ful.GoingOnUnits(line_id=a.id, sub_order_id=sub.id, quantity=2, shipment_id="sh-2",
                                   problem="intercept-timeout", detail="the warehouse did not answer in time")]))
    [release] = world.db.sent(inv.ReleaseStock)
    assert [(u.line_id, u.warehouse, u.quantity) for u in release.units] == [(a.id, "WH-1", 1), (b.id, "WH-1", 1)]
    [refund] = world.db.sent(pay.RefundPayment)
    assert refund.amount == a.paid_amount // 3 + b.paid_amount  # 1 of A's 3 units, its shipping share included
    assert world.steps(order.id)[-2:] == ["cancelling", "handed_over"]
    assert world.saga(order.id).state is SagaState.COMPLETED
    stored = world.order(order.id)
    assert (stored.status, stored.cancellation.state) == ("awaiting_shipment", "partially_cancelled")
    assert world.db.sent(ord_.OrderCancelled) == []


async def test_a_refused_stop_leaves_the_order_going_and_it_may_be_asked_again(world):
    order = await paid_order(world)
    async with world.transactions.begin() as tx:
        await cancel_order(tx, world.c, order.id, "buyer:b1", "changed mind", buyer_id="b1")
    going_on = [ful.GoingOnUnits(line_id=ln.id, sub_order_id=s.id, quantity=ln.quantity, shipment_id="sh-1",
                                 problem="intercept-failed", detail="already packed")
                for s in order.sub_orders for ln in s.lines]
    await world.reply(ful.FulfillmentStopped(order_id=order.id, reason="changed mind", stopped=[], going_on=going_on,
                                             decided_at=world.clock.at))
    assert world.db.sent(pay.RefundPayment) == [] and world.db.sent(inv.ReleaseStock) == []
    assert world.steps(order.id)[-2:] == ["cancelling", "handed_over"]
    assert world.order(order.id).history[-1].event == "cancel_refused"
    async with world.transactions.begin() as tx:
        await cancel_order(tx, world.c, order.id, "buyer:b1", "please", buyer_id="b1")
    assert len(world.db.sent(ful.StopFulfillment)) == 2 and world.saga(order.id).step == "cancelling"


async def test_shipments_are_still_tracked_while_a_cancellation_is_decided(world):
    order = await paid_order(world)
    async with world.transactions.begin() as tx:
        await cancel_order(tx, world.c, order.id, "buyer:b1", "changed mind", buyer_id="b1")
    await world.reply(ful.ShipmentPlanned(
        shipment_id="sh-1", order_id=order.id, order_ids=[order.id], sub_order_ids=[s.id for s in order.sub_orders],
        warehouse="WH-1", carrier="SF", status="dispatched", planned_at=world.clock.at, dispatch_after=world.clock.at,
        lines=[ful.ShipmentLine(line_id=ln.id, order_id=order.id, sub_order_id=s.id, sku=ln.sku, quantity=ln.quantity)
               for s in order.sub_orders for ln in s.lines]))
    await world.reply(ful.ShipmentStatusChanged(
        shipment_id="sh-1", order_id=order.id, order_ids=[order.id], sub_order_ids=[], from_status="dispatched",
        to_status="shipped", event="shipped", source="warehouse", at=world.clock.at, warehouse="WH-1", carrier="SF"))
    assert (world.order(order.id).status, world.saga(order.id).step) == ("shipped", "cancelling")


async def test_cancel_while_awaiting_payment_closes_the_payment(world):
    order = await world.place()
    await world.reserve_all(order)
    async with world.transactions.begin() as tx:
        await cancel_order(tx, world.c, order.id, "buyer:b1", "changed mind", buyer_id="b1")
    assert [m.reason for m in world.db.sent(pay.ClosePayment)] == ["changed mind"]
    assert world.saga(order.id).deadline_at is None
    world.later(timedelta(hours=1))
    assert await world.fire_deadlines() == 0  # a cancelled order has no deadline


async def test_a_late_reservation_after_cancel_is_released(world):
    order = await world.place()
    first, second = order.sub_orders
    await world.reply(rejected(order.id, second.id))
    await world.reply(reserved(order.id, first.id))  # crossed the cancellation
    released = world.db.sent(inv.ReleaseStock)
    assert [m.sub_order_id for m in released] == [first.id, first.id]  # on cancel (pending) and again, late
    assert world.saga(order.id).step == "cancelled"


async def test_a_late_payment_after_cancel_is_refunded_never_kept(world):
    order = await world.place()
    await world.reserve_all(order)
    world.later(timedelta(minutes=31))
    await world.fire_deadlines()
    await world.reply(closed(order.id))
    await world.reply(succeeded(order.id, order.paid_amount))
    [refund] = world.db.sent(pay.RefundPayment)
    assert refund.amount == order.paid_amount and refund.reason == "paid after the order was cancelled"
    assert world.order(order.id).status == "cancelled" and world.order(order.id).payment_status == "paid"


async def test_a_duplicate_reservation_reply_sends_nothing_more(world):
    order = await world.place()
    await world.reserve_all(order)
    sent = len(world.db.outbox)
    await world.reply(reserved(order.id, order.sub_orders[0].id))
    assert len(world.db.outbox) == sent and world.saga(order.id).step == "awaiting_payment"


async def test_a_second_payment_success_is_refused_and_changes_nothing(world):
    order = await paid_order(world)
    sent, moves = len(world.db.outbox), len(world.db.moves)
    with pytest.raises(IllegalTransition, match="handed_over"):
        await world.reply(succeeded(order.id, order.paid_amount))
    assert (len(world.db.outbox), len(world.db.moves)) == (sent, moves)  # rolled back


async def test_a_failed_attempt_is_recorded_and_the_buyer_may_pay_again(world):
    order = await world.place()
    await world.reserve_all(order)
    await world.reply(pay.PaymentFailed(order_id=order.id, payment_id="pay-1", reason="card declined"))
    assert world.order(order.id).history[-1].event == "payment_failed"
    assert world.saga(order.id).step == "awaiting_payment"
    await world.reply(succeeded(order.id, order.paid_amount))
    assert world.saga(order.id).step == "handed_over"


async def test_a_refund_that_fails_is_recorded_for_staff(world):
    order = await paid_order(world)
    async with world.transactions.begin() as tx:
        await cancel_order(tx, world.c, order.id, "staff:s1", "warehouse fire")
    await world.reply(stopped_all(order))
    [refund] = world.db.sent(pay.RefundPayment)
    await world.reply(pay.RefundFailed(order_id=order.id, refund_id=refund.refund_id, reason="PSP refused"))
    entry = world.order(order.id).history[-1]
    assert (entry.event, entry.reason) == ("refund_failed", "PSP refused")


async def test_a_deadline_that_keeps_failing_parks_the_saga_and_the_others_still_fire(world):
    broken, healthy = await world.place(), await world.place(buyer="b2")
    await world.reserve_all(broken)
    await world.reserve_all(healthy)
    del world.db.orders[broken.id]  # its order can no longer be loaded: the action fails every time
    world.later(timedelta(minutes=31))
    policy = FailurePolicy(max_attempts=2, first_backoff=timedelta(seconds=1))
    assert await world.fire_deadlines(policy) == 2
    assert world.saga(healthy.id).step == "closing_payment"
    assert (world.saga(broken.id).state, world.saga(broken.id).attempts) == (SagaState.RUNNING, 1)
    world.later(timedelta(seconds=2))
    await world.fire_deadlines(policy)
    parked = world.saga(broken.id)
    assert parked.state is SagaState.NEEDS_ATTENTION and parked.step == "awaiting_payment"
    assert "failed 2 times" in parked.attention and "OrderNotFound" in parked.attention
    world.later(timedelta(hours=1))
    assert await world.fire_deadlines(policy) == 0  # parked: not fired again until staff resume it


async def test_a_pre_sale_reserves_incoming_stock_and_records_when_its_goods_arrive(world):
    order = await world.place(CartLine("SKU-P", "m1", 3, 1000),
                              terms=Terms(type=OrderType.PRE_SALE, priced_by=PricedBy.STAFF))
    [ask] = world.db.sent(inv.ReserveStock)
    assert (ask.pre_sale, ask.allow_split) == (True, True)
    [sub] = order.sub_orders
    line = sub.lines[0]
    allocations = [inv.Allocation(line_id=line.id, sku="SKU-P", warehouse=w, quantity=q, incoming=True)
                   for w, q in (("WH-1", 2), ("WH-2", 1))]
    await world.reply(inv.StockReserved(order_id=order.id, sub_order_id=sub.id, allocations=allocations,
                                        reserved_at="2026-11-22T10:00:00Z"))
    assert world.order(order.id).sub_orders[0].lines[0].warehouses == (
        WarehouseShare("WH-1", 2, incoming=True), WarehouseShare("WH-2", 1, incoming=True))
    await world.reply(succeeded(order.id, order.paid_amount))
    [paid] = world.db.sent(ord_.OrderPaid)  # fulfillment holds the shipments until the goods arrive
    assert [(w.code, w.incoming) for w in paid.sub_orders[0].lines[0].warehouses] == [("WH-1", True), ("WH-2", True)]
    arrived = inv.PreSaleStockArrived(order_id=order.id, sub_order_id=sub.id, arrived_at="2026-12-01T10:00:00Z",
                                      allocations=[a.model_copy(update={"incoming": False}) for a in allocations])
    await world.reply(arrived)
    await world.reply(arrived)  # a repeat changes nothing
    stored = world.order(order.id)
    assert stored.sub_orders[0].lines[0].warehouses == (WarehouseShare("WH-1", 2), WarehouseShare("WH-2", 1))
    assert [h.event for h in stored.history].count("pre_sale_stock_arrived") == 1
    assert (stored.status, world.saga(order.id).state) == ("awaiting_shipment", SagaState.COMPLETED)


async def test_a_received_order_is_confirmed_for_the_buyer_when_the_period_passes_once(world):
    order = await paid_order(world)
    lines = [ln for s in order.sub_orders for ln in s.lines]
    planned = ful.ShipmentPlanned(
        shipment_id="sh-1", order_id=order.id, order_ids=[order.id], sub_order_ids=[s.id for s in order.sub_orders],
        warehouse="WH-1", carrier="SF", status="ready", planned_at=world.clock.at, dispatch_after=world.clock.at,
        lines=[ful.ShipmentLine(line_id=ln.id, order_id=order.id, sub_order_id=s.id, sku=ln.sku, quantity=ln.quantity)
               for s in order.sub_orders for ln in s.lines])
    await world.reply(planned)
    for n, status in enumerate(("shipped", "signed")):
        await world.reply(ful.ShipmentStatusChanged(
            shipment_id="sh-1", order_id=order.id, order_ids=[order.id], sub_order_ids=[], from_status="",
            to_status=status, event=status, source="carrier", at=world.clock.at + timedelta(minutes=n),
            warehouse="WH-1", carrier="SF"))
    assert world.order(order.id).auto_confirm_at == world.clock.at + timedelta(days=7) and len(lines) == 2
    assert await confirm_due(world.transactions, world.c) == 0
    world.later(timedelta(days=7, seconds=1))
    assert await confirm_due(world.transactions, world.c) == 1
    assert world.order(order.id).status == "completed"
    assert world.order(order.id).history[-1].actor == "system:auto-confirm"
    assert await confirm_due(world.transactions, world.c) == 0
