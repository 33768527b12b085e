"""Given KAFKA_BOOTSTRAP_SERVERS / database URLs, the stack uses them and starts nothing local."""

from pathlib import Path

from tradeflow_devstack.catalog import SERVICES
from tradeflow_devstack.layout import Layout
from tradeflow_devstack.stack import Stack, asyncpg_url


def _stack(tmp_path: Path) -> Stack:
    return Stack(Layout(tmp_path), echo=False)


async def test_a_given_postgres_server_is_used_as_is(monkeypatch, tmp_path):
    monkeypatch.setenv("TRADEFLOW_POSTGRES_URL", "postgresql://u:pw@db.internal:5432")
    stack = _stack(tmp_path)
    assert await stack._postgres() == "postgresql://u:pw@db.internal:5432"
    assert stack.processes == [] and "external" in stack.endpoints["postgres"]


async def test_all_service_database_urls_given_need_no_server(monkeypatch, tmp_path):
    monkeypatch.delenv("TRADEFLOW_POSTGRES_URL", raising=False)
    for spec in SERVICES:
        monkeypatch.setenv(f"{spec.env_prefix}DATABASE_URL", f"postgresql+asyncpg://u@db/{spec.name}")
    stack = _stack(tmp_path)
    assert await stack._postgres() is None
    assert stack.processes == []


async def test_a_given_kafka_cluster_is_used_as_is(monkeypatch, tmp_path):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092")
    stack = _stack(tmp_path)
    assert await stack._kafka() == "kafka-1:9092,kafka-2:9092"
    assert stack.processes == []


def test_service_database_urls_derive_from_the_server_url():
    assert asyncpg_url("postgresql://u:pw@h:5432/", "tradeflow_order") == \
        "postgresql+asyncpg://u:pw@h:5432/tradeflow_order"
