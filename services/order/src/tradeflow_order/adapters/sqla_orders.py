"""SqlaOrderRepository: the order aggregate in PostgreSQL (orders, sub_orders, order_lines,
order_shipments, order_refunds, history; its saga step from the kit's `sagas` table)."""

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import (
    JSON,
    bindparam,
    exists,
    func,
    insert,
    literal_column,
    select,
    text,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_order.adapters import order_parts as parts
from tradeflow_order.adapters.order_changes import changed_notice
from tradeflow_order.adapters.tables import (
    order_history,
    order_lines,
    order_refunds,
    order_shipments,
    orders,
    sagas,
    sub_orders,
)
from tradeflow_order.domain.errors import OrderNotFound
from tradeflow_order.domain.model import (
    AppliedCoupon,
    DeliveryMethod,
    ExternalOrder,
    HistoryEntry,
    Hold,
    Invoice,
    Line,
    OrderType,
    PricedBy,
    Receiver,
    StoppedUnits,
    SubOrder,
    Terms,
    WarehouseShare,
)
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.states import OrderStatus, Reservation


class SqlaOrderRepository:
    """An order is read in one statement (its sub-orders, lines and history aggregated as JSON)
    and written back with only the rows that changed since it was read."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._as_read: dict[str, _Rows] = {}

    async def add(self, order: Order) -> None:
        await self.session.execute(insert(orders).values(
            **_order_row(order), id=order.id, buyer_id=order.buyer_id, channel=order.channel, currency=order.currency,
            created_at=order.created_at, **_terms_row(order.terms)))
        await self.session.execute(insert(sub_orders), [
            {"id": s.id, "order_id": order.id, "position": i, "merchant_id": s.merchant_id, "status": s.status,
             "reservation": s.reservation} for i, s in enumerate(order.sub_orders)])
        await self.session.execute(insert(order_lines), [
            {"refunded_amount": ln.refunded_amount, "warehouses": _warehouses_json(ln.warehouses), "id": ln.id,
             "sub_order_id": s.id, "position": i, "sku": ln.sku, "title": ln.title, "sku_version": ln.sku_version,
             "weight_grams": ln.weight_grams, "volume_cm3": ln.volume_cm3, "oversize": ln.oversize,
             "merchant_id": ln.merchant_id, "quantity": ln.quantity, "unit_price_amount": ln.unit_price_amount,
             "kind": ln.kind, "fragile": ln.fragile, "shipping_amount": ln.shipping_amount, "discounts": ln.discounts,
             **parts.channel_sale_row(ln.channel)}
            for s in order.sub_orders for i, ln in enumerate(s.lines)])
        await self._append_history(order)

    async def get(self, order_id: str) -> Order:
        row = (await self.session.execute(_SELECT.where(orders.c.id == order_id))).first()
        if row is None:
            raise OrderNotFound(f"no order {order_id}")
        order = _order(row)
        self._as_read[order.id] = _Rows.of(order)
        return order

    async def save(self, order: Order) -> None:
        """Write back what the saga changed since the order was read (all of it when it was not
        read here); history is append-only."""
        now, before = _Rows.of(order), self._as_read.get(order.id)
        if before is None or now.order != before.order:
            await self.session.execute(update(orders).where(orders.c.id == order.id).values(now.order))
        if subs := [{"sub_id": sid, "status": st, "reservation": r} for sid, (st, r) in now.subs.items()
                    if before is None or before.subs.get(sid) != (st, r)]:
            await self.session.execute(
                update(sub_orders).where(sub_orders.c.id == bindparam("sub_id"))
                .values(status=bindparam("status"), reservation=bindparam("reservation")), subs)
        if lines := [{"line_id": lid, "refunded": rf, "wh": _warehouses_json(wh), "ent": ent,
                      "stops": [asdict(stop) for stop in stops], "cancelled": sum(stop.quantity for stop in stops),
                      "cancelled_amount": amount}
                     for lid, (rf, wh, ent, stops, amount) in now.lines.items()
                     if before is None or before.lines.get(lid) != (rf, wh, ent, stops, amount)]:
            await self.session.execute(
                update(order_lines).where(order_lines.c.id == bindparam("line_id"))
                .values(refunded_amount=bindparam("refunded"), warehouses=bindparam("wh", type_=JSONB),
                        entitlement_id=bindparam("ent"), stops=bindparam("stops", type_=JSONB),
                        cancelled_quantity=bindparam("cancelled"),
                        cancelled_amount=bindparam("cancelled_amount")), lines)
        if shipments := [row for sid, row in now.shipments.items()
                         if before is None or before.shipments.get(sid) != row]:
            upsert = pg_insert(order_shipments)
            await self.session.execute(upsert.on_conflict_do_update(
                index_elements=["order_id", "shipment_id"],
                set_={c: upsert.excluded[c] for c in ("status", "waybill", "dispatch_number", "lines", "events")}),
                shipments)
        if refunds := [row for rid, row in now.refunds.items() if before is None or before.refunds.get(rid) != row]:
            upsert = pg_insert(order_refunds)
            await self.session.execute(upsert.on_conflict_do_update(
                index_elements=["order_id", "refund_id"], set_={"state": upsert.excluded.state}), refunds)
        self._as_read[order.id] = now
        await self._append_history(order)

    async def find(self, *, buyer_id: str | None, merchant_id: str | None, status: str | None, limit: int,
                   before: tuple[datetime, str] | None) -> list[Order]:
        """Newest first; narrowed to one buyer's orders and/or the orders holding a merchant's sub-orders."""
        query = _SELECT.order_by(orders.c.created_at.desc(), orders.c.id.desc()).limit(limit)
        if buyer_id is not None:
            query = query.where(orders.c.buyer_id == buyer_id)
        if merchant_id is not None:
            query = query.where(exists().where(sub_orders.c.order_id == orders.c.id,
                                               sub_orders.c.merchant_id == merchant_id))
        if status is not None:
            query = query.where(orders.c.status == status)
        if before is not None:
            query = query.where(tuple_(orders.c.created_at, orders.c.id) < tuple_(*before))  # a row comparison
        return [_order(row) for row in (await self.session.execute(query)).all()]

    async def find_external(self, channel: str, external_order_id: str) -> Order | None:
        query = _SELECT.where(orders.c.channel == channel, orders.c.external_order_id == external_order_id)
        row = (await self.session.execute(query)).first()
        return None if row is None else _order(row)

    async def lock_buyer(self, buyer_id: str) -> None:
        """Serialize this buyer's placements until the transaction ends (a transaction-level
        advisory lock), so concurrent orders of one buyer see each other's held units."""
        await self.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                                   {"key": f"order-buyer:{buyer_id}"})

    async def unpaid_units(self, buyer_id: str, skus: set[str]) -> dict[str, int]:
        """Stock units of each SKU the buyer holds in unpaid orders (pending payment, not cancelled)."""
        query = (select(order_lines.c.sku, func.sum(order_lines.c.quantity))
                 .join(sub_orders, sub_orders.c.id == order_lines.c.sub_order_id)
                 .join(orders, orders.c.id == sub_orders.c.order_id)
                 .where(orders.c.buyer_id == buyer_id, orders.c.status == "pending_payment",
                        orders.c.payment_status == "unpaid", order_lines.c.kind == "physical",
                        order_lines.c.sku.in_(sorted(skus)))
                 .group_by(order_lines.c.sku))
        return {sku: int(units) for sku, units in (await self.session.execute(query)).all()}

    async def recent_counts(self, phone: str, receiver: Receiver, since: datetime) -> tuple[int, int]:
        async def count(condition) -> int:
            query = select(func.count()).select_from(orders).where(condition, orders.c.created_at >= since)
            return (await self.session.execute(query)).scalar_one()
        return (await count(orders.c.receiver_phone == phone),
                await count(orders.c.receiver_address == _address_key(receiver)))

    async def claim_due_auto_confirm(self, now: datetime) -> str | None:
        query = (select(orders.c.id).where(orders.c.status == "shipped", orders.c.auto_confirm_at <= now)
                 .order_by(orders.c.auto_confirm_at).limit(1).with_for_update(skip_locked=True))
        return (await self.session.execute(query)).scalar_one_or_none()

    async def _append_history(self, order: Order) -> None:
        """Every change of an order adds to its history: its followers (GET /orders/{id}/events)
        are told when the transaction commits."""
        if new := order.pull_new_history():  # one statement: the rows, and the notification with them
            added = insert(order_history).values([
                {"order_id": order.id, "at": h.at, "from_status": h.from_status, "to_status": h.to_status,
                 "event": h.event, "actor": h.actor, "reason": h.reason, "payment_status": h.payment_status}
                for h in new]).returning(order_history.c.id).cte("added")
            await self.session.execute(changed_notice(order.id).where(exists(select(added.c.id))))


