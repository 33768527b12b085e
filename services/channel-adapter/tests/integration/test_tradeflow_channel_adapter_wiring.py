"""The service is wired in the one shape: its domain errors are permanent, its routes get their
transactions (the unit of work's outbox is tested once, in the kit); its HTTP client of the
channels is closed when the service stops."""

from tradeflow_channel_adapter.api.wiring import ChannelAdapterApi
from tradeflow_channel_adapter.bootstrap import build_app
from tradeflow_channel_adapter.domain.errors import ChannelAdapterError
from tradeflow_channel_adapter.settings import Settings
from tradeflow_testing.service_shape import UNREACHABLE_DATABASE, assert_wired


async def test_the_app_dead_letters_its_domain_errors_at_once_and_gives_routes_transactions():
    await assert_wired(build_app(Settings(database_url=UNREACHABLE_DATABASE)), ChannelAdapterError, ChannelAdapterApi)


async def test_the_channels_http_client_is_closed_when_the_service_stops(channel_adapter_database_url, infra):
    app = build_app(Settings(database_url=channel_adapter_database_url, poll_seconds=0.1,
                             KAFKA_BOOTSTRAP_SERVERS=infra.kafka_bootstrap))
    client = app.state.channel_calls.client

    async with app.router.lifespan_context(app):
        open_while_serving = not client.is_closed

    assert open_while_serving and client.is_closed
