"""Deductions by shipment, restocks by return, and their lines (the stock audit trail) in
PostgreSQL. The primary keys of `deductions` and `restocks` keep one of each: a second insert
of the same shipment or return fails, whatever the locks."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, Select, insert, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_inventory.adapters.tables import deductions, restocks, stock_movements
from tradeflow_inventory.app.ports import MovementFilter
from tradeflow_inventory.domain.shipment import Deduction, Movement, MovementKind, Restock, UnitLine

_m = stock_movements.c


class SqlaMovementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def deduction(self, shipment_id: str) -> Deduction | None:
        found = (await self._session.execute(select(deductions).where(deductions.c.shipment_id == shipment_id))).first()
        if found is None:
            return None
        lines = await self._lines(select(stock_movements).where(_m.shipment_id == shipment_id,
                                                                _m.kind == MovementKind.DEDUCTED.value))
        return Deduction(shipment_id, tuple(_line(row) for row in lines), found.deducted_at)

    async def restocks(self, shipment_id: str) -> list[Restock]:
        query = select(restocks).where(restocks.c.shipment_id == shipment_id).order_by(restocks.c.return_id)
        found = (await self._session.execute(query)).all()
        lines = await self._lines(select(stock_movements).where(_m.shipment_id == shipment_id,
                                                                _m.kind == MovementKind.RESTOCKED.value))
        return [Restock(shipment_id, r.return_id, r.reason,
                        tuple(_line(row) for row in lines if row.return_id == r.return_id), r.restocked_at)
                for r in found]

    async def add_deduction(self, deduction: Deduction) -> None:
        await self._session.execute(insert(deductions).values(shipment_id=deduction.shipment_id,
                                                              deducted_at=deduction.at))
        await self._add_lines(MovementKind.DEDUCTED, deduction.shipment_id, None, deduction.lines, deduction.at)

    async def add_restock(self, restock: Restock) -> None:
        await self._session.execute(insert(restocks).values(shipment_id=restock.shipment_id,
                                                            return_id=restock.return_id, reason=restock.reason,
                                                            restocked_at=restock.at))
        await self._add_lines(MovementKind.RESTOCKED, restock.shipment_id, restock.return_id, restock.lines,
                              restock.at)

    async def find(self, where: MovementFilter, *, limit: int,
                   before: tuple[datetime, int] | None = None) -> list[Movement]:
        query = (select(stock_movements, restocks.c.reason)
                 .outerjoin(restocks, (restocks.c.shipment_id == _m.shipment_id)
                            & (restocks.c.return_id == _m.return_id))
                 .order_by(_m.at.desc(), _m.id.desc()).limit(limit))
        for column, value in ((_m.sku, where.sku), (_m.warehouse, where.warehouse),
                              (_m.shipment_id, where.shipment_id), (_m.order_id, where.order_id)):
            if value is not None:
                query = query.where(column == value)
        if before is not None:  # a row comparison in SQL (tuple_), not a Python tuple's
            query = query.where(tuple_(_m.at, _m.id) < tuple_(*map(literal, before)))
        return [Movement(row.id, MovementKind(row.kind), row.shipment_id, row.return_id, row.reason, _line(row),
                         row.at) for row in await self._session.execute(query)]

    async def _lines(self, query: Select) -> Sequence[Row]:
        return (await self._session.execute(query.order_by(_m.return_id, _m.position))).all()

    async def _add_lines(self, kind: MovementKind, shipment_id: str, return_id: str | None,
                         lines: Sequence[UnitLine], at: datetime) -> None:
        await self._session.execute(insert(stock_movements), [
            {"kind": kind.value, "shipment_id": shipment_id, "return_id": return_id, "position": position,
             "order_id": u.order_id, "sub_order_id": u.sub_order_id, "line_id": u.line_id, "sku": u.sku,
             "warehouse": u.warehouse, "quantity": u.quantity, "at": at}
            for position, u in enumerate(lines)])


def _line(row: Row) -> UnitLine:
    return UnitLine(row.order_id, row.sub_order_id, row.line_id, row.sku, row.warehouse, row.quantity)
