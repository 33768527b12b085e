"""The order resource as API.md shapes it."""

from dataclasses import asdict

from tradeflow_order.domain.cancellation import Cancellation
from tradeflow_order.domain.model import Line, SubOrder, Terms
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.tracking import OrderShipment


def order_view(order: Order) -> dict:
    """The whole tree, as the buyer, staff and systems see it."""
    return _view(order, order.sub_orders)


SUB_ORDER_EVENTS = ("stock_reserved", "pre_sale_stock_arrived")  # about one sub-order, named in the reason
AFTER_SALES = "/after-sales"  # where the buyer goes for what a cancellation could not stop


def merchant_order_view(order: Order, merchant_id: str) -> dict:
    """What a merchant sees (API.md): only its own sub-orders; order-level amounts are the sums
    over those; no risk hold or actors and reasons in the history (they may name other merchants'
    goods or the buyer), and no entries about other merchants' sub-orders; a cancellation's cause
    without its details ("out of stock", not which SKU); the receiver reduced to what shipping
    needs, with the phone masked."""
    subs = [s for s in order.sub_orders if s.merchant_id == merchant_id]
    view = _view(order, subs)
    view |= {**_amounts(subs),
             "refunded_amount": sum(ln.refunded_amount for s in subs for ln in s.lines),
             "receiver": {"name": order.receiver.name, "phone": mask_phone(order.receiver.phone),
                          "region": order.receiver.region, "city": order.receiver.city},
             "hold": None,
             "coupons": [],  # they may be another merchant's; its lines show what they took
             "points_amount": sum(ln.discounts.get("points", 0) for s in subs for ln in s.lines),
             "cancel_reason": cancel_cause(order.cancel_reason),
             "cancellation": cancellation_view(order.cancellation, {ln.id for s in subs for ln in s.lines},
                                               merchant=True),
             "history": [h | {"actor": None, "reason": None} for h, entry in zip(view["history"], order.history,
                                                                                 strict=True)
                         if entry.event not in SUB_ORDER_EVENTS or entry.reason in {s.id for s in subs}]}
    return view


def cancel_cause(reason: str | None) -> str | None:
    """The cause of a cancellation without its details: the text before the first colon."""
    return reason.split(":", 1)[0].strip() if reason else reason


