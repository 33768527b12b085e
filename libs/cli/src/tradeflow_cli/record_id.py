"""The id of one dead letter as ops type it: `<dlq-topic>:<partition>:<offset>`."""

import re
from dataclasses import dataclass

from aiokafka import TopicPartition

from tradeflow_contracts.topics import DLQ_SUFFIX

_ID = re.compile(r"(?P<topic>[A-Za-z0-9._-]+):(?P<partition>\d+):(?P<offset>\d+)", re.ASCII)


@dataclass(frozen=True, order=True)
class RecordId:
    topic: str
    partition: int
    offset: int

    def __str__(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"

    @property
    def topic_partition(self) -> TopicPartition:
        return TopicPartition(self.topic, self.partition)

    @classmethod
    def parse(cls, text: str) -> "RecordId":
        match = _ID.fullmatch(text.strip())
        if match is None or not match["topic"].endswith(DLQ_SUFFIX):
            raise ValueError(f"{text!r} is not a dead-letter id: expected <topic>{DLQ_SUFFIX}:<partition>:<offset>")
        return cls(match["topic"], int(match["partition"]), int(match["offset"]))
