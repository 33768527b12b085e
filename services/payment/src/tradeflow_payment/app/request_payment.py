"""RequestPayment: the order became payable; open its payable (a zero amount is paid at once)."""

from datetime import UTC

import structlog

from tradeflow_contracts.payments import RequestPayment
from tradeflow_kit.messaging.errors import PermanentError
from tradeflow_payment.app.announcements import announce
from tradeflow_payment.app.ports import Collaborators, PaymentTransaction
from tradeflow_payment.domain.payable import Payable

log = structlog.get_logger(__name__)


async def request_payment(tx: PaymentTransaction, command: RequestPayment, c: Collaborators) -> None:
    existing = await tx.payables.get(command.order_id, lock=True)
    if existing is not None:
        if not existing.has_terms(command.buyer_id, command.amount, command.currency):
            raise PermanentError(f"order {command.order_id} is payable already with other terms "
                                 f"({existing.amount} {existing.currency} by {existing.buyer_id})")
        log.info("payment.request_repeated", order_id=command.order_id)
        return
    deadline = command.deadline if command.deadline.tzinfo else command.deadline.replace(tzinfo=UTC)
    payable = Payable.open(order_id=command.order_id, buyer_id=command.buyer_id, amount=command.amount,
                           currency=command.currency, deadline=deadline, now=c.clock.now(),
                           new_payment_id=lambda: c.ids.new_id("pay"))
    await tx.payables.add(payable)
    await announce(tx, payable)
