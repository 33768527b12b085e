"""Channel-adapter integration fixtures (the parts are in `channel_adapter_world`,
`channel_adapter_market` and `channel_adapter_bus`): a migrated database of its own per test, the
service on it, the marketplace simulator on a real local port, and the service's consumer of
fulfillment.events on the real broker."""

import pytest

from tradeflow_contracts.fulfillment import EVENTS as FULFILLMENT_EVENTS
from tradeflow_testing.migrations import migrate_to_head

from .channel_adapter_bus import consuming
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


@pytest.fixture
async def fulfillment_events(world, infra, new_topic):
    """`world` consuming a stand-in for fulfillment.events on the real broker (`Bus.send`)."""
    async with consuming(world, infra.kafka_bootstrap, FULFILLMENT_EVENTS, await new_topic(partitions=1)) as bus:
        yield bus
