"""The service with the REAL warehouse and carrier simulators, each on a real local port, speaking
real HTTP: the service calls their APIs with its keys, they call back with signed webhooks.

The service runs on its own database without its lifespan (no Kafka: what it publishes is read
from its outbox) and without its background dispatcher: a test runs dispatch rounds itself, with
a clock of its choosing (`Stack.dispatch`). Callbacks are checked against the real time (the
simulators sign with it). The warehouse simulator can be stopped and started again on its port.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from tradeflow_fulfillment.adapters.http_carriers import HttpCarriers
from tradeflow_fulfillment.adapters.http_warehouse import HttpWarehouse
from tradeflow_fulfillment.app.dispatch_shipments import DispatchPolicy, dispatch_due
from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_fulfillment.app.ports import Logistics
from tradeflow_fulfillment.bootstrap import build_app
from tradeflow_fulfillment.settings import Settings
from tradeflow_simulators import tms, wms
from tradeflow_simulators.serving import RestartableServer, bound_socket, serving, url_of
from tradeflow_testing.access import bearer
from tradeflow_testing.polling import poll_until

from .conftest import SETTINGS, order_paid, published

STAFF = bearer("staff-1", "staff")
WINDOW = timedelta(seconds=SETTINGS["merge_window_seconds"])
FAST = {"webhook_backoff_seconds": 0.05, "webhook_max_backoff_seconds": 0.2}
POLICY = DispatchPolicy(batch=50, lease=timedelta(seconds=30), first_backoff=timedelta(seconds=5))


class ShiftedClock:
    """The real time, `shift` ahead (a dispatcher looking past the merge window)."""

    def __init__(self, shift: timedelta = timedelta(0)) -> None:
        self.shift = shift

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift


class Counting(httpx.AsyncBaseTransport):
    """A real HTTP transport that notes each request: (method, path)."""

    def __init__(self) -> None:
        self.inner, self.requests = httpx.AsyncHTTPTransport(), []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


Simulator = RestartableServer  # a simulator app on a fixed local port, stopped and started again on it


@dataclass
class Replica:
    """A dispatcher as one replica runs it: its own HTTP clients, counting their requests."""

    logistics: Logistics
    wms_calls: Counting
    tms_calls: Counting


@dataclass
class Stack:
    app: FastAPI
    http: httpx.AsyncClient  # the fulfillment service
    wms: httpx.AsyncClient  # the warehouse simulator (control API)
    tms: httpx.AsyncClient  # the carrier simulator (control API)
    wms_sim: Simulator
    settings: Settings
    replicas: list[Replica] = field(default_factory=list)

    def replica(self) -> Replica:
        wms_calls, tms_calls = Counting(), Counting()
        key = self.settings.wms_api_key.get_secret_value(), self.settings.tms_api_key.get_secret_value()
        replica = Replica(Logistics(HttpWarehouse(self.settings.wms_url, key[0], 2, wms_calls),
                                    HttpCarriers(self.settings.tms_url, key[1], 2, tms_calls)), wms_calls, tms_calls)
        self.replicas.append(replica)
        return replica

    async def plan(self, order_id: str, *subs, **kw) -> list[str]:
        """order.paid for the order, planned now: the ids of the shipments holding it."""
        transactions, _, _, _ = self.app.state.dispatcher
        async with transactions.begin() as tx:
            await plan_fulfillment(tx, order_paid(order_id, *subs, **kw), self.app.state.api.collaborators)
        return [s["id"] for s in (await self.http.get(f"/fulfillment/shipments?order_id={order_id}",
                                                      headers=STAFF)).json()["items"]]

    async def dispatch(self, shift: timedelta = WINDOW + timedelta(seconds=1), replica: Replica | None = None) -> int:
        """One dispatch round, `shift` ahead of now (by default: past the merge window)."""
        transactions, logistics, _, _ = self.app.state.dispatcher
        return await dispatch_due(transactions, replica.logistics if replica else logistics, ShiftedClock(shift),
                                  POLICY)

    async def shipment(self, shipment_id: str) -> dict:
        response = await self.http.get(f"/fulfillment/shipments/{shipment_id}", headers=STAFF)
        assert response.status_code == 200, response.text
        return response.json()

    async def wait_status(self, shipment_id: str, status: str) -> dict:
        return await poll_until(lambda: self.shipment(shipment_id), lambda s: s["status"] == status, 10,
                                f"shipment {shipment_id} {status}")

    async def delivered(self, sim: httpx.AsyncClient, **subject) -> list[dict]:
        """The simulator's webhooks about the subject, once none is pending any more."""
        async def deliveries() -> list[dict]:
            return (await sim.get("/sim/webhooks", params=subject)).json()["items"]
        return await poll_until(deliveries, lambda items: items and all(d["state"] != "pending" for d in items), 10,
                                f"webhooks about {subject} delivered")

    async def messages(self, type_: str) -> list[tuple[str, dict]]:
        """(key, payload) of the outbox messages of `type_`, oldest first."""
        rows = await published(self.app.state.runtime.sessions)
        return [(key, payload) for _, key, kind, payload in rows if kind == type_]


def answers(deliveries: list[dict]) -> list[tuple[str, int | None]]:
    """(event type, the status code of our last answer) of each delivery, in the order queued."""
    return [(d["type"], d["attempts"][-1]["status_code"]) for d in deliveries]


@pytest.fixture(name="stack")
async def simulated_stack(database_url):
    service_socket = bound_socket()
    service_url = url_of(service_socket)
    tms_settings = tms.TmsSimSettings(callback_url=f"{service_url}/fulfillment/tms/callbacks", **FAST)
    async with serving(tms.create_app(tms_settings)) as tms_url:
        wms_sim = Simulator(lambda: wms.create_app(wms.WmsSimSettings(
            callback_url=f"{service_url}/fulfillment/wms/callbacks", carrier_url=tms_url, **FAST)))
        settings = Settings(database_url=database_url, wms_url=wms_sim.url, tms_url=tms_url, dispatch_enabled=False,
                            outside_timeout_seconds=2, dispatch_lease_seconds=30, **SETTINGS)
        app, replicas = build_app(settings), []
        await wms_sim.start()
        try:
            async with (serving(app, sock=service_socket, lifespan="off"),
                        httpx.AsyncClient(base_url=service_url) as http,
                        httpx.AsyncClient(base_url=wms_sim.url) as wms_http,
                        httpx.AsyncClient(base_url=tms_url) as tms_http):
                yield Stack(app, http, wms_http, tms_http, wms_sim, settings, replicas)
        finally:
            await wms_sim.stop()
            for logistics in (app.state.dispatcher[1], *(r.logistics for r in replicas)):
                await logistics.warehouse.aclose()
                await logistics.carriers.aclose()
            await app.state.runtime.stop()
