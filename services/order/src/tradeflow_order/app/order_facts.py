"""OrderChanged (order.events): the order's after-sales facts, whole, published in the transaction
that changed them — its status, its lines' cancelled units and amounts, its refunds (also when
its last parcel is signed for or an entitlement granted) — once per transaction, only once paid.
Built from the loaded aggregate: no query of its own. `version` is kept with the order and rises
by one with every OrderChanged, so a reader keeps the highest."""

from datetime import datetime

from tradeflow_contracts import order_facts as facts
from tradeflow_contracts.orders import Receiver, WarehouseQuantity
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.states import PaymentStatus


def facts_key(order: Order) -> tuple | None:
    """What OrderChanged tells that can change after payment; None before payment (nothing told)."""
    if order.payment_status is PaymentStatus.UNPAID:
        return None
    return (order.status, order.signed_at, tuple((ln.cancelled_quantity, ln.cancelled_amount, ln.refunded_amount,
                                                  ln.entitlement_id) for ln in order.lines))


def order_changed(order: Order, now: datetime) -> facts.OrderChanged:
    r, terms = order.receiver, order.terms
    return facts.OrderChanged(
        order_id=order.id, version=order.after_sales.version, buyer_id=order.buyer_id, type=terms.type,
        channel=order.channel, currency=order.currency, status=order.status,
        receiver=Receiver(name=r.name, phone=r.phone, region=r.region, city=r.city, address=r.address),
        lines=[facts.OrderLineFacts(
            line_id=ln.id, sub_order_id=sub.id, merchant_id=ln.merchant_id, sku=ln.sku, kind=ln.kind, title=ln.title,
            quantity=ln.quantity, unit_price_amount=ln.unit_price_amount, paid_amount=ln.paid_amount,
            shipping_amount=ln.shipping_amount, points_amount=ln.discounts.get("points", 0),
            cancelled_quantity=ln.cancelled_quantity, cancelled_amount=ln.cancelled_amount,
            refunded_amount=ln.refunded_amount, entitlement_id=ln.entitlement_id, fragile=ln.fragile,
            weight_grams=ln.weight_grams, volume_cm3=ln.volume_cm3, oversize=ln.oversize,
            warehouses=[WarehouseQuantity(code=w.code, quantity=w.quantity, incoming=w.incoming)
                        for w in ln.warehouses])
            for sub in order.sub_orders for ln in sub.lines],
        paid_at=order.paid_at, signed_at=order.signed_at, completed_at=order.completed_at, changed_at=now)