def mask_phone(phone: str) -> str:
    """All but the first three and last four digits hidden: 139****0000."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def _view(order: Order, subs: list[SubOrder]) -> dict:
    return {
        "id": order.id, "status": order.status, "payment_status": order.payment_status,
        "after_sales_in_progress": order.after_sales_in_progress,
        "after_sales": [{"case_id": c.case_id, "type": c.type, "status": c.status} for c in order.after_sales.cases],
        "currency": order.currency, "channel": order.channel,
        "external_order_id": order.terms.external.order_id if order.terms.external else None,
        "external_status": order.terms.external.status if order.terms.external else None,
        "buyer_id": order.buyer_id, "receiver": asdict(order.receiver), "created_at": order.created_at.isoformat(),
        **_terms(order.terms),
        "goods_amount": order.goods_amount, "shipping_amount": order.shipping_amount,
        "discount_amount": order.discount_amount, "paid_amount": order.paid_amount,
        "refunded_amount": order.refunded_amount,
        "hold": {"reason": order.hold.reason, "since": order.hold.since.isoformat()} if order.hold else None,
        "cancel_reason": order.cancel_reason,
        "cancellation": cancellation_view(order.cancellation, {ln.id for ln in order.lines}),
        "payment_deadline": order.payment_deadline.isoformat() if order.payment_deadline else None,
        "auto_confirm_at": order.auto_confirm_at.isoformat() if order.auto_confirm_at else None,
        "sub_orders": [_sub_order(s) for s in subs],
        "shipments": _shipments(order, subs),
        "history": [{"at": h.at.isoformat(), "from": h.from_status, "to": h.to_status, "event": h.event,
                     "actor": h.actor, "reason": h.reason} for h in order.history],
    }


def cancellation_view(cancellation: Cancellation | None, line_ids: set[str], merchant: bool = False) -> dict | None:
    """A paid order's cancellation as asked and decided: the units going on (of these lines) and,
    when some do, where the buyer goes for them. A merchant sees the cause without its details."""
    if cancellation is None:
        return None
    going_on = [{"line_id": g.line_id, "quantity": g.quantity, "shipment_id": g.shipment_id, "problem": g.problem,
                 "detail": g.detail} for g in cancellation.going_on if g.line_id in line_ids]
    return {"state": cancellation.state,
            "reason": cancel_cause(cancellation.reason) if merchant else cancellation.reason,
            "requested_by": None if merchant else cancellation.requested_by,
            "requested_at": cancellation.requested_at.isoformat(),
            "decided_at": cancellation.decided_at.isoformat() if cancellation.decided_at else None,
            "going_on": going_on, "after_sales": AFTER_SALES if going_on else None}


def quote_view(currency: str, lines: list[Line], terms: Terms) -> dict:
    """What an order of these lines would be: its amounts, sub-orders and lines, without ids."""
    by_merchant: dict[str, list[Line]] = {}
    for line in lines:
        by_merchant.setdefault(line.merchant_id, []).append(line)
    subs = [SubOrder("", merchant, merchant_lines) for merchant, merchant_lines in by_merchant.items()]
    return {"currency": currency, **_terms(terms), **_amounts(subs),
            "sub_orders": [{k: v for k, v in _sub_order(s).items() if k not in ("id", "status", "reservation",
                                                                                "refunded_amount")}
                           | {"lines": [_quoted_line(ln) for ln in s.lines]} for s in subs]}


def _quoted_line(line: Line) -> dict:
    return {k: v for k, v in _line(line).items()
            if k not in ("id", "refunded_amount", "warehouses", "cancelled_quantity", "cancelled_amount",
                         "channel_unit_price_amount", "channel_paid_amount")}


def _amounts(subs: list[SubOrder]) -> dict:
    return {"goods_amount": sum(s.goods_amount for s in subs), "shipping_amount": sum(s.shipping_amount for s in subs),
            "discount_amount": sum(s.discount_amount for s in subs), "paid_amount": sum(s.paid_amount for s in subs)}


def _terms(terms: Terms) -> dict:
    return {"type": terms.type, "delivery_method": terms.delivery_method, "priced_by": terms.priced_by,
            "invoice": asdict(terms.invoice) if terms.invoice else None,
            "coupons": [asdict(c) for c in terms.coupons], "points_amount": terms.points_amount}


def _shipments(order: Order, subs: list[SubOrder]) -> list[dict]:
    """The shipments holding lines of these sub-orders (a merchant: only its own)."""
    line_ids = {ln.id for s in subs for ln in s.lines}
    return [_shipment(sh, line_ids) for sh in order.shipments if any(ln.line_id in line_ids for ln in sh.lines)]


def _shipment(shipment: OrderShipment, line_ids: set[str]) -> dict:
    """A shipment as tracked, with only the lines of the sub-orders shown."""
    return {"id": shipment.id, "warehouse": shipment.warehouse, "carrier": shipment.carrier,
            "waybill": shipment.waybill, "dispatch_number": shipment.dispatch_number, "status": shipment.status,
            "lines": [{"line_id": ln.line_id, "quantity": ln.quantity}
                      for ln in shipment.lines if ln.line_id in line_ids],
            "events": [{"at": e.at.isoformat(), "status": e.status, "event": e.event} for e in shipment.events]}


def saga_view(order: Order) -> dict:
    return {"order_id": order.id, "step": order.step, "status": order.status,
            "payment_deadline": order.payment_deadline.isoformat() if order.payment_deadline else None,
            "hold": order.hold.reason if order.hold else None,
            "reservations": {s.id: s.reservation for s in order.sub_orders}}


def _sub_order(sub: SubOrder) -> dict:
    return {"id": sub.id, "merchant_id": sub.merchant_id, "status": sub.status, "reservation": sub.reservation,
            "goods_amount": sub.goods_amount, "shipping_amount": sub.shipping_amount,
            "discount_amount": sub.discount_amount, "paid_amount": sub.paid_amount,
            "refunded_amount": sum(ln.refunded_amount for ln in sub.lines),
            "lines": [_line(ln) for ln in sub.lines]}


def _line(line: Line) -> dict:
    return {"id": line.id, "sku": line.sku, "title": line.title, "sku_version": line.sku_version,
            "quantity": line.quantity, "unit_price_amount": line.unit_price_amount,
            "kind": line.kind, "goods_amount": line.goods_amount, "shipping_amount": line.shipping_amount,
            "discount_amount": line.discount_amount, "discounts": line.discounts, "paid_amount": line.paid_amount,
            "refunded_amount": line.refunded_amount, "cancelled_quantity": line.cancelled_quantity,
            "cancelled_amount": line.cancelled_amount,
            "entitlement_id": line.entitlement_id,
            "channel_unit_price_amount": line.channel.unit_price_amount if line.channel else None,
            "channel_paid_amount": line.channel.paid_amount if line.channel else None,
            "warehouses": [{"code": w.code, "quantity": w.quantity, "incoming": w.incoming} for w in line.warehouses]}
