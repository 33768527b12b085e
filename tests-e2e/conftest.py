import os

import httpx
import pytest
from platform_client import Platform, unique

PRICE_A, PRICE_B = 1000, 500  # the `skus` fixture's catalog prices (CNY minor units)
SIMULATOR_LIMITS = httpx.Limits(keepalive_expiry=2)
"""The simulators (uvicorn) close a connection idle for 5 s: a client keeping it longer may send on a
connection being closed and read a reset (httpx.ReadError) — so their clients let it go after 2 s."""


def simulator(url_variable: str, port: int, timeout: float = 15) -> httpx.AsyncClient:
    url = os.environ.get(url_variable, f"http://127.0.0.1:{port}")
    return httpx.AsyncClient(base_url=url, timeout=timeout, limits=SIMULATOR_LIMITS)


def pytest_configure(config):
    config.addinivalue_line("markers", "serial: changes what every test shares (kills a part of the stack, arms a "
                                       "simulator's global switch, calls every staff route): `make test` runs these "
                                       "alone, after the e2e tests that run side by side")


@pytest.fixture
async def platform(gateway_url):
    async with httpx.AsyncClient(base_url=gateway_url, timeout=15) as client, \
            simulator("TRADEFLOW_PSP_SIMULATOR_URL", 8190) as psp:
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
    async with simulator("TRADEFLOW_WMS_SIMULATOR_URL", 8191) as client:
        yield client


@pytest.fixture
async def tms():
    """The carriers' (TMS) simulator: its control API (`/sim/...`) and provider API (`/tms/...`)."""
    async with simulator("TRADEFLOW_TMS_SIMULATOR_URL", 8192) as client:
        yield client


@pytest.fixture
async def market():
    """The market simulator (two marketplace shops and the shops tests add): its control API
    (`/sim/market/...`) and the shops' own APIs (`/<shop>/api/...`)."""
    async with simulator("TRADEFLOW_MARKET_SIMULATOR_URL", 8193, timeout=30) as client:
        yield client
