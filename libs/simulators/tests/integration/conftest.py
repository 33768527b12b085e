"""A callback endpoint standing for our fulfillment service, on a real port, and the warehouse and
carrier simulators on real ports sending their webhooks to it."""

import json

import pytest
from fastapi import FastAPI, Request, Response
from simulator_calls import API_KEY, FAST_RETRIES, TMS_SECRET, WMS_SECRET, client

from tradeflow_simulators import tms, wms
from tradeflow_simulators.serving import serving


class Receiver:
    """Fails its first `failures` calls (503), then records each webhook: (raw body, headers)."""

    def __init__(self) -> None:
        self.failures, self.calls, self.received = 0, 0, []
        self.url = ""
        self.app = FastAPI()
        self.app.post("/callbacks")(self.callback)

    async def callback(self, request: Request) -> Response:
        self.calls += 1
        if self.calls <= self.failures:
            return Response(status_code=503)
        self.received.append((await request.body(), dict(request.headers)))
        return Response(status_code=200)

    def events(self, **where) -> list[dict]:
        """The events received (those whose fields equal `where`), in arrival order."""
        events = [json.loads(body) for body, _ in self.received]
        return [e for e in events if all(e.get(k) == v for k, v in where.items())]


@pytest.fixture
async def receiver():
    receiver = Receiver()
    async with serving(receiver.app) as url:
        receiver.url = f"{url}/callbacks"
        yield receiver


@pytest.fixture
async def wms_sim(receiver):
    settings = wms.WmsSimSettings(api_key=API_KEY, webhook_secret=WMS_SECRET, callback_url=receiver.url,
                                  **FAST_RETRIES)
    async with serving(wms.create_app(settings)) as url, client(url) as http:
        yield http


@pytest.fixture
async def tms_sim(receiver):
    settings = tms.TmsSimSettings(api_key=API_KEY, webhook_secret=TMS_SECRET, callback_url=receiver.url,
                                  **FAST_RETRIES)
    async with serving(tms.create_app(settings)) as url, client(url) as http:
        yield http
