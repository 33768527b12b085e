"""A record whose headers name a known contract this consumer has no handler for is ignored with
its payload unread, counted and committed like any ignored record; a batch of nothing but records
for other consumers opens no transaction. Everything else is read as before: no headers, a type
unknown anywhere, a body that is no envelope or disagrees with its headers."""

import pytest
from prometheus_client import REGISTRY

from tradeflow_kit.messaging import processor as processor_module
from tradeflow_kit.messaging.errors import MalformedMessage
from tradeflow_kit.messaging.processor import Outcome

from .processor_fakes import (
    TOPIC,
    Counted,
    Elsewhere,
    delivered,
    envelope_of,
    harness,
    headers_naming,
    record,
)


@pytest.fixture
def decoded(monkeypatch) -> list[int]:
    """The offsets of the records whose envelope the processor decoded."""
    offsets: list[int] = []
    decode = processor_module._envelope

    def counting(record):
        offsets.append(record.offset)
        return decode(record)

    monkeypatch.setattr(processor_module, "_envelope", counting)
    return offsets


def _ignored(group: str) -> float:
    return REGISTRY.get_sample_value("tradeflow_messages_consumed_total",
                                     {"topic": TOPIC, "group": group, "outcome": "ignored"}) or 0.0


async def _take(h, records, batched: bool) -> list[Outcome]:
    if batched:
        return await h.processor.process_batch(records)
    return [await h.processor.process(r) for r in records]


def _letter_kinds(h) -> list[tuple[str, str]]:
    return [(kind, type(error).__name__) for _, kind, error in h.dead_letters.letters]


both = pytest.mark.parametrize("batched", [False, True], ids=["alone", "batched"])


@both
async def test_a_record_named_for_a_contract_it_does_not_handle_is_ignored_unread(decoded, batched):
    h = harness(f"skip-{batched}")
    other = delivered(envelope_of(Elsewhere.TYPE, {"amount": 5}), offset=7)
    assert await _take(h, [other], batched) == [Outcome.IGNORED]
    assert decoded == [] and h.sessions.opened == [] and h.dead_letters.letters == []
    assert _ignored(f"skip-{batched}") == 1


async def test_the_records_of_a_batch_for_others_are_skipped_around_the_one_it_handles(decoded):
    h = harness("mixed")
    records = [delivered(envelope_of(Elsewhere.TYPE, {"amount": 1}), 0),
               delivered(envelope_of(Counted.TYPE, {"item": "mine"}), 1),
               delivered(envelope_of(Elsewhere.TYPE, {"amount": 2}), 2)]
    assert await h.processor.process_batch(records) == [Outcome.IGNORED, Outcome.PROCESSED, Outcome.IGNORED]
    assert h.handled == ["mine"] and decoded == [1]
    assert len(h.sessions.opened) == 1 and h.sessions.opened[0].savepoints == 1
    assert _ignored("mixed") == 2


async def test_a_batch_of_records_for_other_consumers_opens_no_transaction():
    """Skipped by their headers, of a type read from the body, or not accepted by the handler."""
    h = harness("others-only", accepts=lambda m: m.item.startswith("mine-"))
    unnamed = envelope_of(Elsewhere.TYPE, {"amount": 3})
    records = [delivered(envelope_of(Elsewhere.TYPE, {"amount": 1}), 0), record(unnamed.to_bytes(), None, 1),
               delivered(envelope_of(Counted.TYPE, {"item": "theirs"}), 2)]
    assert await h.processor.process_batch(records) == [Outcome.IGNORED] * 3
    assert h.sessions.opened == [] and h.handled == []


@both
async def test_a_record_without_headers_is_read_from_its_body_as_before(decoded, batched):
    h = harness(f"unnamed-{batched}")
    other, mine = envelope_of(Elsewhere.TYPE, {"amount": 1}), envelope_of(Counted.TYPE, {"item": "a"})
    records = [record(other.to_bytes(), None, 0), record(mine.to_bytes(), None, 1), record(b"{not json", None, 2)]
    assert await _take(h, records, batched) == [Outcome.IGNORED, Outcome.PROCESSED, Outcome.DEAD_LETTERED]
    assert decoded == [0, 1, 2] and h.handled == ["a"]
    assert _letter_kinds(h) == [("permanent", "MalformedMessage")]


@both
@pytest.mark.parametrize("body", [b"{not json", b'{"type": "test.elsewhere", "version": 1}',
                                  envelope_of(Elsewhere.TYPE, {"amount": 1}).to_bytes() + b" trailing"],
                         ids=["not-json", "not-an-envelope", "trailing-garbage"])
async def test_a_body_that_is_no_envelope_is_dead_lettered_whatever_its_headers_say(body, batched):
    h = harness(f"malformed-{batched}")
    assert await _take(h, [record(body, headers_naming(Elsewhere.TYPE))], batched) == [Outcome.DEAD_LETTERED]
    [(_, kind, error)] = h.dead_letters.letters
    assert kind == "permanent" and isinstance(error, MalformedMessage)


@both
async def test_a_type_unknown_anywhere_is_dead_lettered_as_before(batched):
    h = harness(f"unknown-{batched}")
    unknown = envelope_of("test.never-heard-of", {})
    misnamed = record(unknown.to_bytes(), headers_naming(Elsewhere.TYPE))  # headers and body disagree
    assert await _take(h, [delivered(unknown), misnamed], batched) == [Outcome.DEAD_LETTERED] * 2
    assert _letter_kinds(h) == [("permanent", "UnknownMessageType")] * 2


@both
async def test_a_body_that_disagrees_with_its_headers_is_routed_by_the_body(batched):
    h = harness(f"disagree-{batched}")
    mine = envelope_of(Counted.TYPE, {"item": "routed-by-body"})
    records = [record(mine.to_bytes(), headers_naming(Elsewhere.TYPE)),
               record(mine.to_bytes(), headers_naming(Counted.TYPE, version="2"), offset=1)]
    assert await _take(h, records, batched) == [Outcome.PROCESSED, Outcome.PROCESSED]
    assert h.handled == ["routed-by-body"] * 2


@both
@pytest.mark.parametrize("headers", [[("type", b"test.elsewhere")], headers_naming(Elsewhere.TYPE, "one"),
                                     headers_naming("", "1")], ids=["no-version", "bad-version", "empty-type"])
async def test_headers_that_name_no_contract_leave_the_record_to_its_body(decoded, headers, batched):
    h = harness(f"half-named-{batched}")
    other = envelope_of(Elsewhere.TYPE, {"amount": 1})
    assert await _take(h, [record(other.to_bytes(), headers)], batched) == [Outcome.IGNORED]
    assert decoded == [0]


@both
async def test_a_handled_contract_with_a_bad_payload_is_still_dead_lettered(batched):
    h = harness(f"bad-payload-{batched}")
    bad = envelope_of(Counted.TYPE, {"item": ["not", "text"]})
    assert await _take(h, [delivered(bad)], batched) == [Outcome.DEAD_LETTERED]
    assert _letter_kinds(h) == [("permanent", "InvalidPayload")] and h.handled == []
