import pytest
from sqlalchemy import MetaData

from tradeflow_kit.db import create_engine, session_factory
from tradeflow_kit.idempotency import IdempotencyStore, idempotency_table
from tradeflow_kit.problems import Problem

metadata = MetaData()
table = idempotency_table(metadata)


@pytest.fixture
async def store_and_sessions(fresh_database_url):
    engine = create_engine(fresh_database_url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield IdempotencyStore(table), session_factory(engine)
    await engine.dispose()


async def test_same_key_and_body_returns_the_original_response(store_and_sessions):
    store, sessions = store_and_sessions
    async with sessions.begin() as s:
        assert await store.claim(s, "POST /orders", "buyer-1", "k1", {"a": 1}) is None
        await store.remember(s, "POST /orders", "buyer-1", "k1", 201, {"id": "o-1"})
    async with sessions.begin() as s:
        stored = await store.claim(s, "POST /orders", "buyer-1", "k1", {"a": 1})
    assert (stored.status_code, stored.body) == (201, {"id": "o-1"})


async def test_same_key_with_another_body_is_a_409(store_and_sessions):
    store, sessions = store_and_sessions
    async with sessions.begin() as s:
        await store.claim(s, "POST /orders", "buyer-1", "k2", {"a": 1})
        await store.remember(s, "POST /orders", "buyer-1", "k2", 201, {})
    with pytest.raises(Problem) as raised:
        async with sessions.begin() as s:
            await store.claim(s, "POST /orders", "buyer-1", "k2", {"a": 2})
    assert raised.value.status == 409


async def test_a_failed_request_leaves_the_key_free_and_keys_are_per_caller(store_and_sessions):
    store, sessions = store_and_sessions
    with pytest.raises(RuntimeError):
        async with sessions.begin() as s:
            await store.claim(s, "POST /orders", "buyer-1", "k3", {"a": 1})
            raise RuntimeError("the use case failed")
    async with sessions.begin() as s:
        assert await store.claim(s, "POST /orders", "buyer-1", "k3", {"a": 1}) is None
        assert await store.claim(s, "POST /orders", "buyer-2", "k3", {"a": 9}) is None


async def test_a_missing_key_is_a_400_naming_the_header(store_and_sessions):
    store, sessions = store_and_sessions
    with pytest.raises(Problem) as raised:
        async with sessions.begin() as s:
            await store.claim(s, "POST /orders", "buyer-1", None, {})
    assert raised.value.status == 400 and raised.value.errors[0]["field"] == "Idempotency-Key"
