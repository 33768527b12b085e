"""The replies as the Kafka consumer runs them (the kit's MessageProcessor with the service's
handler table, inbox and dead-letter hook, fed records directly instead of from the broker): a
redelivered reply changes nothing; a reply a case's rules refuse is dead-lettered at once and the
case (and its saga) need attention, until staff retry."""

from datetime import UTC, datetime

from tradeflow_after_sales.adapters.sqla_transaction import SqlaAfterSalesTransaction
from tradeflow_after_sales.adapters.tables import inbox, outbox
from tradeflow_after_sales.app.dead_letters import park_case_on_dead_letter
from tradeflow_after_sales.app.handlers import message_handlers
from tradeflow_after_sales.domain.errors import AfterSalesError
from tradeflow_contracts.after_sales import ReturnInspected, ReturnLine, ReturnReceived
from tradeflow_contracts.envelope import new_envelope
from tradeflow_contracts.registry import Contract, payload_of
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.processor import MessageProcessor, Outcome, RetryPolicy
from tradeflow_kit.messaging.records import ConsumedRecord
from tradeflow_testing.access import bearer

AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
STAFF = bearer("staff-1", "staff")


class DeadLetters:
    def __init__(self) -> None:
        self.kinds: list[str] = []

    async def publish(self, record, group, error, kind, *_times, **_kw) -> None:
        self.kinds.append(kind)


def record(message: Contract, offset: int = 0) -> ConsumedRecord:
    envelope = new_envelope(message.TYPE, message.VERSION, payload_of(message), producer="fulfillment",
                            correlation_id="O-1")
    return ConsumedRecord(message.TOPIC, 0, offset, b"O-1", envelope.to_bytes(), tuple(envelope.headers()), 0)


def processor(world, dead_letters: DeadLetters) -> MessageProcessor:
    handlers = {contract: handler for by_type in message_handlers(SqlaAfterSalesTransaction.for_message,
                                                                  world.c).values()
                for contract, handler in by_type.items()}
    return MessageProcessor(group="tradeflow-after-sales", handlers=handlers, sessions=world.app.state.runtime.sessions,
                            inbox=inbox, outbox=Outbox(outbox, producer="after-sales"), dead_letters=dead_letters,
                            retry=RetryPolicy(max_attempts=2, base_delay=0.01), domain_errors=(AfterSalesError,),
                            on_dead_letter=park_case_on_dead_letter(world.transactions, world.c))


async def test_a_redelivered_reply_is_a_duplicate_and_moves_the_case_once(world):
    await world.order(world.line())
    case = await world.opened()
    await world.act(case["id"], "approve")
    consumer = processor(world, DeadLetters())
    received = record(ReturnReceived(case_id=case["id"], order_id="O-1", warehouse="WH-1", received_at=AT))
    assert await consumer.process(received) is Outcome.PROCESSED
    assert await consumer.process(received) is Outcome.DUPLICATE
    assert [h["to"] for h in (await world.case(case["id"]))["history"]].count("received") == 1


async def test_a_reply_the_case_refuses_is_dead_lettered_and_parks_the_case_until_staff_retry(world):
    await world.order(world.line())
    case = await world.opened()  # still requested: nothing can be inspected yet
    dead_letters = DeadLetters()
    inspected = ReturnInspected(case_id=case["id"], order_id="O-1", warehouse="WH-1", outcome="ok",
                                lines=[ReturnLine(line_id="L1", sku="SKU-L1", quantity=1)], inspected_at=AT)
    assert await processor(world, dead_letters).process(record(inspected)) is Outcome.DEAD_LETTERED
    assert dead_letters.kinds == ["permanent"]
    parked = await world.case(case["id"])
    assert parked["status"] == "needs_attention" and "dead-lettered" in parked["attention"]["reason"]
    saga = (await world.http.get(f"/sagas/{case['id']}", headers=STAFF)).json()
    assert (saga["state"], saga["step"]) == ("needs_attention", "reviewing")
    retried = await world.act(case["id"], "retry", {})
    assert retried["status"] == "requested"
    assert (await world.http.get(f"/sagas/{case['id']}", headers=STAFF)).json()["state"] == "running"


async def test_a_reply_naming_no_case_of_ours_is_dead_lettered_and_parks_nothing(world):
    dead_letters = DeadLetters()
    received = ReturnReceived(case_id="as_none", order_id="O-1", warehouse="WH-1", received_at=AT)
    assert await processor(world, dead_letters).process(record(received)) is Outcome.DEAD_LETTERED
    assert dead_letters.kinds == ["permanent"]
