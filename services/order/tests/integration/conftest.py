"""Order integration fixtures: a migrated database of its own per test, the HTTP service on it."""

import pytest

from tradeflow_testing.migrations import migrate_to_head

from .http_support import order_service


@pytest.fixture
async def order_database_url(fresh_database_url):
    await migrate_to_head("order", fresh_database_url)
    return fresh_database_url


@pytest.fixture
async def orders(order_database_url):
    """An HTTP client on the order service with its default settings."""
    async for client in order_service(order_database_url):
        yield client


@pytest.fixture
async def capped_orders(order_database_url):
    """The order service with ORDER_MAX_UNPAID_UNITS_PER_SKU = 10."""
    async for client in order_service(order_database_url, max_unpaid_units_per_sku=10):
        yield client
