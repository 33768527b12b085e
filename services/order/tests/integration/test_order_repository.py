"""The order repository on the real database: an order is read with its own rows only."""

from datetime import UTC, datetime

from tradeflow_order.adapters.sqla_orders import _SELECT
from tradeflow_order.adapters.tables import orders as orders_table
from tradeflow_testing.access import bearer

_ONE_INSTANT = datetime(2026, 12, 5, 12, tzinfo=UTC)


async def test_reading_an_order_fetches_only_its_own_sub_orders_lines_and_history(orders):
    """The one-statement read aggregates each child table in a subquery correlated with the order:
    an uncorrelated one reads every order's lines on every read (the result stayed right, the
    cost grew with the table)."""
    placed = [await orders.placed(f"buyer-{i}", ("SKU-A", "m-1", 1, 100), ("SKU-B", "m-2", 2, 50))
              for i in range(3)]
    async with orders.app.state.runtime.sessions() as session:
        row = (await session.execute(_SELECT.where(orders_table.c.id == placed[1]["id"]))).one()
    ours = {s["id"] for s in placed[1]["sub_orders"]}
    assert {s["id"] for s in row.subs} == ours
    assert len(row.lines) == 2 and {ln["sub_order_id"] for ln in row.lines} == ours
    assert {h["order_id"] for h in row.history} == {placed[1]["id"]}


async def test_orders_placed_at_the_same_instant_are_paged_by_id_none_skipped(orders):
    """The cursor is (created_at, id) compared as a row: by time alone, orders of one instant
    past the page's last one were skipped."""
    placed = [await orders.placed("buyer-1", ("SKU-A", "m-1", 1, 100)) for _ in range(3)]
    async with orders.app.state.runtime.sessions.begin() as session:
        await session.execute(orders_table.update().where(orders_table.c.buyer_id == "buyer-1")
                              .values(created_at=_ONE_INSTANT))
    first = (await orders.http.get("/orders", params={"limit": 2}, headers=bearer("buyer-1", "buyer"))).json()
    rest = (await orders.http.get("/orders", params={"limit": 2, "cursor": first["next_cursor"]},
                                  headers=bearer("buyer-1", "buyer"))).json()
    assert sorted(o["id"] for o in first["items"] + rest["items"]) == sorted(o["id"] for o in placed)
    assert rest["next_cursor"] is None
