"""What a running warehouse or carrier simulator holds besides its book: the outbox of its
webhooks (in memory, sent by the shared dispatcher to the configured callback URL), its
auto-advance mode, and an HTTP client — all started and stopped with the app's lifespan."""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import httpx

from tradeflow_simulators.autopilot import Autopilot
from tradeflow_simulators.deliveries import MemoryDeliveries, Notice, announce
from tradeflow_simulators.settings import ReportingSimulatorSettings
from tradeflow_simulators.signing import SignatureScheme
from tradeflow_simulators.webhooks import Delivery, WebhookDispatcher


class SimulatorRuntime:
    """Subclasses say what one auto-mode step does (`auto_step`)."""

    def __init__(self, settings: ReportingSimulatorSettings, scheme: SignatureScheme) -> None:
        self.settings, self.scheme = settings, scheme
        self.deliveries = MemoryDeliveries()
        self.autopilot = Autopilot(self.auto_step, auto=settings.auto, step_seconds=settings.step_seconds)
        self._client: httpx.AsyncClient | None = None
        self._webhooks: WebhookDispatcher | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("the simulator is not running (its lifespan has not started)")
        return self._client

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=self.settings.webhook_timeout_seconds) as client:
            self._client = client
            self._webhooks = WebhookDispatcher(self.deliveries, client, self.settings.webhook_secret.get_secret_value(),
                                               self.scheme, self.settings.retry_policy)
            self._webhooks.start()
            self.autopilot.start()
            try:
                yield
            finally:
                await self.autopilot.aclose()
                await self._webhooks.aclose()
                await self.stopping()
                self._client = self._webhooks = None

    def report(self, notices: Iterable[Notice], *, duplicate: bool = False,
               out_of_order: bool = False) -> list[Delivery]:
        """Send the events to the callback URL (signed, retried, in order unless `out_of_order`)."""
        if self._webhooks is None:
            raise RuntimeError("the simulator is not running (its lifespan has not started)")
        return announce(self._webhooks, self.settings.callback_url, notices, duplicate=duplicate,
                        out_of_order=out_of_order)

    async def auto_step(self) -> None:
        raise NotImplementedError

    async def stopping(self) -> None:
        """Finish the subclass's own background work at shutdown."""
