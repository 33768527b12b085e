import uuid

import httpx
import pytest

from tradeflow_testing.migrations import migrate_to_head

from .psp_stack import Stack, psp_stack
from .support import FakeProvider, FixedClock, payment_service


@pytest.fixture
async def database_url(fresh_database_url):
    await migrate_to_head("payment", fresh_database_url)
    return fresh_database_url


@pytest.fixture
def provider() -> FakeProvider:
    return FakeProvider()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
async def service(database_url, provider, clock):
    """The service with a fake provider and a fixed clock."""
    async with payment_service(database_url, provider=provider, clock=clock) as app:
        yield app


@pytest.fixture
async def http(service):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=service), base_url="http://payment") as client:
        yield client


@pytest.fixture
def order_id() -> str:
    return f"order-{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def stack(database_url, tmp_path) -> Stack:
    """The service and the PSP simulator on real local ports (psp_stack.py)."""
    async with psp_stack(database_url, str(tmp_path / "psp.sqlite3")) as running:
        yield running
