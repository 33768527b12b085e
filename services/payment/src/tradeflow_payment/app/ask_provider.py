"""Asking the provider what became of an attempt, and applying its answer as its webhook would.

Rule: the provider is the authority on money. Whatever it reports (succeeded, failed, cancelled,
unknown) is applied to the attempt; when we close a payment we first cancel the attempt at the
provider, so the buyer cannot pay it any more — unless the buyer paid first, then the success
is recorded. An unreachable provider leaves the attempt as it is (the caller decides); so does
an answer our rules refuse (another amount, a success for an attempt that failed): it is logged
as an error for staff, and must neither block the close nor stall the reconciliation job.
"""

import structlog

from tradeflow_payment.app.ports import PaymentProvider, ProviderRefused, ProviderUnavailable
from tradeflow_payment.domain.errors import PaymentDomainError
from tradeflow_payment.domain.payable import Payable
from tradeflow_payment.domain.payment import Payment, ProviderState

log = structlog.get_logger(__name__)


async def ask_provider(payable: Payable, payment: Payment, provider: PaymentProvider, now, *,
                       cancel_if_pending: bool = False) -> ProviderState | None:
    """Query (and if asked, cancel) the attempt at the provider and apply the answer; the state
    the provider reported, or None if it could not be asked."""
    reference = str(payment.psp_reference)
    try:
        report = await provider.payment_status(reference)
        if cancel_if_pending and report.state is ProviderState.PENDING:
            report = await provider.cancel_payment(reference)
    except (ProviderUnavailable, ProviderRefused) as exc:
        log.warning("payment.provider_not_asked", order_id=payable.order_id, psp_reference=reference,
                    error=str(exc))
        return None
    try:
        changed = payable.apply_provider_report(report, now)
    except PaymentDomainError as exc:
        log.error("payment.provider_report_refused", order_id=payable.order_id, psp_reference=reference,
                  provider_state=report.state.value, error=str(exc))
        return None
    log.info("payment.provider_asked", order_id=payable.order_id, psp_reference=reference,
             provider_state=report.state.value, changed=changed)
    return report.state
