"""ClosePayment: from now on no payment of the order may succeed; pending attempts expire."""

from tradeflow_contracts.payments import ClosePayment, PaymentClosed
from tradeflow_payment.app.announcements import save_and_announce
from tradeflow_payment.app.ports import Collaborators, PaymentTransaction


async def close_payment(tx: PaymentTransaction, command: ClosePayment, c: Collaborators) -> None:
    payable = await tx.payables.get(command.order_id, lock=True)
    if payable is None or payable.is_closed:
        # Nothing can succeed (any more): confirm it again, the saga may be waiting for it.
        reason = payable.close_reason if payable is not None and payable.close_reason else command.reason
        await tx.publish(PaymentClosed(order_id=command.order_id, reason=reason), key=command.order_id)
        return
    payable.close(command.reason, c.clock.now())
    await save_and_announce(tx, payable)
