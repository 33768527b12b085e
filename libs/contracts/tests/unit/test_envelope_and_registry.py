import uuid

import pytest

from tradeflow_contracts.deadletter import DeadLetter, original_headers
from tradeflow_contracts.envelope import Envelope, new_envelope
from tradeflow_contracts.registry import Contract, ContractRegistry, InvalidPayload, UnknownMessageType
from tradeflow_contracts.topics import all_topics, dlq_topic, topic_configs

registry = ContractRegistry()


@registry.register
class PriceSetV1(Contract):
    TYPE, VERSION, TOPIC = "test.price-set", 1, "test.events"
    sku: str
    amount: int


@registry.register
class PriceSetV2(Contract):
    TYPE, VERSION, TOPIC = "test.price-set", 2, "test.events"
    sku: str
    amount: int
    currency: str


def test_envelope_survives_the_wire_byte_for_byte():
    envelope = new_envelope("test.price-set", 1, {"sku": "A", "amount": 1999}, producer="p", correlation_id="o-1")
    again = Envelope.from_bytes(envelope.to_bytes())
    assert again == envelope and again.to_bytes() == envelope.to_bytes()
    assert dict(envelope.headers("00-" + "a" * 32 + "-" + "b" * 16 + "-01"))["message_id"] == str(
        envelope.message_id).encode()


def test_versions_are_resolved_side_by_side_by_explicit_type_and_version():
    v1 = new_envelope("test.price-set", 1, {"sku": "A", "amount": 1}, producer="p", correlation_id="c")
    v2 = new_envelope("test.price-set", 2, {"sku": "A", "amount": 1, "currency": "CNY"}, producer="p",
                      correlation_id="c")
    assert isinstance(registry.parse(v1), PriceSetV1)
    assert registry.parse(v2).currency == "CNY"


def test_unknown_version_names_the_known_ones():
    v9 = new_envelope("test.price-set", 9, {}, producer="p", correlation_id="c")
    with pytest.raises(UnknownMessageType, match=r"known versions of 'test.price-set': \[1, 2\]"):
        registry.parse(v9)


def test_unknown_type_is_refused_not_guessed_by_class_name():
    with pytest.raises(UnknownMessageType, match="no contract is named 'PriceSetV1'"):
        registry.resolve("PriceSetV1", 1)


def test_payload_that_breaks_the_contract_is_invalid():
    bad = new_envelope("test.price-set", 1, {"sku": "A", "amount": "lots"}, producer="p", correlation_id="c")
    with pytest.raises(InvalidPayload, match="amount"):
        registry.parse(bad)


def test_added_fields_are_ignored_by_older_readers():
    newer = new_envelope("test.price-set", 1, {"sku": "A", "amount": 5, "note": "new"}, producer="p",
                         correlation_id="c")
    assert registry.parse(newer) == PriceSetV1(sku="A", amount=5)


def test_registering_two_classes_for_one_type_and_version_fails():
    with pytest.raises(ValueError, match="registered twice"):
        @registry.register
        class Clash(Contract):
            TYPE, VERSION, TOPIC = "test.price-set", 1, "x"


def test_dead_letter_headers_round_trip_and_strip_back_to_the_original():
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    letter = DeadLetter("order.events", 2, 41, "g", "builtins.RuntimeError", "boom", "retries-exhausted", 5, now, now)
    headers = [("message_id", str(uuid.uuid4()).encode()), *letter.headers()]
    assert DeadLetter.from_headers({k: v.decode() for k, v in headers}) == letter
    assert original_headers(headers) == headers[:1]


def test_every_business_topic_has_a_dead_letter_twin_kept_long_enough():
    topics = set(all_topics())
    assert dlq_topic("order.events") in topics and "ops.audit" in topics
    assert int(topic_configs("order.events.dlq")["retention.ms"]) >= 30 * 24 * 3600 * 1000
    assert topic_configs("ops.audit")["retention.ms"] == "-1"
