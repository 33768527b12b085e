"""One payment attempt at the provider and its state machine.

    pending ──succeed──▶ succeeded
    pending ──fail─────▶ failed
    pending ──expire───▶ expired ──succeed──▶ succeeded   (late capture)

Expiry is our view (the order's payment closed); the provider is the authority on money. If it
reports a success for an expired attempt, the money was taken: the attempt becomes succeeded so
that the money is never lost, and the order saga refunds it.

Besides its webhooks, the provider answers status queries (`ProviderState`). What it last said
is kept on the attempt (`provider_state`, `provider_checked_at`): an expired attempt whose
final state the provider has not confirmed is asked again by the reconciliation job.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tradeflow_payment.domain.errors import IllegalTransition


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"


class ProviderState(StrEnum):
    """An attempt's state as the provider reports it; UNKNOWN: it does not know the attempt (404)."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"

    @property
    def is_final(self) -> bool:
        """Nothing can change at the provider any more (no money can still arrive)."""
        return self is not ProviderState.PENDING


class Trigger(StrEnum):
    SUCCEED = "succeed"
    FAIL = "fail"
    EXPIRE = "expire"


TRANSITIONS: dict[tuple[PaymentStatus, Trigger], PaymentStatus] = {
    (PaymentStatus.PENDING, Trigger.SUCCEED): PaymentStatus.SUCCEEDED,
    (PaymentStatus.PENDING, Trigger.FAIL): PaymentStatus.FAILED,
    (PaymentStatus.PENDING, Trigger.EXPIRE): PaymentStatus.EXPIRED,
    (PaymentStatus.EXPIRED, Trigger.SUCCEED): PaymentStatus.SUCCEEDED,
}

ALREADY_RECORDED: frozenset[tuple[PaymentStatus, Trigger]] = frozenset({
    (PaymentStatus.SUCCEEDED, Trigger.SUCCEED),
    (PaymentStatus.FAILED, Trigger.FAIL),
    (PaymentStatus.EXPIRED, Trigger.FAIL),  # it ended without money either way
})
"""Provider reports that only repeat what the attempt already says: acknowledged, no change."""


@dataclass
class Payment:
    id: str
    order_id: str
    amount: int
    currency: str
    created_at: datetime
    status: PaymentStatus = PaymentStatus.PENDING
    psp_reference: str | None = None
    pay_url: str | None = None
    settled_at: datetime | None = None
    failure_reason: str | None = None
    provider_state: ProviderState | None = None  # what the provider last said (webhook or query)
    provider_checked_at: datetime | None = None

    def apply(self, trigger: Trigger, at: datetime, reason: str | None = None) -> None:
        """Move along the transition table; any other move raises IllegalTransition."""
        target = TRANSITIONS.get((self.status, trigger))
        if target is None:
            raise IllegalTransition(f"payment {self.id} is {self.status}: it cannot {trigger}")
        self.status, self.settled_at = target, at
        self.failure_reason = reason if target is not PaymentStatus.SUCCEEDED else None

    def already_shows(self, trigger: Trigger) -> bool:
        return (self.status, trigger) in ALREADY_RECORDED

    @property
    def succeeded(self) -> bool:
        return self.status is PaymentStatus.SUCCEEDED
