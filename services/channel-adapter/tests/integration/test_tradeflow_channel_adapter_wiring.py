"""The service is wired in the one shape: its domain errors are permanent, its routes get their
transactions (the unit of work's outbox is tested once, in the kit)."""

from tradeflow_channel_adapter.api.wiring import ChannelAdapterApi
from tradeflow_channel_adapter.bootstrap import build_app
from tradeflow_channel_adapter.domain.errors import ChannelAdapterError
from tradeflow_channel_adapter.settings import Settings
from tradeflow_testing.service_shape import UNREACHABLE_DATABASE, assert_wired


async def test_the_app_dead_letters_its_domain_errors_at_once_and_gives_routes_transactions():
    await assert_wired(build_app(Settings(database_url=UNREACHABLE_DATABASE)), ChannelAdapterError, ChannelAdapterApi)
