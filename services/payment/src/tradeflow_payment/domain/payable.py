"""The Payable aggregate: what the buyer owes for one order, until when, the attempts to pay it
at the provider, and the refunds made from what was paid.

Rules:
* A zero amount (channel orders) is paid at once, without the provider.
* One attempt is pending at a time; a new one may start after a failure, until the payable is
  closed or its deadline passes, and never once the order is paid.
* Closing expires the pending attempt. A success the provider reports afterwards (late capture)
  is still recorded and announced: the money was taken, so it must not be lost — the order
  saga, which closed the payment, refunds it. The same holds for any success the provider
  confirms, because the provider is the authority on money.
* What the provider answers to a status query counts like its webhook (`apply_provider_report`):
  succeeded → the attempt succeeded (even if expired); failed, or unknown to the provider (a
  dead attempt, e.g. lost in a provider restart) → a pending attempt failed (PaymentFailed), so
  the buyer may start a new one; cancelled at the provider (as we do when closing) → a pending
  attempt expired; pending → nothing changes. Every answer is noted on the attempt.
* A refund goes back through the paid attempt that covers it, or through the one staff named
  (which must have succeeded and still cover it on its own).
* A refund is accepted as pending (counting against what may still be refunded) and announced
  only when the provider settles it: made → PaymentRefunded, refused → RefundFailed. Asked
  again with the same refund id, a settled refund's outcome is announced again, a pending one's
  is not (it has none yet). See refunds.py.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from tradeflow_payment.domain import events
from tradeflow_payment.domain.errors import (
    AlreadyPaid,
    IllegalTransition,
    PaymentDomainError,
    PaymentWindowClosed,
    ProviderNoticeMismatch,
    RefundRefused,
    UnknownProviderPayment,
)
from tradeflow_payment.domain.payment import Payment, PaymentStatus, ProviderState, Trigger
from tradeflow_payment.domain.refunds import (
    Refund,
    RefundStatus,
    paid_amount,
    payment_to_refund,
    refund_through,
    refunded_amount,
)

DECLINED = "the payment provider declined the payment"
CANCELLED_AT_PROVIDER = "cancelled at the payment provider"
_ENDED_AT_PROVIDER = {
    ProviderState.FAILED: DECLINED,
    ProviderState.UNKNOWN: "the payment provider no longer knows this payment (a dead attempt)",
}


@dataclass(frozen=True)
class ProviderReport:
    """The provider's answer to a status query about one attempt (amount and currency if it knows it)."""

    psp_reference: str
    state: ProviderState
    amount: int | None = None
    currency: str | None = None
    decided_at: datetime | None = None