def _as_json(table, where, *order_by):
    """The rows of `table` matching `where` as one JSON array (ordered; [] when none)."""
    row = func.json_build_object(*(part for c in table.c for part in (literal_column(f"'{c.name}'"), c)))
    return type_coerce(select(func.coalesce(func.json_agg(aggregate_order_by(row, *order_by)), text("'[]'::json")))
                       .where(where).scalar_subquery(), JSON)


_SELECT = select(
    orders, sagas.c.step,
    _as_json(sub_orders, sub_orders.c.order_id == orders.c.id, sub_orders.c.position).label("subs"),
    _as_json(order_lines, order_lines.c.sub_order_id.in_(select(sub_orders.c.id).where(
        sub_orders.c.order_id == orders.c.id).correlate(orders)), order_lines.c.position).label("lines"),
    _as_json(order_history, order_history.c.order_id == orders.c.id, order_history.c.id).label("history"),
    _as_json(order_shipments, order_shipments.c.order_id == orders.c.id, order_shipments.c.position).label("shipments"),
    _as_json(order_refunds, order_refunds.c.order_id == orders.c.id, order_refunds.c.position).label("refunds"),
).join(sagas, sagas.c.id == orders.c.id)


@dataclass(frozen=True)
class _Rows:
    """What `save` may write of an order: its row's changing columns, each sub-order's status and
    reservation, each line's refunded amount, warehouses, entitlement and stops, each shipment
    tracked, each refund asked for."""

    order: dict
    subs: dict[str, tuple]
    lines: dict[str, tuple]
    shipments: dict[str, dict]
    refunds: dict[str, dict]

    @classmethod
    def of(cls, order: Order) -> "_Rows":
        return cls(_order_row(order), {s.id: (s.status, s.reservation) for s in order.sub_orders},
                   {ln.id: (ln.refunded_amount, ln.warehouses, ln.entitlement_id, ln.stops, ln.cancelled_amount)
                    for s in order.sub_orders for ln in s.lines},
                   {sh.id: parts.shipment_row(order.id, i, sh) for i, sh in enumerate(order.shipments)},
                   {r.id: parts.refund_row(order.id, i, r) for i, r in enumerate(order.refunds)})


