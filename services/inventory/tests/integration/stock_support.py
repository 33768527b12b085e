"""Seeding and inspecting an inventory database in tests."""

from sqlalchemy import text

from tradeflow_inventory.adapters.sqla_transaction import SqlaInventoryTransaction
from tradeflow_inventory.adapters.tables import outbox
from tradeflow_kit.messaging.outbox import Outbox


def in_transaction(session) -> SqlaInventoryTransaction:
    """An InventoryTransaction on the test's open session; its messages go to the outbox table."""
    return SqlaInventoryTransaction.for_request(session, Outbox(outbox, producer="inventory"), "corr-test")


async def seed(sessions, warehouses: dict[str, tuple[str, int]], stock: dict[tuple[str, str], int]) -> None:
    """Warehouses as code → (region, priority); stock as (sku, warehouse) → on hand."""
    async with sessions.begin() as s:
        for code, (region, priority) in warehouses.items():
            await s.execute(text("insert into warehouses values (:c, :r, :p)"), {"c": code, "r": region, "p": priority})
        for (sku, warehouse), on_hand in stock.items():
            await s.execute(text("insert into stock values (:s, :w, :n, 0)"), {"s": sku, "w": warehouse, "n": on_hand})


async def expect(sessions, incoming: dict[tuple[str, str], int]) -> None:
    """Incoming units per (sku, warehouse) of rows `seed` made."""
    async with sessions.begin() as s:
        for (sku, warehouse), units in incoming.items():
            await s.execute(text("update stock set incoming = :n where sku = :s and warehouse = :w"),
                            {"s": sku, "w": warehouse, "n": units})


async def stock_levels(sessions) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(sku, warehouse) → (on_hand, reserved, on-hand units of active reservations: arrived, not
    shipped and not released)."""
    return {key: levels[:3] for key, levels in (await _levels(sessions)).items()}


async def incoming_levels(sessions) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(sku, warehouse) → (incoming, reserved_incoming, waiting units of active reservations)."""
    return {key: levels[3:] for key, levels in (await _levels(sessions)).items()}


async def _levels(sessions) -> dict[tuple[str, str], tuple[int, ...]]:
    query = text("""
        select s.sku, s.warehouse, s.on_hand, s.reserved, s.incoming, s.reserved_incoming,
               coalesce(sum(r.quantity - r.incoming - r.shipped - r.released), 0) as held,
               coalesce(sum(r.incoming), 0) as waiting
        from stock s left join reservations r on r.sku = s.sku and r.warehouse = s.warehouse and r.state = 'active'
        group by s.sku, s.warehouse order by s.sku, s.warehouse""")
    async with sessions() as s:
        return {(r.sku, r.warehouse): (r.on_hand, r.reserved, r.held, r.incoming, r.reserved_incoming, r.waiting)
                for r in await s.execute(query)}
