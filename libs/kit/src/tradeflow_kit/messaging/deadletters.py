"""Writing a failed record to `<topic>.dlq` with everything needed to inspect and replay it.

A record that was itself a replay keeps its link (`dlq.replayed.from`, `dlq.replay.root`,
`dlq.replay.count`, `dlq.replayed.at`) on the new dead letter: a replay that fails again is
linked to the dead letter it was replayed from.
"""

from datetime import datetime

from aiokafka import AIOKafkaProducer

from tradeflow_contracts.deadletter import DeadLetter, ReplayLink, original_headers
from tradeflow_contracts.topics import dlq_topic
from tradeflow_kit.messaging.records import ConsumedRecord


class DeadLetterPublisher:
    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = producer

    async def publish(self, record: ConsumedRecord, group: str, error: BaseException, kind: str, attempts: int,
                      first_failure: datetime, last_failure: datetime) -> None:
        """Send and wait for the broker's acknowledgement; raises if the broker does not take it."""
        letter = DeadLetter(
            original_topic=record.topic, original_partition=record.partition, original_offset=record.offset,
            consumer_group=group, error_class=f"{type(error).__module__}.{type(error).__qualname__}",
            error_message=str(error), error_kind=kind, attempts=attempts,
            first_failure=first_failure, last_failure=last_failure, replay=replay_link(record))
        await self.producer.send_and_wait(dlq_topic(record.topic), value=record.value, key=record.key,
                                          headers=[*original_headers(list(record.headers)), *letter.headers()])


def replay_link(record: ConsumedRecord) -> ReplayLink | None:
    """The link a replayed record carries; the `dlq.*` headers it came with are written once, by the letter."""
    return ReplayLink.from_headers({k: (v or b"").decode(errors="replace") for k, v in record.headers})
