"""RefundPayment: give money back along the original route, at most what was paid − refunded −
being refunded.

The refund id is the idempotency key end to end: the provider is called with it as refund
reference, so a retry (ours, or after a crash between the provider's answer and our commit)
makes no second refund. Our rules refusing it (more than is refundable, nothing paid) or the
provider refusing it → RefundFailed. The provider made it → PaymentRefunded. The provider could
not be reached → the refund is recorded pending and the command ends (the partition goes on);
the refund retry job (retry_refunds.py) asks again until the provider makes or refuses it.

A repeated command announces a settled refund's outcome again and does nothing while it is
pending. The payable stays locked during the provider call, so concurrent refunds of one order
cannot both pass the limit.
"""

from tradeflow_contracts.payments import RefundFailed, RefundPayment
from tradeflow_kit.messaging.errors import PermanentError
from tradeflow_payment.app.announcements import save_and_announce
from tradeflow_payment.app.ports import Collaborators, PaymentTransaction
from tradeflow_payment.app.retry_refunds import attempt_refund
from tradeflow_payment.domain.errors import RefundRefused
from tradeflow_payment.domain.payable import Payable


async def refund_payment(tx: PaymentTransaction, command: RefundPayment, c: Collaborators) -> None:
    payable = await tx.payables.get(command.order_id, lock=True)
    if payable is None:
        await tx.publish(RefundFailed(order_id=command.order_id, refund_id=command.refund_id,
                                      reason="no payment was requested for this order"), key=command.order_id)
        return
    if (earlier := payable.refund(command.refund_id)) is not None:
        if earlier.amount != command.amount:
            raise PermanentError(f"refund {command.refund_id} was for {earlier.amount}, not {command.amount}")
        payable.repeat_refund_outcome(command.refund_id)
    else:
        await _refund(payable, command, c)
    await save_and_announce(tx, payable)


async def _refund(payable: Payable, command: RefundPayment, c: Collaborators) -> None:
    now = c.clock.now()
    try:
        refund = payable.accept_refund(command.refund_id, command.amount, command.reason, now)
    except RefundRefused as refused:
        payable.refuse_refund(command.refund_id, command.amount, command.reason, str(refused), now)
        return
    await attempt_refund(payable, refund, c, now)
