"""The kit's subscriber waits for records in Kafka's fetch, which returns as soon as one arrives,
instead of FastStream's batch poll that sleeps as long again after every empty wait (most of an
idle service's CPU, and a record arriving during the sleep waited for its end)."""

import asyncio

from aiokafka import TopicPartition
from faststream.kafka import KafkaBroker

from tradeflow_kit.messaging.subscriptions import subscribe

from .processor_fakes import harness


class FakeConsumer:
    """aiokafka's `getmany` answers, one per poll; the arguments of each poll."""

    def __init__(self, *answers: dict) -> None:
        self.answers, self.polls = list(answers), []

    async def getmany(self, *, timeout_ms: int, max_records: int) -> dict:
        self.polls.append((timeout_ms, max_records))
        return self.answers.pop(0)


def _subscriber(wait_ms: int, max_records: int):
    broker = KafkaBroker("127.0.0.1:1")  # never started: only the subscriber's poll is exercised
    subscribe(broker, harness("poll-test").processor, "test.poll", max_records=max_records, wait_ms=wait_ms)
    return broker.subscribers[-1]


async def test_an_empty_wait_is_followed_by_the_next_poll_at_once_not_by_a_sleep():
    subscriber, consumer = _subscriber(wait_ms=5_000, max_records=7), FakeConsumer({})
    async with asyncio.timeout(1):  # FastStream's poll would sleep the 5 s wait again here
        assert await subscriber.get_msg(consumer) == ()
    assert consumer.polls == [(5_000, 7)]


async def test_a_poll_returns_the_records_of_every_partition_it_got():
    first, second = TopicPartition("test.poll", 0), TopicPartition("test.poll", 1)
    consumer = FakeConsumer({first: ["a", "b"], second: ["c"]})
    assert await _subscriber(wait_ms=500, max_records=100).get_msg(consumer) == ("a", "b", "c")
