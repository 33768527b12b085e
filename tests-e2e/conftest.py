import os

import httpx
import pytest
from platform_client import Platform


@pytest.fixture
async def platform(gateway_url):
    psp_url = os.environ.get("TRADEFLOW_PSP_SIMULATOR_URL", "http://127.0.0.1:8190")
    async with httpx.AsyncClient(base_url=gateway_url, timeout=15) as client, \
            httpx.AsyncClient(base_url=psp_url, timeout=15) as psp:
        yield Platform(client, psp)
