"""OrderChanged (order.events): the order's after-sales facts, whole, published in the transaction
that changed them — its status, its lines' cancelled units and amounts, its refunds (also when
its last parcel is signed for or an entitlement granted), its receiver (a channel's address
change) — once per transaction, only once paid. A channel order (type `channel`) is told from its
placement on, and also when only its shipments change (a parcel planned, dispatched, shipped, its
waybill, signed): its channel is told of each. Built from the loaded aggregate: no query of its
own. `version` is kept with the order and rises by one with every OrderChanged, so a reader keeps
the highest."""

from datetime import datetime

from tradeflow_contracts import order_facts as facts
from tradeflow_contracts.orders import Receiver, WarehouseQuantity
from tradeflow_order.domain.model import Line, OrderType
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.states import PaymentStatus
from tradeflow_order.domain.tracking import OrderShipment


def facts_key(order: Order) -> tuple | None:
    """What OrderChanged tells that can change; None while nothing is told (before payment, but
    for a channel order). The platform's own orders are told as before: not for shipments alone."""
    channel = order.terms.type is OrderType.CHANNEL
    if order.payment_status is PaymentStatus.UNPAID and not channel:
        return None
    key = (order.status, order.signed_at, order.receiver,
           tuple((ln.cancelled_quantity, ln.cancelled_amount, ln.refunded_amount, ln.entitlement_id)
                 for ln in order.lines))
    if not channel:
        return key
    return (*key, order.terms.external, tuple((sh.id, sh.status, sh.waybill, sh.lines) for sh in order.shipments))


def order_changed(order: Order, now: datetime) -> facts.OrderChanged:
    r, terms = order.receiver, order.terms
    return facts.OrderChanged(
        order_id=order.id, version=order.after_sales.version, buyer_id=order.buyer_id, type=terms.type,
        channel=order.channel, currency=order.currency, status=order.status,
        receiver=Receiver(name=r.name, phone=r.phone, region=r.region, city=r.city, address=r.address),
        lines=[_line(ln, sub.id) for sub in order.sub_orders for ln in sub.lines],
        paid_at=order.paid_at, signed_at=order.signed_at, completed_at=order.completed_at, changed_at=now,
        external_order_id=terms.external.order_id if terms.external else None,
        external_status=terms.external.status if terms.external else None,
        shipments=[_shipment(sh) for sh in order.shipments])


def _line(ln: Line, sub_order_id: str) -> facts.OrderLineFacts:
    return facts.OrderLineFacts(
        line_id=ln.id, sub_order_id=sub_order_id, merchant_id=ln.merchant_id, sku=ln.sku, kind=ln.kind,
        title=ln.title, quantity=ln.quantity, unit_price_amount=ln.unit_price_amount, paid_amount=ln.paid_amount,
        shipping_amount=ln.shipping_amount, points_amount=ln.discounts.get("points", 0),
        cancelled_quantity=ln.cancelled_quantity, cancelled_amount=ln.cancelled_amount,
        refunded_amount=ln.refunded_amount, entitlement_id=ln.entitlement_id, fragile=ln.fragile,
        weight_grams=ln.weight_grams, volume_cm3=ln.volume_cm3, oversize=ln.oversize,
        warehouses=[WarehouseQuantity(code=w.code, quantity=w.quantity, incoming=w.incoming) for w in ln.warehouses],
        channel_unit_price_amount=ln.channel.unit_price_amount if ln.channel else None,
        channel_paid_amount=ln.channel.paid_amount if ln.channel else None)


def _shipment(sh: OrderShipment) -> facts.ShipmentFacts:
    """The order's part of the shipment as tracked (a case's replacement never reaches `shipments`)."""
    return facts.ShipmentFacts(
        shipment_id=sh.id, warehouse=sh.warehouse, carrier=sh.carrier, status=sh.status, waybill=sh.waybill,
        lines=[facts.ShipmentLineFacts(line_id=ln.line_id, quantity=ln.quantity) for ln in sh.lines if ln.quantity > 0])
