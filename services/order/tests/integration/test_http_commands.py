"""The changing order routes on the real app and database: `Idempotency-Key` on cancel, approve
and reject; the per-buyer cap on units of a SKU held in unpaid orders, also under concurrency."""

import asyncio

import pytest
from sqlalchemy import func, select

from tradeflow_order.adapters.tables import order_lines, sub_orders
from tradeflow_order.adapters.tables import orders as orders_table
from tradeflow_order.app.advance import advance
from tradeflow_testing.access import CALLERS, bearer, outcome

BUYER, STAFF = CALLERS["buyer (owner)"], CALLERS["staff"]
HELD = ("SKU-V", "m-1", 1, 6_000_000, "virtual")  # above the risk amount: held for review


async def _post(orders, path: str, body: dict, headers: dict, key: str | None = None):
    return await orders.http.post(path, json=body, headers=headers | ({"Idempotency-Key": key} if key else {}))


async def test_a_repeated_cancel_with_its_key_gets_the_first_answer(orders):
    order = await orders.placed("buyer-1", ("SKU-A", "m-1", 1, 100))
    path = f"/orders/{order['id']}/cancel"
    first = await _post(orders, path, {"reason": "changed my mind"}, BUYER, key="c-1")
    again = await _post(orders, path, {"reason": "changed my mind"}, BUYER, key="c-1")
    assert first.status_code == again.status_code == 200 and first.json()["status"] == "cancelled"
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert outcome(await _post(orders, path, {"reason": "other words"}, BUYER, key="c-1")) == (
        409, "idempotency-key-reused")
    assert outcome(await _post(orders, path, {"reason": "changed my mind"}, BUYER)) == (409, "illegal-transition")
    assert outcome(await _post(orders, path, {"reason": "changed my mind"}, BUYER, key="c-2")) == (
        409, "illegal-transition")


@pytest.mark.parametrize(("action", "body"), [("approve", {"reason": "known customer"}),
                                              ("reject", {"reason": "fraud pattern"})])
async def test_a_repeated_review_with_its_key_gets_the_first_answer(orders, action, body):
    order = await orders.placed("buyer-1", HELD)
    path = f"/orders/{order['id']}/{action}"
    first = await _post(orders, path, body, STAFF, key="r-1")
    again = await _post(orders, path, body, STAFF, key="r-1")
    assert first.status_code == again.status_code == 200 and first.json()["hold"] is None
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert outcome(await _post(orders, path, {"reason": "else"}, STAFF, key="r-1")) == (409, "idempotency-key-reused")
    assert outcome(await _post(orders, path, body, STAFF, key="r-2")) == (409, "illegal-transition")
    history = (await orders.http.get(f"/orders/{order['id']}", headers=STAFF)).json()["history"]
    assert sum(h["event"] == ("approved" if action == "approve" else "cancel") for h in history) == 1


async def test_a_failed_command_leaves_its_key_free(orders):
    order = await orders.placed("buyer-1", ("SKU-A", "m-1", 1, 100))
    path = f"/orders/{order['id']}/approve"  # not held: refused, and the key is not kept
    assert outcome(await _post(orders, path, {}, STAFF, key="a-1")) == (409, "illegal-transition")
    assert outcome(await _post(orders, path, {}, STAFF, key="a-1")) == (409, "illegal-transition")


async def test_a_buyer_holds_at_most_the_cap_of_one_sku_in_unpaid_orders(capped_orders):
    orders = capped_orders
    first = await orders.placed("buyer-1", ("SKU-A", "m-1", 6, 100))
    over = await orders.place(orders.body(("SKU-B", "m-1", 1, 100), ("SKU-A", "m-1", 3, 100),
                                         ("SKU-A", "m-1", 2, 100)), BUYER)
    assert outcome(over) == (409, "unpaid-units-limit")
    assert over.json()["detail"] == ("SKU-A: 6 units already held in unpaid orders and 5 asked; "
                                     "at most 10 per SKU until paid")
    assert over.json()["errors"] == [{"field": "lines", "message": "sku SKU-A: held 6, asked 5, limit 10"}]
    await orders.placed("buyer-1", ("SKU-A", "m-1", 4, 100))  # exactly the cap
    await orders.placed("buyer-2", ("SKU-A", "m-1", 10, 100))  # the cap is per buyer
    await orders.placed("buyer-1", ("SKU-A", "m-1", 20, 100, "virtual"))  # virtual goods hold no stock
    staff_for_buyer = await orders.place(orders.body(("SKU-A", "m-1", 1, 100), buyer_id="buyer-1"), STAFF)
    assert outcome(staff_for_buyer) == (409, "unpaid-units-limit")
    cancelled = await orders.http.post(f"/orders/{first['id']}/cancel", json={"reason": "x"}, headers=BUYER)
    assert cancelled.status_code == 200
    await orders.placed("buyer-1", ("SKU-A", "m-1", 6, 100))  # a cancelled order holds nothing


async def test_a_paid_order_no_longer_counts_against_the_cap(capped_orders):
    orders = capped_orders
    order = await orders.placed("buyer-1", ("SKU-A", "m-1", 10, 100))
    assert outcome(await orders.place(orders.body(("SKU-A", "m-1", 1, 100)), BUYER))[1] == "unpaid-units-limit"
    api = orders.app.state.api

    async def step(action):
        async with api.transactions.begin() as tx:
            await advance(tx, api.collaborators, order["id"], "test", action)
    await step(lambda o, now: o.stock_reserved(o.sub_orders[0].id, {}, now))
    await step(lambda o, now: o.pay(now))
    await orders.placed("buyer-1", ("SKU-A", "m-1", 10, 100))


async def test_concurrent_orders_of_one_buyer_cannot_pass_the_cap_together(capped_orders):
    orders = capped_orders
    body = orders.body(("SKU-C", "m-1", 3, 100))
    answers = await asyncio.gather(*(orders.place(body, BUYER, key=f"race-{i}") for i in range(8)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] * 3 + [409] * 5, [a.text for a in answers]
    assert {outcome(a) for a in answers if a.status_code == 409} == {(409, "unpaid-units-limit")}
    async with orders.app.state.runtime.sessions() as session:
        held = (await session.execute(
            select(func.sum(order_lines.c.quantity)).select_from(order_lines).join(sub_orders).join(orders_table)
            .where(orders_table.c.buyer_id == "buyer-1", order_lines.c.sku == "SKU-C"))).scalar_one()
    assert held == 9


async def test_concurrent_orders_of_different_buyers_each_get_their_own_cap(capped_orders):
    orders = capped_orders
    body = orders.body(("SKU-C", "m-1", 10, 100))
    answers = await asyncio.gather(*(orders.place(body, bearer(f"buyer-{i}", "buyer")) for i in range(6)))
    assert [a.status_code for a in answers] == [201] * 6
