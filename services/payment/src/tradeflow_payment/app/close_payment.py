"""ClosePayment: the order saga stops waiting for the money (deadline passed, order cancelled).

Before closing, the provider is asked about the pending attempt, because its webhook may have
been lost: if the buyer paid, the success is recorded and announced (PaymentSucceeded — the
order is paid, or refunded if it was cancelled meanwhile) and the payable stays open; if not,
the attempt is cancelled at the provider (so it can no longer be paid) and the payable closes
(PaymentClosed). If the provider cannot be reached, the payable closes anyway: the
reconciliation job asks again later, and a late success is recorded then (and refunded).
"""

from tradeflow_contracts.payments import ClosePayment, PaymentClosed
from tradeflow_payment.app.announcements import save_and_announce
from tradeflow_payment.app.ask_provider import ask_provider
from tradeflow_payment.app.ports import Collaborators, PaymentTransaction


async def close_payment(tx: PaymentTransaction, command: ClosePayment, c: Collaborators) -> None:
    payable = await tx.payables.get(command.order_id, lock=True)
    if payable is None or payable.is_closed:
        # Nothing can succeed (any more): confirm it again, the saga may be waiting for it.
        reason = payable.close_reason if payable is not None and payable.close_reason else command.reason
        await tx.publish(PaymentClosed(order_id=command.order_id, reason=reason), key=command.order_id)
        return
    pending = payable.pending_payment
    was_paid = payable.is_paid
    if pending is not None and pending.psp_reference is not None:
        await ask_provider(payable, pending, c.provider, c.clock.now(), cancel_if_pending=True)
    if payable.is_paid and not was_paid:
        await save_and_announce(tx, payable)  # the buyer paid after all: PaymentSucceeded, no close
        return
    payable.close(command.reason, c.clock.now())
    await save_and_announce(tx, payable)
