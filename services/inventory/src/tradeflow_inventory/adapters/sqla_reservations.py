"""Reservations in PostgreSQL, one row per sub-order line and warehouse."""

from collections.abc import Collection

from sqlalchemy import Row, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_inventory.adapters.tables import reservations
from tradeflow_inventory.domain.allocation import Allocation
from tradeflow_inventory.domain.reservation import Reservation, ReservationState, SubOrderRef

_ORDER = (reservations.c.sub_order_id, reservations.c.line_id, reservations.c.warehouse)
_KEY = (reservations.c.order_id, *_ORDER)


class SqlaReservationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_sub_order(self, sub_order: SubOrderRef, *, lock: bool = False) -> list[Reservation]:
        query = select(reservations).where(reservations.c.order_id == sub_order.order_id,
                                           reservations.c.sub_order_id == sub_order.sub_order_id).order_by(*_ORDER)
        if lock:
            query = query.with_for_update()
        return [_reservation(row) for row in await self._session.execute(query)]

    async def of_sub_orders(self, sub_orders: Collection[SubOrderRef]) -> list[Reservation]:
        if not sub_orders:
            return []
        wanted = sorted((s.order_id, s.sub_order_id) for s in sub_orders)
        query = (select(reservations)
                 .where(tuple_(reservations.c.order_id, reservations.c.sub_order_id).in_(wanted))
                 .order_by(*_KEY).with_for_update())
        return [_reservation(row) for row in await self._session.execute(query)]

    async def lock_keys(self, keys: Collection[tuple[str, str, str, str]]) -> list[Reservation]:
        if not keys:
            return []
        query = select(reservations).where(tuple_(*_KEY).in_(sorted(keys))).order_by(*_KEY).with_for_update()
        return [_reservation(row) for row in await self._session.execute(query)]

    async def waiting_in(self, sku: str, warehouse: str) -> list[Reservation]:
        query = (select(reservations)
                 .where(reservations.c.sku == sku, reservations.c.warehouse == warehouse,
                        reservations.c.state == "active", reservations.c.incoming > 0)
                 .order_by(reservations.c.reserved_at, *_KEY))
        return [_reservation(row) for row in await self._session.execute(query)]

    async def of_order(self, order_id: str) -> list[Reservation]:
        query = select(reservations).where(reservations.c.order_id == order_id).order_by(*_ORDER)
        return [_reservation(row) for row in await self._session.execute(query)]

    async def add(self, items: Collection[Reservation]) -> None:
        if items:
            await self._session.execute(insert(reservations), [_values(r) for r in items])

    async def save(self, items: Collection[Reservation]) -> None:
        for r in items:
            await self._session.execute(
                update(reservations)
                .where(reservations.c.order_id == r.sub_order.order_id,
                       reservations.c.sub_order_id == r.sub_order.sub_order_id,
                       reservations.c.line_id == r.allocation.line_id,
                       reservations.c.warehouse == r.allocation.warehouse)
                .values(state=r.state.value, released_at=r.released_at, incoming=r.incoming, shipped=r.shipped,
                        released=r.released, returned=r.returned))


def _values(r: Reservation) -> dict:
    a = r.allocation
    return {"order_id": r.sub_order.order_id, "sub_order_id": r.sub_order.sub_order_id, "line_id": a.line_id,
            "warehouse": a.warehouse, "sku": a.sku, "quantity": a.quantity, "state": r.state.value,
            "reserved_at": r.reserved_at, "released_at": r.released_at, "pre_sale": r.pre_sale,
            "incoming": r.incoming, "shipped": r.shipped, "released": r.released, "returned": r.returned}


def _reservation(row: Row) -> Reservation:
    return Reservation(SubOrderRef(row.order_id, row.sub_order_id),
                       Allocation(row.line_id, row.sku, row.warehouse, row.quantity),
                       row.reserved_at, ReservationState(row.state), row.released_at,
                       pre_sale=row.pre_sale, incoming=row.incoming, shipped=row.shipped, released=row.released,
                       returned=row.returned)
