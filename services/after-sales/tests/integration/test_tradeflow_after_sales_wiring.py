"""The service is wired in the one shape: its domain errors are permanent, its routes get their
transactions (the unit of work's outbox is tested once, in the kit)."""

from tradeflow_after_sales.api.wiring import AfterSalesApi
from tradeflow_after_sales.bootstrap import build_app
from tradeflow_after_sales.domain.errors import AfterSalesError
from tradeflow_after_sales.settings import Settings
from tradeflow_testing.service_shape import UNREACHABLE_DATABASE, assert_wired


async def test_the_app_dead_letters_its_domain_errors_at_once_and_gives_routes_transactions():
    await assert_wired(build_app(Settings(database_url=UNREACHABLE_DATABASE)), AfterSalesError, AfterSalesApi)
