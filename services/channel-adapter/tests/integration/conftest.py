"""Channel-adapter integration fixtures (the parts are in `channel_adapter_world` and
`channel_adapter_market`): a migrated database of its own per test, the service on it, and the
marketplace simulator on a real local port."""

import pytest

from tradeflow_testing.migrations import migrate_to_head

from .channel_adapter_market import market_simulator
from .channel_adapter_world import channel_adapter


@pytest.fixture
async def channel_adapter_database_url(fresh_database_url):
    await migrate_to_head("channel-adapter", fresh_database_url)
    return fresh_database_url


@pytest.fixture
async def world(channel_adapter_database_url):
    async with channel_adapter(channel_adapter_database_url) as w:
        yield w


@pytest.fixture
async def market():
    async with market_simulator() as m:
        yield m
