"""POST /payments: the buyer pays the order at the provider — the pending attempt, else a new one."""

from dataclasses import dataclass

from tradeflow_payment.app.announcements import save_and_announce
from tradeflow_payment.app.errors import NotPayable, NotYourPayment
from tradeflow_payment.app.ports import Collaborators, PaymentTransaction
from tradeflow_payment.domain.payment import Payment


@dataclass(frozen=True)
class StartedPayment:
    payment: Payment
    created: bool  # False: the attempt already pending was returned


async def start_payment(tx: PaymentTransaction, order_id: str, buyer_id: str, c: Collaborators) -> StartedPayment:
    payable = await tx.payables.get(order_id, lock=True)
    if payable is None:
        raise NotPayable(f"order {order_id} has nothing to pay (yet)")
    if payable.buyer_id != buyer_id:
        raise NotYourPayment(f"order {order_id} is not yours to pay")
    now = c.clock.now()
    if (pending := payable.payment_to_continue(now)) is not None:
        return StartedPayment(pending, created=False)
    opened = await c.provider.open_payment(merchant_reference=order_id, amount=payable.amount,
                                           currency=payable.currency, notify_url=c.notify_url)
    payment = payable.start_payment(c.ids.new_id("pay"), opened.psp_reference, opened.pay_url, now)
    await save_and_announce(tx, payable)
    return StartedPayment(payment, created=True)
