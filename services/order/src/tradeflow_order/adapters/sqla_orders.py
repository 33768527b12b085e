"""SqlaOrderRepository: the order aggregate in PostgreSQL (orders, sub_orders, order_lines, history;
its saga step from the kit's `sagas` table)."""

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import bindparam, exists, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_order.adapters.tables import order_history, order_lines, orders, sagas, sub_orders
from tradeflow_order.domain.errors import OrderNotFound
from tradeflow_order.domain.model import HistoryEntry, Hold, Line, Receiver, SubOrder
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.states import OrderStatus, Reservation


class SqlaOrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, order: Order) -> None:
        await self.session.execute(insert(orders).values(
            **_order_row(order), id=order.id, buyer_id=order.buyer_id, channel=order.channel, currency=order.currency,
            receiver=asdict(order.receiver), receiver_phone=order.receiver.phone,
            receiver_address=_address_key(order.receiver), created_at=order.created_at))
        await self.session.execute(insert(sub_orders), [
            {"id": s.id, "order_id": order.id, "position": i, "merchant_id": s.merchant_id, "status": s.status,
             "reservation": s.reservation} for i, s in enumerate(order.sub_orders)])
        await self.session.execute(insert(order_lines), [
            {"refunded_amount": ln.refunded_amount, "warehouse": ln.warehouse, "id": ln.id, "sub_order_id": s.id,
             "position": i, "sku": ln.sku,
             "merchant_id": ln.merchant_id, "quantity": ln.quantity, "unit_price_amount": ln.unit_price_amount,
             "kind": ln.kind, "fragile": ln.fragile, "shipping_amount": ln.shipping_amount, "discounts": ln.discounts}
            for s in order.sub_orders for i, ln in enumerate(s.lines)])
        await self._append_history(order)

    async def get(self, order_id: str) -> Order:
        row = (await self.session.execute(_SELECT.where(orders.c.id == order_id))).first()
        if row is None:
            raise OrderNotFound(f"no order {order_id}")
        return await self._load(row)

    async def save(self, order: Order) -> None:
        """Write back what the saga may change; history is append-only."""
        await self.session.execute(update(orders).where(orders.c.id == order.id).values(_order_row(order)))
        await self.session.execute(
            update(sub_orders).where(sub_orders.c.id == bindparam("sub_id"))
            .values(status=bindparam("status"), reservation=bindparam("reservation")),
            [{"sub_id": s.id, "status": s.status, "reservation": s.reservation} for s in order.sub_orders])
        await self.session.execute(
            update(order_lines).where(order_lines.c.id == bindparam("line_id"))
            .values(refunded_amount=bindparam("refunded"), warehouse=bindparam("wh")),
            [{"line_id": ln.id, "refunded": ln.refunded_amount, "wh": ln.warehouse}
             for s in order.sub_orders for ln in s.lines])
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
            query = query.where((orders.c.created_at, orders.c.id) < before)
        return [await self._load(row) for row in (await self.session.execute(query)).all()]

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

    async def _load(self, row) -> Order:
        subs = (await self.session.execute(select(sub_orders).where(sub_orders.c.order_id == row.id)
                                           .order_by(sub_orders.c.position))).all()
        lines = (await self.session.execute(select(order_lines).where(order_lines.c.sub_order_id.in_(
            [s.id for s in subs])).order_by(order_lines.c.position))).all()
        history = (await self.session.execute(select(order_history).where(order_history.c.order_id == row.id)
                                              .order_by(order_history.c.id))).all()
        return _order(row, subs, lines, history)

    async def _append_history(self, order: Order) -> None:
        if new := order.pull_new_history():
            await self.session.execute(insert(order_history), [
                {"order_id": order.id, "at": h.at, "from_status": h.from_status, "to_status": h.to_status,
                 "event": h.event, "actor": h.actor, "reason": h.reason} for h in new])


_SELECT = select(orders, sagas.c.step).join(sagas, sagas.c.id == orders.c.id)


def _address_key(receiver: Receiver) -> str:
    return " ".join(f"{receiver.region} {receiver.city} {receiver.address}".lower().split())


def _order_row(order: Order) -> dict:
    return {"status": order.status, "payment_status": order.payment_status,
            "hold_reason": order.hold.reason if order.hold else None,
            "hold_since": order.hold.since if order.hold else None, "cancel_reason": order.cancel_reason,
            "payment_deadline": order.payment_deadline, "refunded_amount": order.refunded_amount,
            "paid_amount": order.paid_amount}


def _order(row, subs, lines, history) -> Order:
    by_sub: dict[str, list[Line]] = {}
    for ln in lines:
        by_sub.setdefault(ln.sub_order_id, []).append(Line(
            ln.id, ln.sku, ln.merchant_id, ln.quantity, ln.unit_price_amount, ln.kind, ln.fragile,
            ln.shipping_amount, dict(ln.discounts), ln.refunded_amount, ln.warehouse))
    return Order(
        id=row.id, buyer_id=row.buyer_id, channel=row.channel, currency=row.currency,
        receiver=Receiver(**row.receiver), created_at=row.created_at,
        sub_orders=[SubOrder(s.id, s.merchant_id, by_sub.get(s.id, []), OrderStatus(s.status),
                             Reservation(s.reservation)) for s in subs],
        status=row.status, payment_status=row.payment_status, step=row.step,
        hold=Hold(row.hold_reason, row.hold_since) if row.hold_reason else None, cancel_reason=row.cancel_reason,
        payment_deadline=row.payment_deadline, refunded_amount=row.refunded_amount,
        history=[HistoryEntry(h.at, h.from_status, h.to_status, h.event, h.actor, h.reason) for h in history])
