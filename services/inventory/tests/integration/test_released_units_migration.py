"""Migration 0007 (units a reservation gave back) on rows written before it, and back: the books
— reserved = Σ active reservations' on-hand units — hold on either side."""

import asyncio

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from tradeflow_devstack.layout import project_root
from tradeflow_kit.db import create_engine

RESERVATIONS = """
    insert into reservations (order_id, sub_order_id, line_id, warehouse, sku, quantity, state, reserved_at,
                              pre_sale, incoming, shipped)
    values (:o, 's-1', 'l-a', 'east-1', 'a', :q, :state, now(), :pre_sale, :incoming, :shipped)"""


async def migrate(url: str, revision: str, *, down: bool = False) -> None:
    config = Config(str(project_root() / "services" / "inventory" / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    await asyncio.to_thread(command.downgrade if down else command.upgrade, config, revision)


async def execute(url: str, *statements: tuple[str, dict]) -> list:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            results = [await conn.execute(text(sql), params) for sql, params in statements]
            return results[-1].all() if results[-1].returns_rows else []
    finally:
        await engine.dispose()


async def rows(url: str) -> dict[str, tuple]:
    found = await execute(url, ("select order_id, state, quantity, incoming, shipped, released from reservations",
                                {}))
    return {r[0]: tuple(r[1:]) for r in found}


async def test_reservations_released_before_count_their_units_as_released_and_back_again(fresh_database_url):
    url = fresh_database_url
    await migrate(url, "0006")
    await execute(url, ("insert into warehouses values ('east-1', 'east', 1)", {}),
                  ("insert into stock (sku, warehouse, on_hand, reserved, incoming, reserved_incoming) "
                   "values ('a', 'east-1', 10, 2, 5, 0)", {}),
                  (RESERVATIONS, {"o": "o-active", "q": 3, "state": "active", "pre_sale": False, "incoming": 0,
                                  "shipped": 1}),
                  (RESERVATIONS, {"o": "o-released", "q": 4, "state": "released", "pre_sale": True, "incoming": 2,
                                  "shipped": 1}),
                  (RESERVATIONS, {"o": "o-fulfilled", "q": 2, "state": "fulfilled", "pre_sale": False,
                                  "incoming": 0, "shipped": 2}))
    await migrate(url, "head")
    assert await rows(url) == {"o-active": ("active", 3, 0, 1, 0), "o-released": ("released", 4, 0, 1, 3),
                               "o-fulfilled": ("fulfilled", 2, 0, 2, 0)}

    # named units given back since: one unit of the active reservation, and all of another's
    await execute(url, ("update reservations set released = 1 where order_id = 'o-active'", {}),
                  ("update stock set reserved = 1", {}),
                  (RESERVATIONS.replace("incoming, shipped)", "incoming, shipped, released)")
                   .replace(":shipped)", ":shipped, 1)"),
                   {"o": "o-stopped", "q": 2, "state": "fulfilled", "pre_sale": False, "incoming": 0, "shipped": 1}))
    await migrate(url, "0006", down=True)
    found = await execute(url, ("select order_id, state, quantity, incoming, shipped from reservations", {}))
    assert {r[0]: tuple(r[1:]) for r in found} == {
        "o-active": ("active", 2, 0, 1), "o-released": ("released", 4, 0, 1),
        "o-fulfilled": ("fulfilled", 2, 0, 2), "o-stopped": ("fulfilled", 1, 0, 1)}
    reserved, held = (await execute(url, (
        "select s.reserved, (select sum(quantity - incoming - shipped) from reservations where state = 'active') "
        "from stock s", {})))[0]
    assert reserved == held == 1
