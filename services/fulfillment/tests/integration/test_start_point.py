"""The start point on the real database, through the consumer as the kit runs it: an order.paid
whose envelope says the order was paid before FULFILLMENT_PLAN_PAID_SINCE is acknowledged and
recorded as skipped (planned_orders), nothing planned; one paid after it is planned as ever."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tradeflow_contracts.envelope import new_envelope
from tradeflow_contracts.orders import EVENTS, OrderPaid
from tradeflow_contracts.registry import payload_of
from tradeflow_fulfillment.adapters.sqla_transaction import SqlaFulfillmentTransaction
from tradeflow_fulfillment.adapters.tables import entitlements, inbox, outbox, planned_orders, shipments
from tradeflow_fulfillment.app.handlers import message_handlers
from tradeflow_fulfillment.app.ports import Collaborators
from tradeflow_fulfillment.bootstrap import planning_rules
from tradeflow_fulfillment.domain.errors import FulfillmentError
from tradeflow_fulfillment.settings import Settings
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.processor import MessageProcessor, Outcome, RetryPolicy
from tradeflow_kit.messaging.records import ConsumedRecord
from tradeflow_kit.system import UuidIdGenerator

from .conftest import SETTINGS, count, course, goods, order_paid

START = "2026-11-01T00:00:00+08:00"


def paid_at(message: OrderPaid, occurred_at: datetime, offset: int = 0) -> ConsumedRecord:
    """order.paid as the order service published it when the order was paid at `occurred_at`."""
    envelope = new_envelope(message.TYPE, message.VERSION, payload_of(message), producer="order",
                            correlation_id=message.order_id, occurred_at=occurred_at)
    return ConsumedRecord(EVENTS, 0, offset, message.order_id.encode(), envelope.to_bytes(),
                          tuple(envelope.headers()), 0)


@pytest.fixture
def starting(sessions, clock, dead_letters) -> MessageProcessor:
    """Fulfillment's order.paid consumer with the start point set."""
    rules = planning_rules(Settings(**SETTINGS, plan_paid_since=START))
    handlers = message_handlers(SqlaFulfillmentTransaction.for_message,
                                Collaborators(clock, UuidIdGenerator(), rules))[EVENTS]
    return MessageProcessor(group="tradeflow-fulfillment", handlers=handlers, sessions=sessions, inbox=inbox,
                            outbox=Outbox(outbox, producer="fulfillment"), dead_letters=dead_letters,
                            retry=RetryPolicy(max_attempts=2, base_delay=0.01), domain_errors=(FulfillmentError,))


async def recorded(sessions) -> list[tuple]:
    async with sessions() as s:
        return (await s.execute(select(planned_orders.c.order_id, planned_orders.c.outcome, planned_orders.c.paid_at)
                                .order_by(planned_orders.c.order_id))).all()


async def test_an_order_paid_before_the_start_point_is_skipped_and_recorded_one_after_it_planned(
        sessions, starting, dead_letters):
    start = datetime.fromisoformat(START)
    before = start - timedelta(days=60)
    history = order_paid("o-old", ("m-1", [goods("a"), course("v")]))
    assert await starting.process(paid_at(history, before)) is Outcome.PROCESSED
    assert [await count(sessions, t) for t in (shipments, entitlements, outbox)] == [0, 0, 0]
    assert await starting.process(paid_at(order_paid("o-new", ("m-1", [goods("b")])), start, offset=1)) is (
        Outcome.PROCESSED)
    assert await recorded(sessions) == [("o-new", "planned", None), ("o-old", "skipped_before_start", before)]
    assert [await count(sessions, t) for t in (shipments, entitlements)] == [1, 0]
    assert await starting.process(paid_at(history, start + timedelta(days=1), offset=2)) is Outcome.PROCESSED
    assert (await count(sessions, shipments), dead_letters.errors) == (1, [])  # skipped stays skipped
