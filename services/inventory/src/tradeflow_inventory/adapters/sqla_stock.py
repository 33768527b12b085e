"""Warehouses and stock rows in PostgreSQL. Locks are row locks (`SELECT … FOR UPDATE`), taken
in (sku, warehouse) order, so they hold across processes and never deadlock each other."""

from collections.abc import Collection

from sqlalchemy import Row, Select, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_inventory.adapters.tables import stock, warehouses
from tradeflow_inventory.domain.stock import Stock, Warehouse


class SqlaWarehouseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, code: str) -> Warehouse | None:
        row = (await self._session.execute(select(warehouses).where(warehouses.c.code == code))).first()
        return Warehouse(row.code, row.region, row.priority) if row else None

    async def of_codes(self, codes: Collection[str]) -> list[Warehouse]:
        if not codes:
            return []
        query = select(warehouses).where(warehouses.c.code.in_(sorted(codes))).order_by(warehouses.c.code)
        return [Warehouse(r.code, r.region, r.priority) for r in await self._session.execute(query)]

    async def save(self, warehouse: Warehouse) -> None:
        values = {"code": warehouse.code, "region": warehouse.region, "priority": warehouse.priority}
        statement = insert(warehouses).values(values).on_conflict_do_update(
            index_elements=[warehouses.c.code], set_={"region": warehouse.region, "priority": warehouse.priority})
        await self._session.execute(statement)


class SqlaStockRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_skus(self, skus: Collection[str]) -> list[Stock]:
        if not skus:
            return []
        return await self._locked(select(stock).where(stock.c.sku.in_(sorted(skus))))

    async def lock_rows(self, keys: Collection[tuple[str, str]]) -> list[Stock]:
        if not keys:
            return []
        return await self._locked(select(stock).where(tuple_(stock.c.sku, stock.c.warehouse).in_(sorted(keys))))

    async def lock_or_create(self, sku: str, warehouse: str) -> Stock:
        # A concurrent creator of the same row makes this wait, then do nothing.
        await self._session.execute(insert(stock).values(sku=sku, warehouse=warehouse, on_hand=0, reserved=0)
                                    .on_conflict_do_nothing(index_elements=[stock.c.sku, stock.c.warehouse]))
        (row,) = await self.lock_rows([(sku, warehouse)])
        return row

    async def of_sku(self, sku: str) -> list[Stock]:
        rows = await self._session.execute(select(stock).where(stock.c.sku == sku).order_by(stock.c.warehouse))
        return [_stock(row) for row in rows]

    async def save(self, row: Stock) -> None:
        await self._session.execute(
            update(stock).where(stock.c.sku == row.sku, stock.c.warehouse == row.warehouse)
            .values(on_hand=row.on_hand, reserved=row.reserved, incoming=row.incoming,
                    reserved_incoming=row.reserved_incoming, incoming_eta=row.incoming_eta))

    async def _locked(self, query: Select) -> list[Stock]:
        # PostgreSQL locks the rows in the order it returns them: sorted, the same in every transaction.
        query = query.order_by(stock.c.sku, stock.c.warehouse).with_for_update()
        return [_stock(row) for row in await self._session.execute(query)]


def _stock(row: Row) -> Stock:
    return Stock(row.sku, row.warehouse, on_hand=row.on_hand, reserved=row.reserved, incoming=row.incoming,
                 reserved_incoming=row.reserved_incoming, incoming_eta=row.incoming_eta)
