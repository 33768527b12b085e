"""The order saga's steps on the real database: every step commits the order and its outbox
messages together."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tradeflow_contracts.envelope import Envelope
from tradeflow_kit.db import create_engine, session_factory
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_order.adapters.repository import SqlaOrderRepository
from tradeflow_order.adapters.tables import outbox as outbox_table
from tradeflow_order.app.deadlines import fire_due_deadlines
from tradeflow_order.app.saga import OrderSaga, SagaSettings
from tradeflow_order.app.use_cases import OrderUseCases
from tradeflow_order.domain.errors import IllegalTransition
from tradeflow_order.domain.model import Receiver
from tradeflow_order.domain.placement import Cart, CartLine
from tradeflow_order.domain.pricing import Discount
from tradeflow_order.domain.risk import RiskPolicy
from tradeflow_testing.migrations import migrate_to_head

RECEIVER = Receiver("Han Meimei", "13900000000", "east", "Hangzhou", "2 West Lake Rd")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def world(fresh_database_url):
    await migrate_to_head("order", fresh_database_url)
    engine = create_engine(fresh_database_url)
    clock, counter = Clock(), itertools.count()
    saga = OrderSaga(SqlaOrderRepository, clock, SagaSettings(timedelta(minutes=30), RiskPolicy(1_000_000, 5, 5)))
    use_cases = OrderUseCases(saga, Outbox(outbox_table, "order"), lambda p: f"{p}-{next(counter)}")
    yield saga, use_cases, session_factory(engine), clock
    await engine.dispose()


def cart(unit_price: int = 1999) -> Cart:
    return Cart("buyer-1", "app", "CNY", RECEIVER,
                [CartLine("SKU-A", "m1", 2, unit_price), CartLine("SKU-B", "m2", 1, 5000)], 1000,
                [Discount("coupon", 500)])


async def messages(sessions) -> list[Envelope]:
    async with sessions() as s:
        rows = (await s.execute(select(outbox_table.c.value).order_by(outbox_table.c.id))).scalars()
        return [Envelope.from_bytes(v) for v in rows]


async def step(world, order_id, action):
    saga, _, sessions, _ = world
    async with sessions.begin() as s:
        async def publish(m, key):
            return await Outbox(outbox_table, "order").append(s, m, key=key, correlation_id=order_id)
        return await saga.step(s, order_id, publish, action)


async def place(world, c: Cart | None = None):
    _, use_cases, sessions, _ = world
    async with sessions.begin() as s:
        return await use_cases.place_order(s, c or cart(), "buyer:buyer-1")


async def reserve_all(world, order):
    for sub in order.sub_orders:
        order = await step(world, order.id, lambda o, now, sub=sub: o.stock_reserved(sub.id, {}, now))
    return order


async def test_placing_stores_the_tree_and_asks_inventory_per_sub_order(world):
    order = await place(world)
    async with world[2]() as s:
        loaded = await SqlaOrderRepository(s).get(order.id)
    assert (loaded.paid_amount, len(loaded.sub_orders)) == (order.paid_amount, 2) and loaded.paid_amount == 9498
    assert [m.type for m in await messages(world[2])] == [
        "order.placed", "inventory.reserve-stock", "inventory.reserve-stock"]


async def test_all_stock_reserved_requests_payment_with_the_deadline(world):
    order = await reserve_all(world, await place(world))
    assert (order.step, order.payment_deadline) == ("awaiting_payment", world[3].now + timedelta(minutes=30))
    request = (await messages(world[2]))[-1]
    assert request.type == "payment.request-payment" and request.payload["amount"] == 9498


async def test_out_of_stock_cancels_and_releases_what_was_reserved(world):
    order = await place(world)
    first, second = order.sub_orders
    await step(world, order.id, lambda o, now: o.stock_reserved(first.id, {}, now))
    order = await step(world, order.id, lambda o, now: o.stock_rejected(second.id, "SKU-B (0 of 1)", now))
    assert (order.status, order.cancel_reason) == ("cancelled", "out of stock: SKU-B (0 of 1)")
    releases = [m.payload["sub_order_id"] for m in await messages(world[2]) if m.type == "inventory.release-stock"]
    assert releases == [first.id]


async def test_a_big_order_is_held_then_approved_to_payment(world):
    order = await reserve_all(world, await place(world, cart(unit_price=900_000)))
    assert (order.step, order.hold.reason.startswith("amount")) == ("held", True)
    _, use_cases, sessions, _ = world
    async with sessions.begin() as s:
        order = await use_cases.approve_order(s, order.id, "staff:s1", "known customer")
    assert order.step == "awaiting_payment" and order.hold is None
    assert [(h.event, h.actor, h.reason) for h in order.history][-2] == ("approved", "staff:s1", "known customer")


async def test_a_rejected_hold_cancels_and_releases_everything(world):
    order = await reserve_all(world, await place(world, cart(unit_price=900_000)))
    _, use_cases, sessions, _ = world
    async with sessions.begin() as s:
        order = await use_cases.reject_order(s, order.id, "staff:s1", "fraud pattern")
    assert order.status == "cancelled" and "fraud pattern" in order.cancel_reason
    assert sum(m.type == "inventory.release-stock" for m in await messages(sessions)) == 2


async def test_paid_order_awaits_shipment_and_is_handed_to_fulfillment(world):
    order = await reserve_all(world, await place(world))
    order = await step(world, order.id, lambda o, now: o.pay(now))
    assert (order.status, order.payment_status) == ("awaiting_shipment", "paid")
    paid = (await messages(world[2]))[-1]
    assert paid.type == "order.paid" and sum(s["paid_amount"] for s in paid.payload["sub_orders"]) == 9498


async def test_the_payment_deadline_cancels_closes_and_releases_even_after_a_restart(world):
    _, _, sessions, clock = world
    order = await reserve_all(world, await place(world))
    clock.now += timedelta(minutes=31)
    # A new process: nothing in memory but what the database kept.
    restarted = OrderSaga(SqlaOrderRepository, clock, SagaSettings(timedelta(minutes=30), RiskPolicy(1_000_000, 5, 5)))
    assert await fire_due_deadlines(sessions, restarted, Outbox(outbox_table, "order")) == 1
    assert await fire_due_deadlines(sessions, restarted, Outbox(outbox_table, "order")) == 0  # fired once
    async with sessions() as s:
        order = await SqlaOrderRepository(s).get(order.id)
    assert (order.status, order.step) == ("pending_payment", "closing_payment")  # the PSP is asked first
    types = [m.type for m in await messages(sessions)]
    assert types[-1] == "payment.close-payment" and "inventory.release-stock" not in types
    order = await step(world, order.id, lambda o, now: o.payment_closed("payment deadline passed", now))
    assert (order.status, order.cancel_reason) == ("cancelled", "payment deadline passed")
    types = [m.type for m in await messages(sessions)]
    assert types.count("payment.close-payment") == 1 and types.count("inventory.release-stock") == 2


async def test_a_payment_the_provider_confirms_at_the_deadline_pays_the_order(world):
    _, _, sessions, clock = world
    order = await reserve_all(world, await place(world))
    clock.now += timedelta(minutes=31)
    assert await fire_due_deadlines(sessions, world[0], Outbox(outbox_table, "order")) == 1
    order = await step(world, order.id, lambda o, now: o.pay(now))
    assert (order.status, order.payment_status) == ("awaiting_shipment", "paid")
    order = await step(world, order.id, lambda o, now: o.payment_closed("payment deadline passed", now))
    types = [m.type for m in await messages(sessions)]
    assert order.status == "awaiting_shipment" and "order.paid" in types and "order.cancelled" not in types


async def test_cancel_after_payment_refunds_the_paid_amount(world):
    order = await reserve_all(world, await place(world))
    await step(world, order.id, lambda o, now: o.pay(now))
    order = await step(world, order.id, lambda o, now: o.cancel("changed my mind", "buyer:buyer-1", now))
    refund = [m for m in await messages(world[2]) if m.type == "payment.refund-payment"]
    assert order.status == "cancelled" and [r.payload["amount"] for r in refund] == [9498]


async def test_a_payment_after_cancellation_is_refunded_not_kept(world):
    order = await reserve_all(world, await place(world))
    await step(world, order.id, lambda o, now: o.cancel("too slow", "buyer:buyer-1", now))
    order = await step(world, order.id, lambda o, now: o.pay(now))
    assert order.status == "cancelled"
    assert [m.payload["amount"] for m in await messages(world[2]) if m.type == "payment.refund-payment"] == [9498]


async def test_illegal_steps_are_refused(world):
    order = await place(world)
    with pytest.raises(IllegalTransition, match="awaiting_payment"):
        await step(world, order.id, lambda o, now: o.pay(now))
