"""A stop read before the order's `order.paid` (fulfillment restarted and caught up with its
commands first), through both consumers as the kit runs them on the real database: an after-sales
case's partial stop stops its units at once and answers once; the later plan ships the rest and
grants the course. A whole-order stop still leaves nothing to plan."""

from datetime import UTC, datetime

from sqlalchemy import select

from tradeflow_contracts.envelope import new_envelope
from tradeflow_contracts.fulfillment import COMMANDS, OrderLineRef, StopFulfillment
from tradeflow_contracts.registry import payload_of
from tradeflow_fulfillment.adapters.sqla_transaction import SqlaFulfillmentTransaction
from tradeflow_fulfillment.adapters.tables import entitlements, inbox, outbox, shipment_lines
from tradeflow_fulfillment.app.handlers import message_handlers
from tradeflow_fulfillment.domain.errors import FulfillmentError
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.processor import MessageProcessor, Outcome, RetryPolicy
from tradeflow_kit.messaging.records import ConsumedRecord

from .conftest import course, goods, order_paid, published, record

ASKED_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PAID = order_paid("o-1", ("m-1", [goods("l-1", 3), course("l-2")]))


def stop_record(*lines: tuple[str, int, str]) -> ConsumedRecord:
    message = StopFulfillment(order_id="o-1", reason="after-sales case c-1", requested_by="after-sales",
                              requested_at=ASKED_AT, lines=[OrderLineRef(line_id=i, sub_order_id="o-1-m-1", sku="SKU",
                                                                        quantity=q, kind=k) for i, q, k in lines])
    envelope = new_envelope(message.TYPE, message.VERSION, payload_of(message), producer="order", correlation_id="o-1")
    return ConsumedRecord(COMMANDS, 0, 0, b"o-1", envelope.to_bytes(), tuple(envelope.headers()), 0)


def commands(sessions, collaborators, dead_letters) -> MessageProcessor:
    handlers = message_handlers(SqlaFulfillmentTransaction.for_message, collaborators)[COMMANDS]
    return MessageProcessor(group="tradeflow-fulfillment", handlers=handlers, sessions=sessions, inbox=inbox,
                            outbox=Outbox(outbox, producer="fulfillment"), dead_letters=dead_letters,
                            retry=RetryPolicy(max_attempts=2, base_delay=0.01), domain_errors=(FulfillmentError,))


async def stop_then_pay(sessions, collaborators, dead_letters, processor, *lines) -> list[tuple]:
    assert await commands(sessions, collaborators, dead_letters).process(stop_record(*lines)) is Outcome.PROCESSED
    assert await processor.process(record(PAID)) is Outcome.PROCESSED
    return [(t, p) for _, _, t, p in await published(sessions)]


async def test_a_partial_stop_before_the_plan_answers_once_and_the_rest_ships(sessions, collaborators,
                                                                              dead_letters, processor):
    messages = await stop_then_pay(sessions, collaborators, dead_letters, processor, ("l-1", 1, "physical"))
    answers = [p for t, p in messages if t == "fulfillment.fulfillment-stopped"]
    assert [[(u["line_id"], u["quantity"], u["shipment_id"]) for u in a["stopped"]] for a in answers] == [
        [("l-1", 1, None)]]
    assert answers[0]["going_on"] == []
    async with sessions() as s:
        lines = (await s.execute(select(shipment_lines.c.line_id, shipment_lines.c.quantity))).all()
        granted = (await s.execute(select(entitlements.c.line_id, entitlements.c.status))).all()
    assert (lines, granted) == ([("l-1", 2)], [("l-2", "active")])
    assert sorted(t for t, _ in messages) == ["fulfillment.entitlement-granted", "fulfillment.fulfillment-stopped",
                                              "fulfillment.shipment-planned"]
    assert dead_letters.errors == []


async def test_a_whole_order_stop_before_the_plan_leaves_nothing_to_plan(sessions, collaborators, dead_letters,
                                                                         processor):
    messages = await stop_then_pay(sessions, collaborators, dead_letters, processor,
                                   ("l-1", 3, "physical"), ("l-2", 1, "virtual"))
    assert [t for t, _ in messages] == ["fulfillment.fulfillment-stopped"]
    assert [(u["line_id"], u["quantity"]) for u in messages[0][1]["stopped"]] == [("l-1", 3), ("l-2", 1)]
