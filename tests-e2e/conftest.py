import os

import httpx
import pytest
from platform_client import Platform, unique

PRICE_A, PRICE_B = 1000, 500  # the `skus` fixture's catalog prices (CNY minor units)


@pytest.fixture
async def platform(gateway_url):
    psp_url = os.environ.get("TRADEFLOW_PSP_SIMULATOR_URL", "http://127.0.0.1:8190")
    async with httpx.AsyncClient(base_url=gateway_url, timeout=15) as client, \
            httpx.AsyncClient(base_url=psp_url, timeout=15) as psp:
        yield Platform(client, psp)


@pytest.fixture
async def skus(platform):
    """Two fresh SKUs with 10 units each in one warehouse, in the catalog: A of merchant m1 at
    PRICE_A, B of merchant m2 at PRICE_B (weightless; m1 and m2 have no freight template, so
    their orders ship free)."""
    a, b, warehouse = unique("SKU-A"), unique("SKU-B"), unique("WH")
    await platform.catalog(a, "m1", PRICE_A)
    await platform.catalog(b, "m2", PRICE_B)
    await platform.stock(a, warehouse, 10)
    await platform.stock(b, warehouse, 10)
    return a, b


@pytest.fixture
async def wms():
    """The warehouse (WMS) simulator: its control API (`/sim/...`) and provider API (`/wms/...`)."""
    async with httpx.AsyncClient(base_url=os.environ.get("TRADEFLOW_WMS_SIMULATOR_URL", "http://127.0.0.1:8191"),
                                 timeout=15) as client:
        yield client


@pytest.fixture
async def tms():
    """The carriers' (TMS) simulator: its control API (`/sim/...`) and provider API (`/tms/...`)."""
    async with httpx.AsyncClient(base_url=os.environ.get("TRADEFLOW_TMS_SIMULATOR_URL", "http://127.0.0.1:8192"),
                                 timeout=15) as client:
        yield client


@pytest.fixture
async def market():
    """The market simulator (two marketplace shops and the shops tests add): its control API
    (`/sim/market/...`) and the shops' own APIs (`/<shop>/api/...`)."""
    async with httpx.AsyncClient(base_url=os.environ.get("TRADEFLOW_MARKET_SIMULATOR_URL", "http://127.0.0.1:8193"),
                                 timeout=30) as client:
        yield client
