"""POST /payments: the buyer pays the order at the provider — the pending attempt, else a new one.

Right after the order is placed its payment is not requested yet (the order saga asks once the
stock is reserved): `when_payable` holds the request until the payable is opened (woken by its
commit, not polling), up to a bounded wait, and only then refuses with `NotPayableYet`.

A pending attempt is returned only if the provider still has it undecided: one it does not
know any more (a dead attempt, e.g. after a provider restart), or that failed or was cancelled
there, is ended and replaced by a new attempt; one it reports paid is recorded as paid. If the
provider cannot be asked, the pending attempt is returned as before.
"""

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tradeflow_payment.app.announcements import save_and_announce
from tradeflow_payment.app.ask_provider import ask_provider
from tradeflow_payment.app.errors import NotPayable, NotPayableYet, NotYourPayment
from tradeflow_payment.app.ports import Collaborators, PayableNotices, PaymentTransaction
from tradeflow_payment.domain.payment import Payment, PaymentStatus

T = TypeVar("T")


@dataclass(frozen=True)
class StartedPayment:
    payment: Payment
    created: bool  # False: the attempt already pending (or just found paid) was returned


async def start_payment(tx: PaymentTransaction, order_id: str, buyer_id: str, c: Collaborators) -> StartedPayment:
    payable = await tx.payables.get(order_id, lock=True)
    if payable is None:
        raise NotPayable(f"order {order_id} has nothing to pay (yet)")
    if payable.buyer_id != buyer_id:
        raise NotYourPayment(f"order {order_id} is not yours to pay")
    now = c.clock.now()
    if (pending := payable.payment_to_continue(now)) is not None:
        if pending.psp_reference is None or await ask_provider(payable, pending, c.provider, now) is None \
                or pending.status is PaymentStatus.PENDING:
            return StartedPayment(pending, created=False)
        if pending.succeeded:
            await save_and_announce(tx, payable)
            return StartedPayment(pending, created=False)
        await save_and_announce(tx, payable)  # the dead or ended attempt, before its replacement
    opened = await c.provider.open_payment(merchant_reference=order_id, amount=payable.amount,
                                           currency=payable.currency, notify_url=c.notify_url)
    payment = payable.start_payment(c.ids.new_id("pay"), opened.psp_reference, opened.pay_url, now)
    await save_and_announce(tx, payable)
    return StartedPayment(payment, created=True)


@dataclass(frozen=True)
class PayableWait:
    """How long a payment request waits for its order to become payable, and the Retry-After
    it answers past that."""

    seconds: float = 5.0
    retry_after: int = 2


async def when_payable(notices: PayableNotices, order_id: str, wait: PayableWait,
                          attempt: Callable[[], Awaitable[T]]) -> T:
    """`attempt()` (a whole transaction, e.g. `start_payment` in one) until it stops raising
    `NotPayable`: tried at once, then each time the order's payable is opened, and once more at
    the end of the wait; past it, `NotPayableYet`. The watch starts before the first try, so an
    opening committed in between is not missed."""
    deadline = time.monotonic() + wait.seconds
    async with notices.watch(order_id) as opened:
        while True:
            try:
                return await attempt()
            except NotPayable:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise NotPayableYet(order_id, wait.seconds, wait.retry_after) from None
                await opened.wait(remaining)
