"""A pre-sale's shipment waits for its goods on the real database (issue 11): planned from an
order.paid whose shares are incoming, never claimed by the dispatcher until PreSaleStockArrived
is consumed from inventory's events topic; an arrival before planning is kept; a repeat changes
nothing; an arrival while the order is being planned waits for it (never lost)."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from tradeflow_contracts import inventory
from tradeflow_contracts.envelope import new_envelope
from tradeflow_contracts.registry import payload_of
from tradeflow_fulfillment.adapters.sqla_transaction import SqlaFulfillmentTransaction
from tradeflow_fulfillment.adapters.tables import inbox, outbox, pre_sale_arrivals, shipment_events, shipments
from tradeflow_fulfillment.app.handlers import message_handlers
from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_fulfillment.app.record_stock_arrival import record_stock_arrival
from tradeflow_fulfillment.domain.errors import FulfillmentError
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.processor import MessageProcessor, Outcome, RetryPolicy
from tradeflow_kit.messaging.records import ConsumedRecord
from tradeflow_testing.access import bearer
from tradeflow_testing.polling import poll_until

from .conftest import SETTINGS, goods, order_paid, record

WINDOW = timedelta(seconds=SETTINGS["merge_window_seconds"])
PRE_SALE = order_paid("o-1", ("m-1", [goods("p", 2) | {
    "warehouses": [{"code": "WH-1", "quantity": 2, "incoming": True}]}]))
ARRIVED = inventory.PreSaleStockArrived(order_id="o-1", sub_order_id="o-1-m-1", arrived_at="2026-12-20T09:00Z",
                                        allocations=[{"line_id": "p", "sku": "SKU-p", "warehouse": "WH-1",
                                                      "quantity": 2}])


def arrival(offset: int = 0) -> ConsumedRecord:
    """ARRIVED as inventory published it (a new message id each time)."""
    envelope = new_envelope(ARRIVED.TYPE, ARRIVED.VERSION, payload_of(ARRIVED), producer="inventory",
                            correlation_id="o-1")
    return ConsumedRecord(inventory.EVENTS, 0, offset, b"o-1", envelope.to_bytes(), tuple(envelope.headers()), 0)


@pytest.fixture
def inventory_events(sessions, collaborators, dead_letters) -> MessageProcessor:
    """Fulfillment's consumer of inventory's events topic, as the kit runs it."""
    handlers = message_handlers(SqlaFulfillmentTransaction.for_message, collaborators)[inventory.EVENTS]
    return MessageProcessor(group="tradeflow-fulfillment", handlers=handlers, sessions=sessions, inbox=inbox,
                            outbox=Outbox(outbox, producer="fulfillment"), dead_letters=dead_letters,
                            retry=RetryPolicy(max_attempts=2, base_delay=0.01), domain_errors=(FulfillmentError,))


async def claimable(transactions, at) -> str | None:
    async with transactions.read() as tx:
        s = await tx.shipments.claim_due(at)
        return s and s.id


async def stored(sessions) -> tuple:
    async with sessions() as s:
        return (await s.execute(select(shipments.c.id, shipments.c.awaiting_stock))).one()


async def test_a_waiting_shipment_is_claimed_only_once_its_goods_arrived(sessions, processor, inventory_events,
                                                                         transactions, clock):
    assert await processor.process(record(PRE_SALE)) is Outcome.PROCESSED
    shipment_id, awaiting = await stored(sessions)
    assert awaiting == ["o-1-m-1"]
    assert await claimable(transactions, clock.at + WINDOW + timedelta(days=30)) is None
    assert await inventory_events.process(arrival()) is Outcome.PROCESSED
    assert await stored(sessions) == (shipment_id, [])
    assert await claimable(transactions, clock.at + WINDOW - timedelta(seconds=1)) is None  # its window still counts
    assert await claimable(transactions, clock.at + WINDOW) == shipment_id


async def test_a_repeated_arrival_changes_nothing(sessions, processor, inventory_events):
    await processor.process(record(PRE_SALE))
    assert await inventory_events.process(arrival()) is Outcome.PROCESSED
    assert await inventory_events.process(arrival(offset=1)) is Outcome.PROCESSED  # another message, same sub-order
    async with sessions() as s:
        events = (await s.execute(select(shipment_events.c.event).order_by(shipment_events.c.id))).scalars().all()
        arrivals = (await s.execute(select(func.count()).select_from(pre_sale_arrivals))).scalar_one()
    assert (events, arrivals) == (["plan", "await_stock", "stock_arrived"], 1)


async def test_an_arrival_before_the_order_is_planned_is_kept_and_planning_sees_it(sessions, processor,
                                                                                   inventory_events, transactions,
                                                                                   clock):
    assert await inventory_events.process(arrival()) is Outcome.PROCESSED
    async with sessions() as s:
        kept = (await s.execute(select(pre_sale_arrivals.c.sub_order_id, pre_sale_arrivals.c.order_id))).all()
    assert kept == [("o-1-m-1", "o-1")]
    await processor.process(record(PRE_SALE))
    shipment_id, awaiting = await stored(sessions)
    assert awaiting == [] and await claimable(transactions, clock.at + WINDOW) == shipment_id


async def test_an_arrival_during_planning_waits_for_it_and_then_releases_the_shipment(sessions, transactions,
                                                                                     collaborators, clock):
    async with transactions.begin() as planning:
        await plan_fulfillment(planning, PRE_SALE, collaborators)  # holds the order's lock until it commits

        async def arrive() -> None:
            async with transactions.begin() as tx:
                await record_stock_arrival(tx, ARRIVED, collaborators)

        arriving = asyncio.create_task(arrive())
        await poll_until(lambda: _waiting_on_advisory_locks(sessions), lambda n: n == 1, 30,
                         "the arrival waiting for the planning's lock")
        assert not arriving.done()
    await asyncio.wait_for(arriving, 30)
    assert (await stored(sessions))[1] == []  # it saw the shipment the planning committed


async def test_the_ops_view_shows_a_shipment_waiting_for_its_goods(client, processor, inventory_events, sessions):
    await processor.process(record(PRE_SALE))
    shipment_id, _ = await stored(sessions)

    async def view() -> dict:
        r = await client.get(f"/fulfillment/shipments/{shipment_id}", headers=bearer("staff-1", "staff"))
        assert r.status_code == 200, r.text
        return r.json()

    waiting = await view()
    assert (waiting["status"], waiting["awaiting_stock"]) == ("ready", True)
    assert [(e["event"], e["detail"]) for e in waiting["events"]] == [("plan", "o-1"), ("await_stock", "o-1-m-1")]
    await inventory_events.process(arrival())
    assert (await view())["awaiting_stock"] is False


async def _waiting_on_advisory_locks(sessions) -> int:
    async with sessions() as s:
        return (await s.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                                     " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                                     ))).scalar_one()
