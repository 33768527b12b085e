"""Pytest fixtures for every tier: `infra`, `fresh_database_url`, `new_topic`, `gateway_url`."""

import os
import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from tradeflow_testing.databases import all_dropped, asyncpg_url, create_database, drop_database_soon
from tradeflow_testing.infra import Infra, provide_infra


@pytest.fixture(scope="session")
async def infra():
    async with provide_infra() as provided:
        try:
            yield provided
        finally:
            await all_dropped()  # the tests' databases, before a stack the harness started stops


@pytest.fixture
async def fresh_database_url(infra: Infra):
    """An empty database of its own for this test, dropped afterwards (in the background, while the
    next test runs: `tradeflow_testing.databases`)."""
    name = await create_database(infra.postgres_url)
    try:
        yield asyncpg_url(infra.postgres_url, name)
    finally:
        drop_database_soon(infra.postgres_url, name)


@pytest.fixture
async def new_topic(infra: Infra):
    """A factory of uniquely named topics, deleted after the test."""
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    created: list[str] = []

    async def make(partitions: int = 3) -> str:
        name = f"test.{uuid.uuid4().hex[:10]}"
        await admin.create_topics([NewTopic(name, partitions, 1)])
        created.append(name)
        return name

    try:
        yield make
    finally:
        if created:
            await admin.delete_topics(created)
        await admin.close()


@pytest.fixture(scope="session")
def gateway_url() -> str:
    """The running platform's gateway; e2e tests need `make test` (or `make run`) around them."""
    url = os.environ.get("TRADEFLOW_GATEWAY_URL")
    if not url:
        pytest.fail("TRADEFLOW_GATEWAY_URL is not set: run the e2e tests with `make test` "
                    "(or against `make run` with TRADEFLOW_GATEWAY_URL=http://127.0.0.1:8080)")
    return url
