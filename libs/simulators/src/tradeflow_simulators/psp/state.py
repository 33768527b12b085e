"""What one running simulator holds: its settings, its book and its webhook deliveries."""

from dataclasses import dataclass

from fastapi import Request

from tradeflow_simulators.psp.ledger import Ledger
from tradeflow_simulators.psp.settings import PspSimSettings
from tradeflow_simulators.webhooks import WebhookDispatcher


@dataclass
class PspState:
    settings: PspSimSettings
    ledger: Ledger
    webhooks: WebhookDispatcher | None = None  # exists while the app runs (it owns an HTTP client)

    @property
    def dispatcher(self) -> WebhookDispatcher:
        if self.webhooks is None:
            raise RuntimeError("the simulator is not running (its lifespan has not started)")
        return self.webhooks


def psp_state(request: Request) -> PspState:
    return request.app.state.psp
