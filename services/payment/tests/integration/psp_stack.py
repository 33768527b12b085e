"""The service and the PSP simulator, each on a real local port, speaking real HTTP: the service
calls the simulator's API with its key, the simulator calls back with signed webhooks. The
service's lifespan is not run (no Kafka): what it publishes is read from its outbox."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from tradeflow_payment.adapters.http_payment_provider import HttpPaymentProvider
from tradeflow_payment.app.ports import PaymentProvider
from tradeflow_payment.settings import Settings
from tradeflow_simulators.psp import PspSimSettings, create_app
from tradeflow_simulators.serving import RestartableServer, bound_socket, serving, url_of

from .support import payment_service


class Simulator(RestartableServer):
    """The PSP simulator on a fixed local port with its own book file; it can be stopped and
    started again (a restart: same port, same file)."""

    def __init__(self, data_file: str) -> None:
        super().__init__(lambda: create_app(self.settings))
        self.settings = PspSimSettings(public_url=self.url, webhook_backoff_seconds=0.05,
                                       webhook_max_backoff_seconds=0.2, data_file=data_file)


@dataclass
class Stack:
    app: FastAPI
    http: httpx.AsyncClient  # the payment service
    psp: httpx.AsyncClient  # the simulator
    sim: Simulator


@asynccontextmanager
async def psp_stack(database_url: str, data_file: str,
                    wrap: Callable[[PaymentProvider], PaymentProvider] | None = None) -> AsyncIterator[Stack]:
    """Both running; `wrap` may put the service's provider client (the real one, to the
    simulator) behind a test double."""
    sim, service_socket = Simulator(data_file), bound_socket()
    service_url = url_of(service_socket)
    settings = Settings(database_url=database_url, psp_base_url=sim.url, psp_timeout_seconds=3,
                        public_callback_url=f"{service_url}/payments/psp/callbacks")
    client = HttpPaymentProvider(sim.url, settings.psp_api_key.get_secret_value(), 3) if wrap else None
    build = {"provider": wrap(client)} if wrap else {}
    await sim.start()
    try:
        async with (payment_service(database_url, settings=settings, **build) as app,
                    serving(app, sock=service_socket, lifespan="off"),
                    httpx.AsyncClient(base_url=service_url) as http, httpx.AsyncClient(base_url=sim.url) as psp):
            yield Stack(app, http, psp, sim)
    finally:
        await sim.stop()
        if client is not None:
            await client.aclose()
