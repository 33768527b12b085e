"""Storing an aggregate and announcing what it recorded, in the same transaction (outbox).

The explicit event → contract map: each domain event is a small fact (which attempt or refund);
its announcement takes the rest from the payable it was recorded on."""

from collections.abc import Callable
from typing import Any

from tradeflow_contracts import payments as contract
from tradeflow_contracts.registry import Contract
from tradeflow_payment.app.ports import PaymentTransaction
from tradeflow_payment.domain import events
from tradeflow_payment.domain.payable import DECLINED, Payable


def _succeeded(event: events.PaymentSucceeded, payable: Payable) -> Contract:
    payment = payable.payment(event.payment_id)
    return contract.PaymentSucceeded(order_id=payable.order_id, payment_id=payment.id, amount=payment.amount,
                                     currency=payment.currency, psp_reference=payment.psp_reference,
                                     paid_at=payment.settled_at)


def _failed(event: events.PaymentFailed, payable: Payable) -> Contract:
    payment = payable.payment(event.payment_id)
    return contract.PaymentFailed(order_id=payable.order_id, payment_id=payment.id,
                                  reason=payment.failure_reason or DECLINED)


def _closed(_event: events.PaymentClosed, payable: Payable) -> Contract:
    return contract.PaymentClosed(order_id=payable.order_id, reason=payable.close_reason)


def _refunded(event: events.PaymentRefunded, payable: Payable) -> Contract:
    refund = payable.refund(event.refund_id)
    return contract.PaymentRefunded(order_id=payable.order_id, refund_id=refund.id, amount=refund.amount,
                                    refunded_total=event.refunded_total, paid_amount=payable.paid_amount)


def _refund_failed(event: events.RefundFailed, payable: Payable) -> Contract:
    refund = payable.refund(event.refund_id)
    return contract.RefundFailed(order_id=payable.order_id, refund_id=refund.id,
                                 reason=refund.failure_reason or "refused")


_CONTRACTS: dict[type, Callable[[Any, Payable], Contract]] = {
    events.PaymentSucceeded: _succeeded,
    events.PaymentFailed: _failed,
    events.PaymentClosed: _closed,
    events.PaymentRefunded: _refunded,
    events.RefundFailed: _refund_failed,
}


def contract_for(event: events.DomainEvent, payable: Payable) -> Contract:
    """The integration event announcing a domain event recorded on `payable`."""
    return _CONTRACTS[type(event)](event, payable)


async def announce(tx: PaymentTransaction, payable: Payable) -> None:
    for event in payable.pull_events():
        await tx.publish(contract_for(event, payable), key=payable.order_id)


async def save_and_announce(tx: PaymentTransaction, payable: Payable) -> None:
    await tx.payables.save(payable)
    await announce(tx, payable)
