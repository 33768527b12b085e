"""A dead-lettered reply parks its saga: through the hook directly, and through the message
processor on the real broker (the hook runs after the dead letter is published)."""

import time

from tradeflow_contracts.envelope import new_envelope
from tradeflow_kit.db import session_factory
from tradeflow_kit.messaging.deadletters import DeadLetterPublisher
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.processor import MessageProcessor, Outcome, RetryPolicy
from tradeflow_kit.messaging.records import ConsumedRecord
from tradeflow_kit.sagas.dead_letters import park_on_dead_letter
from tradeflow_kit.sagas.definition import SagaDefinition, SagaState, Step
from tradeflow_kit.sagas.instance import begin

from ..saga_fixtures import CHECKOUT, T0
from .messaging_support import (
    ItemCounted,
    RuleRefused,
    Switchboard,
    counting_handler,
    inbox_table,
    outbox_table,
    test_contracts,
)
from .saga_support import FakeClock, add_all, checkout_in

REASON = "permanent: RuleRefused: o-1 may not be counted"


def reply_for(saga_id: str):
    return new_envelope("test.payment-captured", 1, {"order_id": saga_id}, producer="test", correlation_id=saga_id)


def record_of(envelope, topic: str = "test.replies") -> ConsumedRecord:
    return ConsumedRecord(topic, 0, 0, b"k", envelope.to_bytes(), tuple(envelope.headers()), int(time.time() * 1000))


async def states(transactions) -> dict[str, tuple[SagaState, str | None]]:
    async with transactions.begin() as tx:
        found = await tx.sagas.find(name=None, state=None, step=None, limit=100, after=None)
    return {s.id: (s.state, s.attention) for s in found}


def hook(transactions, clock):
    return park_on_dead_letter(transactions, CHECKOUT, lambda envelope: envelope.payload.get("order_id"), clock)


async def test_the_hook_parks_a_running_saga_with_the_reason(saga_transactions):
    clock = FakeClock()
    await add_all(saga_transactions, checkout_in("o-1", "awaiting_payment", T0))
    envelope = reply_for("o-1")
    clock.advance(minutes=1)
    await hook(saga_transactions, clock)(record_of(envelope), envelope, REASON)

    async with saga_transactions.begin() as tx:
        parked = await tx.sagas.get("o-1")
    assert (parked.state, parked.step) == (SagaState.NEEDS_ATTENTION, "awaiting_payment")
    assert parked.attention == f"test.payment-captured dead-lettered: {REASON}"
    assert parked.updated_at == clock.now


async def test_the_hook_leaves_alone_what_is_not_a_running_saga_of_its_definition(saga_transactions):
    other = begin(SagaDefinition("returns", (Step("reserving"),)), "r-1", T0)
    await add_all(saga_transactions, checkout_in("o-paid", "paid", T0), checkout_in("o-cancelled", "cancelled", T0),
                  other)
    before = await states(saga_transactions)
    park = hook(saga_transactions, FakeClock())
    for saga_id in ("o-unknown", "o-paid", "o-cancelled", "r-1"):
        await park(record_of(reply_for(saga_id)), reply_for(saga_id), REASON)
    no_saga = new_envelope("test.other", 1, {}, producer="test", correlation_id="c")
    await park(record_of(no_saga), no_saga, REASON)  # saga_id_of names no saga
    await park(ConsumedRecord("test.replies", 0, 1, None, b"{not json", (), 0), None, "permanent: Malformed")
    assert await states(saga_transactions) == before


async def test_a_reply_refused_by_its_handler_is_dead_lettered_and_parks_its_saga(
        saga_transactions, engine, producer, topic_with_dlq):
    await add_all(saga_transactions, checkout_in("o-1", "awaiting_payment", T0))
    switches = Switchboard(refused_items={"o-1"})

    def processor(on_dead_letter):
        return MessageProcessor(
            group="test-sagas", handlers={ItemCounted: counting_handler(switches)}, sessions=session_factory(engine),
            inbox=inbox_table, outbox=Outbox(outbox_table, "test"), dead_letters=DeadLetterPublisher(producer),
            retry=RetryPolicy(max_attempts=2, base_delay=0.01), contracts=test_contracts,
            domain_errors=(RuleRefused,), on_dead_letter=on_dead_letter)

    park = park_on_dead_letter(saga_transactions, CHECKOUT, lambda envelope: envelope.payload.get("item"),
                               FakeClock())
    envelope = new_envelope(ItemCounted.TYPE, 1, {"item": "o-1"}, producer="test", correlation_id="o-1")
    assert await processor(park).process(record_of(envelope, topic_with_dlq)) is Outcome.DEAD_LETTERED
    assert (await states(saga_transactions))["o-1"] == (
        SagaState.NEEDS_ATTENTION, "test.item-counted dead-lettered: permanent: RuleRefused: o-1 may not be counted")

    async def broken_hook(record, envelope, reason):
        raise RuntimeError("the hook's database is down")

    again = new_envelope(ItemCounted.TYPE, 1, {"item": "o-1"}, producer="test", correlation_id="o-1")
    # the record is dead-lettered all the same: the consumer commits it and goes on
    assert await processor(broken_hook).process(record_of(again, topic_with_dlq)) is Outcome.DEAD_LETTERED
