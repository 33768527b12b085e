from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_cli.dlq_records import DeadLetterRecord
from tradeflow_cli.record_id import RecordId
from tradeflow_contracts.deadletter import DeadLetter, ReplayLink

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def dead_letter_record():
    """A factory of dead letters on `order.events.dlq`, failed `age` before NOW."""

    def make(offset: int = 0, *, partition: int = 0, age: timedelta = timedelta(hours=1), type_: str = "order.placed",
             group: str = "payment", error_class: str = "ValueError", error_message: str = "amount must be positive",
             key: bytes | None = b"order-1", value: bytes | None = b'{"message_id": "m-1"}',
             extra_headers: tuple[tuple[str, bytes], ...] = (), replay: ReplayLink | None = None,
             topic: str = "order.events.dlq") -> DeadLetterRecord:
        failure = DeadLetter(
            original_topic="order.events", original_partition=partition, original_offset=offset + 100,
            consumer_group=group, error_class=error_class, error_message=error_message, error_kind="permanent",
            attempts=3, first_failure=NOW - age - timedelta(minutes=1), last_failure=NOW - age, replay=replay)
        headers = (("message_id", b"m-1"), ("type", type_.encode()), *extra_headers, *failure.headers())
        return DeadLetterRecord(RecordId(topic, partition, offset), failure, key, value, headers)

    return make
