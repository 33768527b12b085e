"""The order's domain events → platform messages (the contracts): the one explicit map."""

from tradeflow_contracts import channels, fulfillment, inventory, orders, payments
from tradeflow_contracts.registry import Contract
from tradeflow_order.app.case_answers import CASE_ANSWERS, case_answer
from tradeflow_order.app.ports import OrderTransaction
from tradeflow_order.domain import events as ev
from tradeflow_order.domain.model import OrderType
from tradeflow_order.domain.order import Order


async def publish_events(tx: OrderTransaction, order: Order) -> None:
    """Publish every event the order recorded since it was loaded, in order, keyed by the order
    (one partition per order: its messages stay in order). Coupons and points the order gives
    back return to the price book in the same transaction (no message: they live here)."""
    for event in order.pull_events():
        if isinstance(event, ev.BenefitsReleased):
            await tx.catalog.return_coupons(order.id, event.at)
            await tx.catalog.return_points(order.id, event.at)
            continue
        if isinstance(event, ev.PointsGivenBack):
            await tx.catalog.return_points_part(order.id, order.buyer_id, event.refund_id, event.amount, event.at)
            continue
        await tx.publish(announcement(order, event), key=order.id)


def announcement(order: Order, event: ev.OrderEvent) -> Contract:
    if isinstance(event, CASE_ANSWERS):
        return case_answer(order, event)
    match event:
        case ev.OrderWasPlaced():
            return orders.OrderPlaced(
                order_id=order.id, buyer_id=order.buyer_id, channel=order.channel, currency=order.currency,
                goods_amount=order.goods_amount, shipping_amount=order.shipping_amount,
                discount_amount=order.discount_amount, paid_amount=order.paid_amount,
                sub_order_ids=[s.id for s in order.sub_orders])
        case ev.StockReservationRequested(sub_order_id=sub_id):
            sub = order.sub_order(sub_id)
            return inventory.ReserveStock(
                order_id=order.id, sub_order_id=sub.id, region=order.receiver.region, allow_split=True,
                pre_sale=order.terms.type is OrderType.PRE_SALE,
                lines=[inventory.LineToReserve(line_id=ln.id, sku=ln.sku, quantity=ln.quantity)
                       for ln in sub.lines if ln.kind == "physical"])
        case ev.StockReleaseRequested(sub_order_id=sub_id, reason=reason, units=units):
            return inventory.ReleaseStock(order_id=order.id, sub_order_id=sub_id, reason=reason, units=[
                inventory.UnitsToRelease(line_id=u.line_id, warehouse=u.warehouse, quantity=u.quantity) for u in units])
        case ev.PaymentRequested(amount=amount, deadline=deadline):
            return payments.RequestPayment(order_id=order.id, buyer_id=order.buyer_id, amount=amount,
                                           currency=order.currency, deadline=deadline)
        case ev.PaymentCloseRequested(reason=reason):
            return payments.ClosePayment(order_id=order.id, reason=reason)
        case ev.RefundRequested(refund_id=refund_id, amount=amount, reason=reason):
            return payments.RefundPayment(order_id=order.id, refund_id=refund_id, amount=amount, reason=reason)
        case ev.OrderWasPaid():
            return _order_paid(order)
        case ev.OrderWasCancelled(reason=reason, refund_amount=refund):
            return orders.OrderCancelled(order_id=order.id, reason=reason, refund_amount=refund)
        case ev.ChannelCancelRefused(reason=reason, at=at, channel=channel, external_order_id=external_id):
            external = order.terms.external
            return channels.ChannelOrderNotCancelled(
                order_id=order.id, channel=channel or order.channel, status=order.status, reason=reason, at=at,
                external_order_id=external_id or (external.order_id if external else ""))
        case ev.FulfillmentStopRequested(reason=reason, requested_by=by, requested_at=at, lines=case_lines):
            units = dict(case_lines) or {ln.id: ln.quantity for ln in order.lines}  # a case's, or every unit
            return fulfillment.StopFulfillment(
                order_id=order.id, reason=reason, requested_by=by, requested_at=at,
                lines=[fulfillment.OrderLineRef(line_id=ln.id, sub_order_id=s.id, sku=ln.sku, quantity=units[ln.id],
                                                kind=ln.kind) for s in order.sub_orders for ln in s.lines
                       if ln.id in units])
    raise TypeError(f"no message for {event!r}")


def _order_paid(order: Order) -> orders.OrderPaid:
    r = order.receiver
    return orders.OrderPaid(
        order_id=order.id, buyer_id=order.buyer_id, currency=order.currency,
        receiver=orders.Receiver(name=r.name, phone=r.phone, region=r.region, city=r.city, address=r.address),
        sub_orders=[orders.PaidSubOrder(
            sub_order_id=s.id, merchant_id=s.merchant_id, paid_amount=s.paid_amount,
            lines=[orders.PaidLine(line_id=ln.id, sku=ln.sku, quantity=ln.quantity, kind=ln.kind, fragile=ln.fragile,
                                   paid_amount=ln.paid_amount, title=ln.title, weight_grams=ln.weight_grams,
                                   volume_cm3=ln.volume_cm3, oversize=ln.oversize,
                                   warehouse=ln.warehouses[0].code if len(ln.warehouses) == 1 else None,
                                   warehouses=[orders.WarehouseQuantity(code=w.code, quantity=w.quantity,
                                                                         incoming=w.incoming)
                                               for w in ln.warehouses])
                  for ln in s.lines])
            for s in order.sub_orders])
