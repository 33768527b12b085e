"""Creating the platform's topics on any cluster (local stack, compose, a real one)."""

import os

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from tradeflow_contracts.topics import all_topics, topic_configs

DEFAULT_PARTITIONS = 6


async def ensure_topics(bootstrap: str, topics: list[str] | None = None, partitions: int | None = None) -> list[str]:
    """Create the topics that do not exist yet (idempotent); returns the ones it created."""
    wanted = all_topics() if topics is None else topics
    partitions = partitions or int(os.environ.get("TRADEFLOW_TOPIC_PARTITIONS", DEFAULT_PARTITIONS))
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    await admin.start()
    try:
        missing = sorted(set(wanted) - set(await admin.list_topics()))
        if missing:
            await admin.create_topics([NewTopic(t, partitions, 1, topic_configs=topic_configs(t)) for t in missing])
        return missing
    finally:
        await admin.close()