@dataclass
class Payable:
    order_id: str
    buyer_id: str
    amount: int
    currency: str
    deadline: datetime
    created_at: datetime
    closed_at: datetime | None = None
    close_reason: str | None = None
    payments: list[Payment] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    _events: list[events.DomainEvent] = field(default_factory=list, init=False, repr=False, compare=False)

    @classmethod
    def open(cls, *, order_id: str, buyer_id: str, amount: int, currency: str, deadline: datetime,
             now: datetime, new_payment_id: Callable[[], str]) -> "Payable":
        if amount < 0:
            raise PaymentDomainError(f"the amount to pay cannot be negative ({amount})")
        payable = cls(order_id, buyer_id, amount, currency, deadline, created_at=now)
        if amount == 0:
            payment = Payment(new_payment_id(), order_id, 0, currency, created_at=now)
            payable.payments.append(payment)
            payable._settle(payment, Trigger.SUCCEED, now)
        return payable

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_paid(self) -> bool:
        return any(p.succeeded for p in self.payments)

    @property
    def paid_amount(self) -> int:
        return paid_amount(self.payments)

    @property
    def refunded_amount(self) -> int:
        return refunded_amount(self.refunds)

    @property
    def pending_payment(self) -> Payment | None:
        return next((p for p in self.payments if p.status is PaymentStatus.PENDING), None)

    def payment(self, payment_id: str) -> Payment | None:
        return next((p for p in self.payments if p.id == payment_id), None)

    def refund(self, refund_id: str) -> Refund | None:
        return next((r for r in self.refunds if r.id == refund_id), None)

    def has_terms(self, buyer_id: str, amount: int, currency: str) -> bool:
        return (self.buyer_id, self.amount, self.currency) == (buyer_id, amount, currency)

    def payment_to_continue(self, now: datetime) -> Payment | None:
        """The pending attempt the buyer should finish, if any; raises if the order cannot be paid now."""
        if self.is_paid:
            raise AlreadyPaid(f"order {self.order_id} is paid already")
        if self.is_closed or now >= self.deadline:
            raise PaymentWindowClosed(f"payment of order {self.order_id} is closed "
                                      f"({self.close_reason or 'its deadline passed'})")
        return self.pending_payment

    def start_payment(self, payment_id: str, psp_reference: str, pay_url: str, now: datetime) -> Payment:
        if self.payment_to_continue(now) is not None:
            raise IllegalTransition(f"order {self.order_id} has a pending payment already")
        payment = Payment(payment_id, self.order_id, self.amount, self.currency, created_at=now,
                          psp_reference=psp_reference, pay_url=pay_url)
        self.payments.append(payment)
        return payment

    def record_provider_outcome(self, psp_reference: str, trigger: Trigger, amount: int, currency: str,
                                at: datetime) -> bool:
        """Apply what the provider reports; False when the attempt already shows that outcome."""
        payment = next((p for p in self.payments if p.psp_reference == psp_reference), None)
        if payment is None:
            raise UnknownProviderPayment(f"order {self.order_id} has no payment {psp_reference}")
        if (payment.amount, payment.currency) != (amount, currency):
            raise ProviderNoticeMismatch(f"payment {payment.id} is {payment.amount} {payment.currency}, "
                                         f"the provider reports {amount} {currency}")
        payment.provider_state = ProviderState.SUCCEEDED if trigger is Trigger.SUCCEED else ProviderState.FAILED
        if payment.already_shows(trigger):
            return False
        self._settle(payment, trigger, at)
        return True

    def apply_provider_report(self, report: ProviderReport, now: datetime) -> bool:
        """Apply what the provider answered about an attempt; True if the attempt changed state."""
        payment = next((p for p in self.payments if p.psp_reference == report.psp_reference), None)
        if payment is None:
            raise UnknownProviderPayment(f"order {self.order_id} has no payment {report.psp_reference}")
        changed = False
        if report.state is ProviderState.SUCCEEDED:
            changed = self.record_provider_outcome(report.psp_reference, Trigger.SUCCEED, report.amount
                                                   if report.amount is not None else payment.amount,
                                                   report.currency or payment.currency, report.decided_at or now)
        elif report.state in _ENDED_AT_PROVIDER and payment.status is PaymentStatus.PENDING:
            payment.apply(Trigger.FAIL, now, reason=_ENDED_AT_PROVIDER[report.state])
            self._events.append(events.PaymentFailed(payment.id))
            changed = True
        elif report.state is ProviderState.CANCELLED and payment.status is PaymentStatus.PENDING:
            payment.apply(Trigger.EXPIRE, now, reason=CANCELLED_AT_PROVIDER)
            changed = True
        payment.provider_state, payment.provider_checked_at = report.state, now
        return changed

    def close(self, reason: str, now: datetime) -> None:
        """No payment may succeed from now on (as far as we decide): pending attempts expire."""
        if self.is_closed:
            raise IllegalTransition(f"payment of order {self.order_id} is closed already")
        self.closed_at, self.close_reason = now, reason
        for payment in self.payments:
            if payment.status is PaymentStatus.PENDING:
                payment.apply(Trigger.EXPIRE, now, reason=f"closed: {reason}")
        self._events.append(events.PaymentClosed())

    def refund_route(self, amount: int, payment_id: str | None = None) -> Payment:
        """The paid attempt a refund of `amount` goes back through: the one named (staff refund a
        payment they see), else the earliest that covers it; raises RefundRefused if none."""
        if payment_id is None:
            return payment_to_refund(self.payments, self.refunds, amount)
        payment = self.payment(payment_id)
        if payment is None:
            raise RefundRefused(f"order {self.order_id} has no payment {payment_id}")
        return refund_through(payment, self.refunds, amount)

    def accept_refund(self, refund_id: str, amount: int, reason: str, now: datetime, *,
                      payment_id: str | None = None, requested_by: str | None = None) -> Refund:
        """A pending refund of `amount` through the paid attempt that covers it, or through
        `payment_id` (no event yet: it is announced when the provider has made or refused it);
        raises RefundRefused if it cannot go that way. `requested_by`: the staff member who asked."""
        payment = self.refund_route(amount, payment_id)
        self._ensure_new_refund(refund_id)
        refund = Refund(refund_id, self.order_id, amount, reason, RefundStatus.PENDING, now, payment_id=payment.id,
                        requested_by=requested_by)
        self.refunds.append(refund)
        return refund

    def settle_refund(self, refund_id: str, psp_reference: str, now: datetime) -> Refund:
        """The provider made the pending refund: announced (PaymentRefunded)."""
        refund = self._refund(refund_id)
        refund.succeed(psp_reference, now)
        self._events.append(self._refund_outcome(refund))
        return refund

    def fail_refund(self, refund_id: str, why: str, now: datetime) -> Refund:
        """The provider refused the pending refund: announced (RefundFailed)."""
        refund = self._refund(refund_id)
        refund.fail(why, now)
        self._events.append(self._refund_outcome(refund))
        return refund

    def postpone_refund(self, refund_id: str, error: str, next_attempt_at: datetime) -> Refund:
        """The provider could not be reached about the pending refund: it stays pending, tried again later."""
        refund = self._refund(refund_id)
        refund.postpone(error, next_attempt_at)
        return refund

    def record_refund(self, refund_id: str, amount: int, reason: str, psp_reference: str, now: datetime) -> Refund:
        """A refund the provider made at once (accepted and settled together)."""
        self.accept_refund(refund_id, amount, reason, now)
        return self.settle_refund(refund_id, psp_reference, now)

    def refuse_refund(self, refund_id: str, amount: int, reason: str, why: str, now: datetime) -> Refund:
        """A refund our rules refuse (it never reaches the provider): failed and announced."""
        self._ensure_new_refund(refund_id)
        refund = Refund(refund_id, self.order_id, amount, reason, RefundStatus.FAILED, now, failure_reason=why,
                        settled_at=now)
        self.refunds.append(refund)
        self._events.append(self._refund_outcome(refund))
        return refund

    def repeat_refund_outcome(self, refund_id: str) -> bool:
        """Announce an earlier refund's outcome again (the saga asked again with the same refund id);
        a pending refund has no outcome yet: nothing is announced (False)."""
        refund = self._refund(refund_id)
        if refund.pending:
            return False
        self._events.append(self._refund_outcome(refund))
        return True

    def due_refunds(self, now: datetime) -> list[Refund]:
        """Pending refunds whose next attempt is due."""
        return [r for r in self.refunds if r.pending and (r.next_attempt_at is None or r.next_attempt_at <= now)]

    def pull_events(self) -> list[events.DomainEvent]:
        recorded, self._events = self._events, []
        return recorded

    def _settle(self, payment: Payment, trigger: Trigger, at: datetime) -> None:
        payment.apply(trigger, at, reason=DECLINED if trigger is Trigger.FAIL else None)
        if payment.succeeded:
            self._events.append(events.PaymentSucceeded(payment.id))
        else:
            self._events.append(events.PaymentFailed(payment.id))

    def _ensure_new_refund(self, refund_id: str) -> None:
        if self.refund(refund_id) is not None:
            raise PaymentDomainError(f"refund {refund_id} of order {self.order_id} is recorded already")

    def _refund(self, refund_id: str) -> Refund:
        refund = self.refund(refund_id)
        if refund is None:
            raise PaymentDomainError(f"order {self.order_id} has no refund {refund_id}")
        return refund

    def _refund_outcome(self, refund: Refund) -> events.DomainEvent:
        """The event of a settled refund; `refunded_total` counts the refunds that
        succeeded up to this one (by when they settled, then in the order they were accepted)."""
        if not refund.succeeded:
            return events.RefundFailed(refund.id)
        ranked = {id(r): (r.settled_or_created_at, n) for n, r in enumerate(self.refunds)}
        upto = [r for r in self.refunds if ranked[id(r)] <= ranked[id(refund)]]
        return events.PaymentRefunded(refund.id, refunded_amount(upto))
