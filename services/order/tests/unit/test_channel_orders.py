"""A channel's order through the order's use cases and saga, in memory (fake unit of work, the
handler table the service consumes with): placed at zero and answered, paid at zero and handed to
fulfillment, never held nor capped, answered again and not placed twice, refused as an answer;
its facts told from placement and with every shipment change; cancelled by the channel by stage."""

from datetime import UTC, datetime

import pytest

from tradeflow_contracts import channels as ch
from tradeflow_contracts import fulfillment as ful
from tradeflow_contracts import inventory as inv
from tradeflow_contracts import order_facts as facts
from tradeflow_contracts import orders as ord_
from tradeflow_contracts import payments as pay
from tradeflow_contracts.orders import Receiver
from tradeflow_order.app.handlers import reply_handlers
from tradeflow_order.domain.catalog import CatalogSku, SkuKind
from tradeflow_order.domain.placement import CartLine

from .saga_world import SagaWorld, stopped_all, succeeded

AT = datetime(2026, 11, 22, 10, tzinfo=UTC)
SKUS = (CatalogSku("TEA-1", "m-tea", "Longjing tea", 3000, "CNY", weight_grams=500),
        CatalogSku("COURSE-1", "m-edu", "Tea course", 9900, "CNY", SkuKind.VIRTUAL))


@pytest.fixture
def world() -> SagaWorld:
    world = SagaWorld(max_amount=0, max_unpaid_units=1)  # every own order would be held; one unpaid unit
    world.db.catalog.seed(*SKUS)
    return world


def received(*lines: tuple[str, str, int, int], external: str = "T-1", **fields) -> ch.ChannelOrderReceived:
    return ch.ChannelOrderReceived(**{
        "channel_order_id": f"co-{external}", "channel": "tmall", "external_order_id": external,
        "external_status": "paid", "buyer_id": "b1", "currency": "CNY", "received_at": AT,
        "receiver": Receiver(name="Li Lei", phone="13800000000", region="east", city="Shanghai", address="1 Rd"),
        "lines": [ch.ChannelOrderLine(external_line_id=f"x-{i}", sku=sku, quantity=q, channel_unit_price_amount=u,
                                      channel_paid_amount=p) for i, (sku, q, u, p) in enumerate(
            lines or [("TEA-1", 2, 3300, 6000)])]} | fields)


async def placed(world: SagaWorld, message: ch.ChannelOrderReceived | None = None):
    await world.reply(message or received())
    answer = world.db.sent(ch.ChannelOrderPlaced)[-1]
    return world.order(answer.order_id)


async def paid(world: SagaWorld, message: ch.ChannelOrderReceived | None = None):
    order = await placed(world, message)
    await world.reserve_all(order)
    await world.reply(succeeded(order.id, 0))
    return world.order(order.id)


def test_the_service_consumes_the_channels_orders_and_their_cancellations(world):
    topics = reply_handlers(lambda ctx: None, world.c)
    assert ch.ChannelOrderReceived in topics["channel.events"]
    assert ch.CancelChannelOrder in topics["order.commands"]


async def test_placed_at_zero_answered_and_paid_at_zero_without_hold_or_cap(world):
    order = await placed(world)
    [answer] = world.db.sent(ch.ChannelOrderPlaced)
    assert (answer.channel_order_id, answer.external_order_id, answer.order_id) == ("co-T-1", "T-1", order.id)
    assert [(p.external_line_id, p.line_id) for p in answer.lines] == [("x-0", order.lines[0].id)]
    assert [key for key, m in world.db.outbox if isinstance(m, ch.ChannelOrderPlaced)] == ["co-T-1"]
    [told] = world.db.sent(facts.OrderChanged)
    assert (told.version, told.type, told.status, told.external_order_id, told.external_status) == (
        1, "channel", "pending_payment", "T-1", "paid")
    assert [(ln.channel_unit_price_amount, ln.channel_paid_amount, ln.paid_amount) for ln in told.lines] == [
        (3300, 6000, 0)]
    await world.reserve_all(order)  # 2 units over a cap of 1, an amount over a review threshold of 0: not for it
    [request] = world.db.sent(pay.RequestPayment)
    assert request.amount == 0 and world.order(order.id).hold is None
    await world.reply(succeeded(order.id, 0))
    [handed] = world.db.sent(ord_.OrderPaid)
    assert [ln.paid_amount for s in handed.sub_orders for ln in s.lines] == [0]
    assert world.steps(order.id) == ["reserving", "awaiting_payment", "handed_over"]
    assert [f.status for f in world.db.sent(facts.OrderChanged)] == ["pending_payment", "awaiting_shipment"]


