"""What one running simulator holds: its settings, its book and its webhook deliveries."""

from dataclasses import dataclass, field

from fastapi import Request

from tradeflow_simulators.psp.ledger import Ledger
from tradeflow_simulators.psp.settings import PspSimSettings
from tradeflow_simulators.webhooks import WebhookDispatcher


@dataclass
class RefundFailures:
    """A test switch: the next `count` refund requests fail — refused (`declined`: the provider
    says no, 422) or answered 503 (`unavailable`: try again later). In memory: a restart clears it."""

    count: int = 0
    mode: str = "declined"

    def take(self) -> str | None:
        """The failure the next refund meets, if one is still armed."""
        if self.count <= 0:
            return None
        self.count -= 1
        return self.mode


@dataclass
class PspState:
    settings: PspSimSettings
    ledger: Ledger
    webhooks: WebhookDispatcher | None = None  # exists while the app runs (it owns an HTTP client)
    refund_failures: RefundFailures = field(default_factory=RefundFailures)

    @property
    def dispatcher(self) -> WebhookDispatcher:
        if self.webhooks is None:
            raise RuntimeError("the simulator is not running (its lifespan has not started)")
        return self.webhooks


def psp_state(request: Request) -> PspState:
    return request.app.state.psp
