"""Where the tests' Kafka and PostgreSQL come from.

* `make test` runs pytest inside `tradeflow-stack exec`, which exports
  `KAFKA_BOOTSTRAP_SERVERS` and `TRADEFLOW_POSTGRES_URL`: the tests use that stack.
* Run alone (`pytest services/order`), the harness uses the checkout's running stack (`make
  run`) if there is one, else starts the local PostgreSQL and Kafka itself and stops them after.
* `TRADEFLOW_TEST_STACK=containers` starts both with testcontainers (where Docker exists).
"""

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from tradeflow_contracts.topics import all_topics


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap: str
    postgres_url: str  # a server URL without database: postgresql://user[:pw]@host:port


def from_environment() -> Infra | None:
    bootstrap, postgres = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("TRADEFLOW_POSTGRES_URL")
    return Infra(bootstrap, postgres) if bootstrap and postgres else None


@asynccontextmanager
async def provide_infra() -> AsyncIterator[Infra]:
    mode = os.environ.get("TRADEFLOW_TEST_STACK", "local")
    if mode == "containers":
        async with _containers() as infra:
            yield infra
        return
    if mode != "local":
        raise RuntimeError(f"TRADEFLOW_TEST_STACK must be 'local' or 'containers', not {mode!r}")
    if (given := from_environment() or await _running_local_stack()) is not None:
        yield given
        return
    async with _local_stack() as infra:
        yield infra


async def _running_local_stack() -> Infra | None:
    from tradeflow_devstack.layout import layout
    from tradeflow_devstack.postgres import admin_url
    from tradeflow_devstack.waiting import port_open

    local = layout()
    if await port_open("127.0.0.1", local.kafka_port) and await port_open("127.0.0.1", local.postgres_port):
        return Infra(f"127.0.0.1:{local.kafka_port}", admin_url(local))
    return None


@asynccontextmanager
async def _local_stack() -> AsyncIterator[Infra]:
    from tradeflow_devstack.layout import layout
    from tradeflow_devstack.stack import Stack

    stack = Stack(layout(), echo=False)
    try:
        env = await stack.up(with_services=False)
        yield Infra(env["KAFKA_BOOTSTRAP_SERVERS"], env["TRADEFLOW_POSTGRES_URL"])
    finally:
        await stack.down()


@asynccontextmanager
async def _containers() -> AsyncIterator[Infra]:
    if shutil.which("docker") is None:
        raise RuntimeError("TRADEFLOW_TEST_STACK=containers needs Docker; this machine has none")
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    from tradeflow_kit.topics import ensure_topics

    kafka_container = KafkaContainer("apache/kafka:4.1.1").with_kraft()
    with PostgresContainer("postgres:16-alpine", driver=None) as pg, kafka_container as kafka:
        url = pg.get_connection_url().rsplit("/", 1)[0]
        infra = Infra(kafka.get_bootstrap_server(), url)
        await ensure_topics(infra.kafka_bootstrap, all_topics())
        yield infra
