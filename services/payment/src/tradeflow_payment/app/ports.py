"""What the use cases need from the outside, named by role; adapters implement them."""

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from tradeflow_contracts.registry import Contract
from tradeflow_kit.notices import Notices
from tradeflow_kit.system import Clock, IdGenerator
from tradeflow_payment.domain.payable import Payable, ProviderReport
from tradeflow_payment.domain.refunds import RefundBackoff


class PayableRepository(Protocol):
    async def get(self, order_id: str, *, lock: bool = False) -> Payable | None:
        """The order's payable with its payments and refunds; `lock` holds it until the transaction ends."""

    async def order_of_payment(self, payment_id: str) -> str | None: ...

    async def order_of_psp_reference(self, psp_reference: str) -> str | None: ...

    async def add(self, payable: Payable) -> None:
        """Store a new payable; fails if the order has one already. Its `PayableNotices` watchers
        (in every process) are woken when the transaction commits."""

    async def save(self, payable: Payable) -> None:
        """Store the payable's changes (its status, new or changed payments, new refunds)."""

    async def claim_for_reconciliation(self, criteria: "ReconcileCriteria") -> str | None:
        """An order whose attempts need asking the provider (see ReconcileCriteria), locked until
        the transaction ends; payables another transaction holds are skipped (SKIP LOCKED)."""

    async def claim_for_refund_retry(self, now: datetime) -> str | None:
        """An order with a pending refund due at `now` (`next_attempt_at` passed), locked until the
        transaction ends; payables another transaction holds are skipped (SKIP LOCKED)."""

    async def late_capture_orders(self, limit: int) -> list[str]:
        """Orders with a succeeded attempt although their payment was closed, latest first."""


@dataclass(frozen=True)
class ReconcileCriteria:
    """Which attempts the reconciliation job asks the provider about, at `now`:
    pending ones created before `pending_before`, and expired ones created after `expired_since`
    whose final state the provider has not confirmed; none checked after `checked_before`."""

    pending_before: datetime
    expired_since: datetime
    checked_before: datetime


class ProviderCallbackLog(Protocol):
    async def first_time(self, event_id: str, type_: str, psp_reference: str) -> bool:
        """Record the provider's event as handled in the open transaction; False if it was before."""


class PaymentTransaction(Protocol):
    """One database transaction: the repositories in it and the messages it publishes on commit."""

    @property
    def payables(self) -> PayableRepository: ...

    @property
    def callbacks(self) -> ProviderCallbackLog: ...

    async def publish(self, message: Contract, *, key: str) -> None:
        """Publish when (and only if) the transaction commits (transactional outbox)."""


PayableNotices = Notices  # a payable for the order was added and committed, by any replica: watch(order_id)


class Transactions(Protocol):
    def begin(self) -> AbstractAsyncContextManager[PaymentTransaction]:
        """A new transaction: committed when the block ends normally, rolled back otherwise."""

    def read(self) -> AbstractAsyncContextManager[PaymentTransaction]:
        """A transaction for reading only: rolled back, never committed."""


@dataclass(frozen=True)
class ProviderPayment:
    psp_reference: str
    pay_url: str


@dataclass(frozen=True)
class ProviderRefund:
    psp_reference: str


class ProviderRefused(Exception):
    """The provider answered and said no; asking again the same way will not change that."""


class ProviderUnavailable(Exception):
    """The provider could not be reached or failed; the same request may succeed later."""


class PaymentProvider(Protocol):
    """The payment service provider (PSP) that collects and refunds the money."""

    async def open_payment(self, *, merchant_reference: str, amount: int, currency: str,
                           notify_url: str) -> ProviderPayment:
        """A new payment the buyer completes at the provider; the outcome arrives at `notify_url`."""

    async def refund(self, *, psp_reference: str, amount: int, refund_reference: str) -> ProviderRefund:
        """Refund part of a captured payment; the same `refund_reference` again makes no second refund."""

    async def payment_status(self, psp_reference: str) -> ProviderReport:
        """The attempt's state at the provider (UNKNOWN if it does not know it)."""

    async def cancel_payment(self, psp_reference: str) -> ProviderReport:
        """Close an undecided attempt at the provider so the buyer can no longer pay it; if it was
        decided first (a success wins the race), the report says so."""


@dataclass(frozen=True)
class Collaborators:
    """The outside parts the use cases share, built once in the composition root."""

    provider: PaymentProvider
    clock: Clock
    ids: IdGenerator
    notify_url: str  # where the provider sends its callbacks (through the gateway)
    refund_backoff: RefundBackoff = field(default_factory=RefundBackoff)  # when an unreachable provider is asked again
