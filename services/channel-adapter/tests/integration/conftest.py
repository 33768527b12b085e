"""Channel-adapter integration fixtures (the parts are in `channel_adapter_world`,
`channel_adapter_market` and `tradeflow_testing.bus`): a migrated database of its own per test, the
service on it, the marketplace simulator on a real local port, and the service's consumer of
fulfillment.events on the real broker."""

import pytest

from tradeflow_channel_adapter.adapters.sqla_transaction import SqlaChannelAdapterTransaction
from tradeflow_channel_adapter.adapters.tables import inbox
from tradeflow_channel_adapter.app.handlers import message_handlers
from tradeflow_channel_adapter.domain.errors import ChannelAdapterError
from tradeflow_contracts.fulfillment import EVENTS as FULFILLMENT_EVENTS
from tradeflow_testing.bus import consuming
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


@pytest.fixture
async def fulfillment_events(world, infra, new_topic):
    """`world`'s handlers of fulfillment.events consuming a stand-in on the real broker (`Bus.send`)."""
    handlers = message_handlers(SqlaChannelAdapterTransaction.for_message, world.c)
    async with consuming(world.app.state.runtime, infra.kafka_bootstrap, handlers,
                         {FULFILLMENT_EVENTS: await new_topic(partitions=1)}, inbox=inbox,
                         domain_errors=(ChannelAdapterError,), name="channel-adapter") as bus:
        yield bus
