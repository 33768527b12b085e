"""SqlaShipmentRepository: shipments in PostgreSQL (a row, its lines, its append-only events).

A shipment is read with its lines and events in two more statements for the whole page, and
written back: its row, its lines replaced only when they changed (a merge, an order leaving, a
split), and the events recorded since it was read."""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import and_, delete, exists, func, insert, literal, literal_column, or_, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_fulfillment.adapters.shipment_rows import (
    event_values,
    line_values,
    new_shipment_values,
    shipment_of,
    shipment_values,
)
from tradeflow_fulfillment.adapters.tables import shipment_events, shipment_lines, shipments
from tradeflow_fulfillment.domain.errors import ShipmentNotFound
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.transitions import ShipmentStatus

_NEWEST_FIRST = (shipments.c.planned_at.desc(), shipments.c.id.desc())
_NOT_SHIPPED = (ShipmentStatus.DISPATCHED, ShipmentStatus.PICKED, ShipmentStatus.PACKED)
_AWAITING_NOTHING = literal_column("'[]'::jsonb")  # as written, so the partial index shipments_due applies


def _in_status_since():
    """When the shipment entered its current status: the first history entry after the last one
    in another status (the same rule as `read_fulfillment.in_status_since`)."""
    entry, other = shipment_events.alias("entry"), shipment_events.alias("other")
    last_other = (select(func.coalesce(func.max(other.c.id), 0))
                  .where(other.c.shipment_id == shipments.c.id, other.c.status != shipments.c.status)
                  .correlate(shipments).scalar_subquery())
    return (select(entry.c.at).where(entry.c.shipment_id == shipments.c.id, entry.c.id > last_other)
            .order_by(entry.c.id).limit(1).scalar_subquery())


class SqlaShipmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, shipment: Shipment) -> None:
        await self.session.execute(insert(shipments).values(new_shipment_values(shipment)))
        await self.session.execute(insert(shipment_lines), line_values(shipment))
        shipment.pull_lines_changed()  # written as they are
        await self._append_history(shipment)

    async def save(self, shipment: Shipment) -> None:
        await self.session.execute(update(shipments).where(shipments.c.id == shipment.id)
                                   .values(shipment_values(shipment)))
        if shipment.pull_lines_changed():  # most saves (reports, dispatch) leave the lines as they were
            await self.session.execute(delete(shipment_lines).where(shipment_lines.c.shipment_id == shipment.id))
            if lines := line_values(shipment):  # none once staff merged all it held into another shipment
                await self.session.execute(insert(shipment_lines), lines)
        await self._append_history(shipment)

    async def get(self, shipment_id: str, *, lock: bool = False) -> Shipment:
        query = select(shipments).where(shipments.c.id == shipment_id)
        found = await self._load(query.with_for_update() if lock else query)
        if not found:
            raise ShipmentNotFound(f"no shipment {shipment_id}")
        return found[0]

    async def claim_due(self, now: datetime) -> Shipment | None:
        """The same rule as `Shipment.can_begin_dispatch`, in SQL (on the partial indexes
        shipments_due and shipments_redispatch)."""
        c = shipments.c
        due = and_(c.status == ShipmentStatus.READY.value, c.dispatch_after <= now,
                   c.awaiting_stock == _AWAITING_NOTHING)  # its goods on hand (not a pre-sale's still incoming)
        again = and_(c.status == ShipmentStatus.INTERCEPTED.value, c.interception.is_(None),
                     c.progress.in_([s.value for s in _NOT_SHIPPED]))
        found = await self._load(
            select(shipments).where(or_(due, again), or_(c.dispatch_retry_at.is_(None), c.dispatch_retry_at <= now))
            .order_by(c.dispatch_after, c.id).limit(1).with_for_update(skip_locked=True))
        return found[0] if found else None

    async def claim_interception(self, now: datetime) -> Shipment | None:
        c = shipments.c
        found = await self._load(
            select(shipments).where(c.status == ShipmentStatus.INTERCEPTING.value, c.interception_due_at <= now)
            .order_by(c.interception_due_at, c.id).limit(1).with_for_update(skip_locked=True))
        return found[0] if found else None

    async def holding(self, order_id: str) -> list[Shipment]:
        return await self._load(
            select(shipments).where(exists().where(shipment_lines.c.shipment_id == shipments.c.id,
                                                   shipment_lines.c.order_id == order_id),
                                    shipments.c.case_id.is_(None))
            .order_by(shipments.c.id).with_for_update(of=shipments))

    async def lock_buyer(self, buyer_id: str) -> None:
        """A transaction-level advisory lock: one planning of this buyer's orders at a time."""
        await self.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                                   {"key": f"fulfillment-buyer:{buyer_id}"})

    async def waiting(self, buyer_id: str, now: datetime) -> list[Shipment]:
        return await self._load(
            select(shipments).where(shipments.c.buyer_id == buyer_id, shipments.c.status == ShipmentStatus.READY.value,
                                    shipments.c.dispatch_after > now, shipments.c.case_id.is_(None))
            .order_by(shipments.c.planned_at, shipments.c.id).with_for_update())

    async def find(self, *, order_id: str | None = None, status: str | None = None, warehouse: str | None = None,
                   buyer_id: str | None = None, merchant_id: str | None = None, limit: int = 20,
                   before: tuple[datetime, str] | None = None, in_status_before: datetime | None = None,
                   excluding: Collection[str] = (), case_id: str | None = None) -> list[Shipment]:
        """`in_status_before`: only those that entered their current status before then (see
        `_in_status_since`); `excluding`: not in these statuses; `case_id`: an after-sales case's."""
        query = select(shipments).order_by(*_NEWEST_FIRST).limit(limit)
        for column, value in ((shipments.c.status, status), (shipments.c.warehouse, warehouse),
                              (shipments.c.buyer_id, buyer_id), (shipments.c.case_id, case_id)):
            if value is not None:
                query = query.where(column == value)
        for column, value in ((shipment_lines.c.order_id, order_id), (shipment_lines.c.merchant_id, merchant_id)):
            if value is not None:
                query = query.where(exists().where(shipment_lines.c.shipment_id == shipments.c.id, column == value))
        if excluding:
            query = query.where(shipments.c.status.not_in([str(s) for s in excluding]))
        if in_status_before is not None:
            query = query.where(_in_status_since() < in_status_before)
        if before is not None:
            query = query.where(tuple_(shipments.c.planned_at, shipments.c.id) < tuple_(*map(literal, before)))
        return await self._load(query)

    async def _load(self, query) -> list[Shipment]:
        rows = (await self.session.execute(query)).all()
        ids = [row.id for row in rows]
        if not ids:
            return []
        lines, events = {i: [] for i in ids}, {i: [] for i in ids}
        for ln in await self.session.execute(select(shipment_lines).where(shipment_lines.c.shipment_id.in_(ids))
                                             .order_by(shipment_lines.c.shipment_id, shipment_lines.c.position)):
            lines[ln.shipment_id].append(ln)
        for e in await self.session.execute(select(shipment_events).where(shipment_events.c.shipment_id.in_(ids))
                                            .order_by(shipment_events.c.id)):
            events[e.shipment_id].append(e)
        return [shipment_of(row, lines[row.id], events[row.id]) for row in rows]

    async def _append_history(self, shipment: Shipment) -> None:
        if new := shipment.pull_new_history():
            await self.session.execute(insert(shipment_events), event_values(shipment.id, new))