async def test_virtual_goods_only_ask_for_the_zero_payment_at_placement(world):
    await placed(world, received(("COURSE-1", 1, 9900, 9900), receiver=None))
    assert [m.amount for m in world.db.sent(pay.RequestPayment)] == [0]
    assert world.db.sent(inv.ReserveStock) == []


async def test_the_same_channel_order_again_places_nothing_and_is_answered_with_the_first_ids(world):
    first = await placed(world)
    await world.reply(received().model_copy(update={"channel_order_id": "co-again"}))
    assert len(world.db.orders) == 1
    answers = world.db.sent(ch.ChannelOrderPlaced)
    assert [(a.channel_order_id, a.order_id, [p.line_id for p in a.lines]) for a in answers] == [
        ("co-T-1", first.id, [first.lines[0].id]), ("co-again", first.id, [first.lines[0].id])]
    await world.reply(received(external="T-2"))  # another channel order of the same buyer is another order
    assert len(world.db.orders) == 2


async def test_what_cannot_be_placed_is_refused_as_an_answer_and_nothing_is_placed(world):
    await world.reply(received(("TEA-1", 1, 1, 1), ("GHOST", 1, 1, 1)))
    [refused] = world.db.sent(ch.ChannelOrderRefused)
    assert (refused.reason.split(":")[0], refused.field, refused.external_order_id) == (
        "unknown-sku", "lines.1.sku", "T-1")
    assert world.db.orders == {} and world.db.sent(ch.ChannelOrderPlaced) == []


async def test_shortage_cancels_the_channel_order_the_usual_way(world):
    order = await placed(world)
    await world.reply(inv.StockReservationRejected(order_id=order.id, sub_order_id=order.sub_orders[0].id,
                                                   reason="insufficient-stock", shortages=[]))
    [cancelled] = world.db.sent(ord_.OrderCancelled)
    assert cancelled.order_id == order.id and world.db.sent(facts.OrderChanged)[-1].status == "cancelled"


def planned(order, shipment_id="sh-1") -> ful.ShipmentPlanned:
    line, sub = order.lines[0], order.sub_orders[0]
    return ful.ShipmentPlanned(order_id=order.id, order_ids=[order.id], sub_order_ids=[sub.id],
                               shipment_id=shipment_id, warehouse="WH-1", carrier="sf", status="planned",
                               planned_at=AT, dispatch_after=AT, lines=[ful.ShipmentLine(
                                   order_id=order.id, sub_order_id=sub.id, line_id=line.id, sku=line.sku,
                                   quantity=line.quantity)])


def moved(order, status: str, waybill: str | None = None) -> ful.ShipmentStatusChanged:
    return ful.ShipmentStatusChanged(order_id=order.id, order_ids=[order.id], sub_order_ids=[order.sub_orders[0].id],
                                     shipment_id="sh-1", from_status="planned", to_status=status, event=status,
                                     source="wms", at=AT, warehouse="WH-1", carrier="sf", waybill=waybill)


async def test_a_channel_order_is_told_of_every_shipment_change_an_own_order_is_not(world):
    order = await paid(world)
    await world.reply(planned(order))
    await world.reply(moved(order, "dispatched", "SF-123"))
    told = world.db.sent(facts.OrderChanged)
    assert [(f.version, f.status, [(s.shipment_id, s.status, s.waybill) for s in f.shipments]) for f in told[2:]] == [
        (3, "awaiting_shipment", [("sh-1", "planned", None)]),
        (4, "awaiting_shipment", [("sh-1", "dispatched", "SF-123")])]
    assert [(ln.line_id, ln.quantity) for ln in told[-1].shipments[0].lines] == [(order.lines[0].id, 2)]

    own_world = SagaWorld()
    own = await own_world.place(CartLine("TEA-1", "m-tea", 2, 3000))
    await own_world.reserve_all(own)
    await own_world.reply(succeeded(own.id, own.paid_amount))
    await own_world.reply(planned(own_world.order(own.id)))
    await own_world.reply(moved(own_world.order(own.id), "dispatched", "SF-124"))
    [own_told] = own_world.db.sent(facts.OrderChanged)  # payment only: shipments alone are not told
    assert (own_told.external_order_id, own_told.lines[0].channel_paid_amount) == (None, None)


