
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from tradeflow_kit.db import create_engine, session_factory
from tradeflow_kit.sagas.sqla_store import SqlaSagaTransactions
from tradeflow_testing.topics import read_topic

from .messaging_support import create_schema
from .saga_support import saga_metadata, saga_moves_table, sagas_table


@pytest.fixture
async def engine(fresh_database_url):
    engine = create_engine(fresh_database_url)
    await create_schema(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def saga_transactions(engine):
    """The saga tables beside the messaging ones, and `transactions` over them."""
    async with engine.begin() as conn:
        await conn.run_sync(saga_metadata.create_all)
    return SqlaSagaTransactions(session_factory(engine), sagas_table, saga_moves_table)


@pytest.fixture
async def producer(infra):
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    yield producer
    await producer.stop()


@pytest.fixture
async def topic_with_dlq(infra, new_topic):
    """A fresh topic and its `.dlq` twin."""
    topic = await new_topic(partitions=3)
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(topic + ".dlq", 3, 1)])
    yield topic
    await admin.delete_topics([topic + ".dlq"])
    await admin.close()


async def read_all(bootstrap: str, topic: str, expected: int, timeout: float = 30) -> list:
    """Read `topic` from the beginning until `expected` records arrived (or fail)."""
    records = await read_topic(bootstrap, topic, expected, timeout)
    assert len(records) >= expected, f"{topic}: {len(records)} records, expected {expected}"
    return records
