"""A served app stops within its deadline: one whose shutdown hangs is stopped by force and the
stop fails loudly (TimeoutError) instead of waiting for ever."""

import asyncio
import time
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI

from tradeflow_simulators.serving import serving


def _app(shutdown_done: asyncio.Event) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        await shutdown_done.wait()  # a shutdown that hangs until the test lets it end

    app = FastAPI(lifespan=lifespan)
    app.get("/ping")(lambda: {"ok": True})
    return app


async def test_an_app_whose_shutdown_hangs_is_stopped_by_force_within_the_deadline():
    released = asyncio.Event()
    started = time.monotonic()
    async with httpx.AsyncClient() as http:  # its keep-alive connection still open while the app stops
        with pytest.raises(TimeoutError, match=r"did not stop within 0\.5 s"):
            async with serving(_app(released), stop_seconds=0.5) as url:
                assert (await http.get(f"{url}/ping")).json() == {"ok": True}
                started = time.monotonic()
    released.set()
    assert time.monotonic() - started < 5


async def test_an_app_that_shuts_down_stops_at_once_with_a_client_still_connected():
    released = asyncio.Event()
    released.set()
    async with httpx.AsyncClient() as http:
        async with serving(_app(released), stop_seconds=5) as url:
            assert (await http.get(f"{url}/ping")).status_code == 200
            started = time.monotonic()
    assert time.monotonic() - started < 2.5