def cancel(order, **fields) -> ch.CancelChannelOrder:
    return ch.CancelChannelOrder(**{"order_id": order.id, "channel": "tmall", "external_order_id": "T-1",
                                    "reason": "buyer cancelled on tmall", "requested_by": "channel:tmall"} | fields)


async def test_the_channel_cancels_before_payment_at_once_and_a_repeat_answers_again(world):
    order = await placed(world)
    await world.reply(cancel(order))
    await world.reply(cancel(order))
    assert [(m.order_id, m.reason, m.refund_amount) for m in world.db.sent(ord_.OrderCancelled)] == [
        (order.id, "buyer cancelled on tmall", 0)] * 2
    assert world.order(order.id).history[-1].actor == "channel:tmall"
    assert len(world.db.sent(inv.ReleaseStock)) == 1


async def test_the_channel_cancels_a_paid_order_while_no_goods_left_through_fulfillment(world):
    order = await paid(world)
    await world.reply(cancel(order))
    [stop] = world.db.sent(ful.StopFulfillment)
    assert stop.requested_by == "channel:tmall" and world.db.sent(ord_.OrderCancelled) == []
    await world.reply(cancel(order))  # asked again while fulfillment decides: its answer follows
    assert len(world.db.sent(ful.StopFulfillment)) == 1 and world.db.sent(ch.ChannelOrderNotCancelled) == []
    await world.reply(stopped_all(world.order(order.id)))
    [cancelled] = world.db.sent(ord_.OrderCancelled)
    assert (cancelled.refund_amount, world.db.sent(pay.RefundPayment)) == (0, [])
    assert len(world.db.sent(inv.ReleaseStock)) == 1


async def test_goods_that_left_or_a_stop_fulfillment_refused_answer_not_cancelled(world):
    order = await paid(world)
    await world.reply(cancel(order))
    refused = ful.FulfillmentStopped(order_id=order.id, reason="r", decided_at=AT, stopped=[], going_on=[
        ful.GoingOnUnits(line_id=order.lines[0].id, sub_order_id=order.sub_orders[0].id, quantity=2,
                         shipment_id="sh-1", problem="intercept-failed", detail="packed")])
    await world.reply(refused)
    await world.reply(planned(order))
    await world.reply(moved(order, "shipped", "SF-1"))
    await world.reply(cancel(order))
    answers = world.db.sent(ch.ChannelOrderNotCancelled)
    assert [(a.status, a.reason.split(":")[0], a.external_order_id) for a in answers] == [
        ("awaiting_shipment", "refused", "T-1"), ("shipped", "goods-left", "T-1")]
    assert world.db.sent(ord_.OrderCancelled) == [] and len(world.db.sent(ful.StopFulfillment)) == 1


async def test_a_completed_course_or_another_channels_order_is_not_cancelled(world):
    order = await paid(world, received(("COURSE-1", 1, 9900, 9900), receiver=None))
    await world.reply(ful.EntitlementGranted(order_id=order.id, sub_order_id=order.sub_orders[0].id,
                                             line_id=order.lines[0].id, entitlement_id="ent-1", account="b1",
                                             sku="COURSE-1", quantity=1, granted_at=AT))
    await world.reply(cancel(order))
    await world.reply(cancel(order, channel="jd", external_order_id="J-9"))
    answers = world.db.sent(ch.ChannelOrderNotCancelled)
    assert [(a.status, a.reason.split(":")[0], a.channel, a.external_order_id) for a in answers] == [
        ("completed", "completed", "tmall", "T-1"), ("completed", "not-the-channels-order", "jd", "J-9")]