def _address_key(receiver: Receiver) -> str:
    return " ".join(f"{receiver.region} {receiver.city} {receiver.address}".lower().split())


def _order_row(order: Order) -> dict:
    return {"status": order.status, "payment_status": order.payment_status,
            "hold_reason": order.hold.reason if order.hold else None,
            "hold_since": order.hold.since if order.hold else None, "cancel_reason": order.cancel_reason,
            "payment_deadline": order.payment_deadline, "refunded_amount": order.refunded_amount,
            "paid_amount": order.paid_amount, "auto_confirm_at": order.auto_confirm_at,
            "cancellation": parts.cancellation_json(order.cancellation), **parts.after_sales_row(order.after_sales),
            "receiver": asdict(order.receiver), "receiver_phone": order.receiver.phone,
            "receiver_address": _address_key(order.receiver)}


def _terms_row(terms: Terms) -> dict:
    return {"type": terms.type, "delivery_method": terms.delivery_method, "priced_by": terms.priced_by,
            "invoice": asdict(terms.invoice) if terms.invoice else None,
            "benefits": {"coupons": [asdict(c) for c in terms.coupons], "points_amount": terms.points_amount},
            "external_order_id": terms.external.order_id if terms.external else None,
            "external_status": terms.external.status if terms.external else None}


def _terms(row) -> Terms:
    benefits = row.benefits or {}
    return Terms(OrderType(row.type), DeliveryMethod(row.delivery_method),
                 Invoice(**row.invoice) if row.invoice else None, PricedBy(row.priced_by),
                 tuple(AppliedCoupon(**c) for c in benefits.get("coupons", [])), benefits.get("points_amount", 0),
                 ExternalOrder(row.external_order_id, row.external_status) if row.external_order_id else None)


def _warehouses_json(warehouses: tuple[WarehouseShare, ...]) -> list[dict]:
    return [{"code": w.code, "quantity": w.quantity} | ({"incoming": True} if w.incoming else {})
            for w in warehouses]


def _order(row) -> Order:
    """The aggregate from `_SELECT`'s row (sub-orders, lines and history arrive as JSON)."""
    by_sub: dict[str, list[Line]] = {}
    for ln in row.lines:
        by_sub.setdefault(ln["sub_order_id"], []).append(Line(
            ln["id"], ln["sku"], ln["merchant_id"], ln["quantity"], ln["unit_price_amount"], ln["kind"],
            ln["fragile"], ln["shipping_amount"], dict(ln["discounts"]), ln["refunded_amount"],
            tuple(WarehouseShare(w["code"], w["quantity"], w.get("incoming", False)) for w in ln["warehouses"]),
            ln["title"], ln["sku_version"], ln["weight_grams"], ln["volume_cm3"], ln["oversize"], ln["entitlement_id"],
            tuple(StoppedUnits(**stop) for stop in ln["stops"]), ln["cancelled_amount"], parts.channel_sale(ln)))
    return Order(
        id=row.id, buyer_id=row.buyer_id, channel=row.channel, currency=row.currency,
        receiver=Receiver(**row.receiver), created_at=row.created_at,
        sub_orders=[SubOrder(s["id"], s["merchant_id"], by_sub.get(s["id"], []), OrderStatus(s["status"]),
                             Reservation(s["reservation"])) for s in row.subs],
        status=row.status, payment_status=row.payment_status, step=row.step,
        hold=Hold(row.hold_reason, row.hold_since) if row.hold_reason else None, cancel_reason=row.cancel_reason,
        payment_deadline=row.payment_deadline, refunded_amount=row.refunded_amount, terms=_terms(row),
        shipments=[parts.shipment(s) for s in row.shipments], auto_confirm_at=row.auto_confirm_at,
        cancellation=parts.cancellation(row.cancellation), refunds=[parts.refund(r) for r in row.refunds],
        after_sales=parts.after_sales(row),
        history=[HistoryEntry(datetime.fromisoformat(h["at"]), h["from_status"], h["to_status"], h["event"],
                              h["actor"], h["reason"], h["payment_status"]) for h in row.history])
