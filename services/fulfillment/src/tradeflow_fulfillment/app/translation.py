"""`order.paid` (the order service's contract) → the domain's PaidOrder."""

from collections.abc import Collection

from tradeflow_contracts.orders import OrderPaid, PaidLine
from tradeflow_fulfillment.domain import paid as domain
from tradeflow_fulfillment.domain.model import Receiver


def paid_order_of(message: OrderPaid, arrived: Collection[str] = ()) -> domain.PaidOrder:
    """`arrived`: sub-orders whose pre-sale goods arrived after the order said `incoming` — on
    hand now, they need not wait."""
    r, awaiting = message.receiver, set(sub_orders_with_incoming_stock(message)) - set(arrived)
    return domain.PaidOrder(
        message.order_id, message.buyer_id, Receiver(r.name, r.phone, r.region, r.city, r.address),
        tuple(domain.PaidSubOrder(s.sub_order_id, s.merchant_id, tuple(_line(ln) for ln in s.lines),
                                  awaiting_stock=s.sub_order_id in awaiting)
              for s in message.sub_orders))


def sub_orders_with_incoming_stock(message: OrderPaid) -> list[str]:
    """The sub-orders with units reserved against incoming stock when the order was paid (a
    pre-sale's, its goods not received yet)."""
    return [s.sub_order_id for s in message.sub_orders
            if any(w.incoming for line in s.lines for w in line.warehouses)]


def _line(line: PaidLine) -> domain.PaidLine:
    """Where its units are: `warehouses`, or — a sender that names one only — `warehouse`."""
    warehouses = tuple((w.code, w.quantity) for w in line.warehouses)
    if not warehouses and line.warehouse:
        warehouses = ((line.warehouse, line.quantity),)
    return domain.PaidLine(line.line_id, line.sku, line.quantity, line.kind, line.paid_amount, warehouses,
                           fragile=line.fragile, oversize=line.oversize, weight_grams=line.weight_grams,
                           volume_cm3=line.volume_cm3, title=line.title)
