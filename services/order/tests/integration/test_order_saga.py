"""The order saga on the real database: every step commits the order, its saga (step, deadline,
moves) and its outbox messages together; deadlines fire from what the database kept.
(Every path of the saga's table is covered in memory by tests/unit/test_order_saga.py.)"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tradeflow_contracts.envelope import Envelope
from tradeflow_contracts.inventory import StockReservationRejected, StockReserved
from tradeflow_contracts.payments import PaymentRefunded, PaymentSucceeded
from tradeflow_kit.db import create_engine, session_factory
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.sagas.scheduler import fire_due_deadlines
from tradeflow_kit.system import UuidIdGenerator
from tradeflow_kit.unit_of_work import SqlaTransactions
from tradeflow_order.adapters.sqla_transaction import SqlaOrderTransaction
from tradeflow_order.adapters.tables import outbox as outbox_table
from tradeflow_order.adapters.tables import saga_moves
from tradeflow_order.app.close_unpaid_order import deadline_actions
from tradeflow_order.app.handlers import USE_CASES
from tradeflow_order.app.order_saga import order_saga
from tradeflow_order.app.place_order import place_order
from tradeflow_order.app.ports import Collaborators
from tradeflow_order.domain.catalog import Coupon, CouponKind, CouponUses, PointsEntry, PointsEntryKind
from tradeflow_order.domain.errors import IllegalTransition
from tradeflow_order.domain.model import AppliedCoupon, PricedBy, Receiver, Terms, WarehouseShare
from tradeflow_order.domain.placement import Cart, CartLine
from tradeflow_order.domain.pricing import Discount
from tradeflow_order.domain.risk import RiskPolicy
from tradeflow_testing.migrations import migrate_to_head

RECEIVER = Receiver("Han Meimei", "13900000000", "east", "Hangzhou", "2 West Lake Rd")


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


def collaborators(clock: Clock) -> Collaborators:
    return Collaborators(clock, UuidIdGenerator(), order_saga(timedelta(minutes=30)), RiskPolicy(1_000_000, 5, 5))


@pytest.fixture
async def world(fresh_database_url):
    await migrate_to_head("order", fresh_database_url)
    engine = create_engine(fresh_database_url)
    sessions, clock = session_factory(engine), Clock()
    transactions = SqlaTransactions(sessions, Outbox(outbox_table, "order"), SqlaOrderTransaction, lambda: None)
    yield transactions, collaborators(clock), sessions, clock
    await engine.dispose()


async def messages(sessions) -> list[Envelope]:
    async with sessions() as s:
        rows = (await s.execute(select(outbox_table.c.value).order_by(outbox_table.c.id))).scalars()
        return [Envelope.from_bytes(v) for v in rows]


async def place(world):
    transactions, c, _, _ = world
    cart = Cart("buyer-1", "app", "CNY", RECEIVER, [CartLine("SKU-A", "m1", 2, 1999), CartLine("SKU-B", "m2", 1, 5000)],
                1000, [Discount("coupon", 500)])
    async with transactions.begin() as tx:
        return await place_order(tx, c, cart, "buyer:buyer-1")


async def reply(world, message) -> None:
    transactions, c, _, _ = world
    async with transactions.begin() as tx:
        await USE_CASES[type(message)](tx, message, c)


async def load(world, order_id):
    async with world[0].begin() as tx:
        return await tx.orders.get(order_id), await tx.sagas.get(order_id), await tx.sagas.history(order_id)


def reserved(order, sub) -> StockReserved:
    return StockReserved(order_id=order.id, sub_order_id=sub.id, reserved_at=datetime.now(UTC), allocations=[
        {"line_id": ln.id, "sku": ln.sku, "warehouse": "WH-E", "quantity": ln.quantity} for ln in sub.lines])


async def reserve_all(world, order):
    for sub in order.sub_orders:
        await reply(world, reserved(order, sub))


async def test_placing_stores_the_tree_its_saga_and_asks_inventory_per_sub_order(world):
    order = await place(world)
    loaded, saga, history = await load(world, order.id)
    assert (loaded.paid_amount, len(loaded.sub_orders), loaded.step) == (9498, 2, "reserving")
    assert (saga.name, saga.step, saga.state, [m.cause for m in history]) == (
        "order", "reserving", "running", ["placed by buyer:buyer-1"])
    assert [m.type for m in await messages(world[2])] == [
        "order.placed", "inventory.reserve-stock", "inventory.reserve-stock"]
    assert {m.correlation_id for m in await messages(world[2])} == {order.id}


async def test_the_last_reservation_asks_for_payment_and_arms_the_deadline(world):
    order = await place(world)
    await reserve_all(world, order)
    loaded, saga, history = await load(world, order.id)
    deadline = world[3].at + timedelta(minutes=30)
    assert (loaded.step, loaded.payment_deadline, saga.deadline_at) == ("awaiting_payment", deadline, deadline)
    assert all(ln.warehouses == (WarehouseShare("WH-E", ln.quantity),) for s in loaded.sub_orders for ln in s.lines)
    assert [(m.from_step, m.to_step, m.cause) for m in history][-1] == (
        "reserving", "awaiting_payment", "inventory.stock-reserved")
    request = (await messages(world[2]))[-1]
    assert request.type == "payment.request-payment" and request.payload["amount"] == 9498


async def test_a_sub_order_split_over_two_warehouses_keeps_each_lines_warehouses(world):
    order = await place(world)
    first, second = order.sub_orders
    line = first.lines[0]  # 2 units: one from each warehouse
    await reply(world, StockReserved(order_id=order.id, sub_order_id=first.id, reserved_at=datetime.now(UTC),
                                     allocations=[{"line_id": line.id, "sku": line.sku, "warehouse": w, "quantity": 1}
                                                  for w in ("WH-E", "WH-W")]))
    await reply(world, reserved(order, second))
    loaded, _, _ = await load(world, order.id)
    assert loaded.sub_orders[0].lines[0].warehouses == (WarehouseShare("WH-E", 1), WarehouseShare("WH-W", 1))
    assert loaded.sub_orders[1].lines[0].warehouses == (WarehouseShare("WH-E", 1),)
    asked = [m for m in await messages(world[2]) if m.type == "inventory.reserve-stock"]
    assert all(m.payload["allow_split"] and not m.payload["pre_sale"] for m in asked)


async def test_the_deadline_fires_once_from_what_the_database_kept(world):
    transactions, _, sessions, clock = world
    order = await place(world)
    await reserve_all(world, order)
    clock.at += timedelta(minutes=31)
    restarted = collaborators(clock)  # a new process: nothing in memory but the database
    actions = deadline_actions(restarted)
    assert await fire_due_deadlines(transactions, restarted.saga, actions, clock.now) == 1
    assert await fire_due_deadlines(transactions, restarted.saga, actions, clock.now) == 0
    loaded, saga, _ = await load(world, order.id)
    assert (loaded.status, saga.step, saga.deadline_at) == ("pending_payment", "closing_payment", None)
    assert (await messages(sessions))[-1].type == "payment.close-payment"


async def test_a_held_order_nobody_reviewed_is_cancelled_from_what_the_database_kept(world):
    transactions, c, sessions, clock = world
    cart = Cart("buyer-2", "app", "CNY", RECEIVER, [CartLine("SKU-A", "m1", 1, 2_000_000)], 0, [])  # above the cap
    async with transactions.begin() as tx:
        order = await place_order(tx, c, cart, "buyer:buyer-2")
    await reserve_all(world, order)
    _, saga, _ = await load(world, order.id)
    assert (saga.step, saga.deadline_at) == ("held", clock.at + timedelta(hours=24))
    clock.at += timedelta(hours=24)
    restarted = collaborators(clock)
    assert await fire_due_deadlines(transactions, restarted.saga, deadline_actions(restarted), clock.now) == 1
    loaded, saga, history = await load(world, order.id)
    assert (loaded.status, loaded.cancel_reason, saga.step, saga.state) == (
        "cancelled", "review deadline passed", "cancelled", "compensated")
    assert [m.cause for m in history][-1] == "review deadline"
    assert [m.type for m in await messages(sessions)][-2:] == ["inventory.release-stock", "order.cancelled"]


async def test_a_refused_step_leaves_nothing_behind(world):
    order = await place(world)
    before = len(await messages(world[2]))
    with pytest.raises(IllegalTransition, match="awaiting_payment"):
        await reply(world, PaymentSucceeded(order_id=order.id, payment_id="p1", amount=9498, currency="CNY",
                                            psp_reference=None, paid_at=datetime.now(UTC)))
    loaded, saga, history = await load(world, order.id)
    assert (loaded.status, saga.step, len(history), len(await messages(world[2]))) == (
        "pending_payment", "reserving", 1, before)


async def test_out_of_stock_compensates_and_ends_the_saga(world):
    order = await place(world)
    first, second = order.sub_orders
    await reply(world, reserved(order, first))
    await reply(world, StockReservationRejected(order_id=order.id, sub_order_id=second.id, reason="insufficient-stock"))
    loaded, saga, _ = await load(world, order.id)
    assert (loaded.status, saga.step, saga.state) == ("cancelled", "cancelled", "compensated")
    releases = [m.payload["sub_order_id"] for m in await messages(world[2]) if m.type == "inventory.release-stock"]
    assert releases == [first.id]
    async with world[2]() as s:
        assert (await s.execute(select(saga_moves.c.to_step).where(saga_moves.c.saga_id == order.id)
                                .order_by(saga_moves.c.id))).scalars().all() == ["reserving", "cancelled"]


async def test_a_full_refund_of_a_paid_order_closes_it_and_gives_back_its_coupon_and_points(world):
    transactions, c, _, _ = world
    now = datetime.now(UTC)
    async with transactions.begin() as tx:
        await tx.catalog.put_coupon(Coupon("WELCOME", CouponKind.FIXED, "CNY", amount=500))
        await tx.catalog.add_points(PointsEntry("buyer-1", 1000, PointsEntryKind.EARNED, now, reason="welcome"))
    terms = Terms(priced_by=PricedBy.STAFF, coupons=(AppliedCoupon("WELCOME", 500),), points_amount=300)
    cart = Cart("buyer-1", "app", "CNY", RECEIVER, [CartLine("SKU-A", "m1", 2, 1999), CartLine("SKU-B", "m2", 1, 5000)],
                1000, [Discount("coupon", 500), Discount("points", 300)], terms)
    async with transactions.begin() as tx:
        order = await place_order(tx, c, cart, "staff:s1")
    async with transactions.begin() as tx:
        assert (await tx.catalog.points_balance("buyer-1"), await tx.catalog.coupon_uses("WELCOME", "buyer-1")) == (
            700, CouponUses(1, 1))
    await reserve_all(world, order)
    await reply(world, PaymentSucceeded(order_id=order.id, payment_id="p1", amount=order.paid_amount, currency="CNY",
                                        psp_reference=None, paid_at=now))
    await reply(world, PaymentRefunded(order_id=order.id, refund_id="r1", amount=1000, refunded_total=1000,
                                       paid_amount=order.paid_amount))
    partly, _, _ = await load(world, order.id)
    assert (partly.status, partly.payment_status) == ("awaiting_shipment", "partially_refunded")
    await reply(world, PaymentRefunded(order_id=order.id, refund_id="r2", amount=order.paid_amount - 1000,
                                       refunded_total=order.paid_amount, paid_amount=order.paid_amount))
    closed, _, _ = await load(world, order.id)
    lines = [ln for s in closed.sub_orders for ln in s.lines]
    assert (closed.status, closed.payment_status, {s.status for s in closed.sub_orders}) == (
        "closed", "refunded", {"closed"})
    assert [ln.refunded_amount for ln in lines] == [ln.paid_amount for ln in lines]
    assert sum(ln.refunded_amount for ln in lines) == closed.refunded_amount == order.paid_amount
    async with transactions.begin() as tx:
        assert (await tx.catalog.points_balance("buyer-1"), await tx.catalog.coupon_uses("WELCOME", "buyer-1")) == (
            1000, CouponUses(0, 0))
