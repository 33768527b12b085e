"""Storing an aggregate and announcing what it recorded, in the same transaction (outbox)."""

from dataclasses import asdict

from tradeflow_contracts import payments as contract
from tradeflow_contracts.registry import Contract
from tradeflow_payment.app.ports import PaymentTransaction
from tradeflow_payment.domain import events
from tradeflow_payment.domain.payable import Payable

_CONTRACTS: dict[type, type[Contract]] = {
    events.PaymentSucceeded: contract.PaymentSucceeded,
    events.PaymentFailed: contract.PaymentFailed,
    events.PaymentClosed: contract.PaymentClosed,
    events.PaymentRefunded: contract.PaymentRefunded,
    events.RefundFailed: contract.RefundFailed,
}


def contract_for(event: events.DomainEvent) -> Contract:
    """The integration event announcing a domain event (same fields, explicit mapping)."""
    return _CONTRACTS[type(event)](**asdict(event))


async def announce(tx: PaymentTransaction, payable: Payable) -> None:
    for event in payable.pull_events():
        await tx.publish(contract_for(event), key=payable.order_id)


async def save_and_announce(tx: PaymentTransaction, payable: Payable) -> None:
    await tx.payables.save(payable)
    await announce(tx, payable)
