"""Reading payments: a buyer sees the payments of their own orders, staff and systems see all."""

from dataclasses import dataclass

from tradeflow_payment.app.errors import NotYourPayment, PaymentNotFound
from tradeflow_payment.app.ports import PaymentTransaction
from tradeflow_payment.domain.payable import Payable
from tradeflow_payment.domain.payment import Payment
from tradeflow_payment.domain.refunds import Refund


@dataclass(frozen=True)
class Reader:
    subject: str
    sees_all: bool


@dataclass(frozen=True)
class PaymentRecord:
    payment: Payment
    refunds: tuple[Refund, ...]


def _records(payable: Payable) -> list[PaymentRecord]:
    return [PaymentRecord(p, tuple(r for r in payable.refunds if r.payment_id == p.id)) for p in payable.payments]


def _ensure_may_read(payable: Payable, reader: Reader) -> None:
    if not reader.sees_all and payable.buyer_id != reader.subject:
        raise NotYourPayment(f"the payments of order {payable.order_id} are not yours")


async def read_payment(tx: PaymentTransaction, payment_id: str, reader: Reader) -> PaymentRecord:
    order_id = await tx.payables.order_of_payment(payment_id)
    payable = await tx.payables.get(order_id) if order_id is not None else None
    if payable is None:
        raise PaymentNotFound(f"no payment {payment_id}")
    _ensure_may_read(payable, reader)
    return next(r for r in _records(payable) if r.payment.id == payment_id)


async def read_order_payments(tx: PaymentTransaction, order_id: str, reader: Reader) -> list[PaymentRecord]:
    """Every attempt to pay the order, oldest first (none when the order is not payable yet)."""
    payable = await tx.payables.get(order_id)
    if payable is None:
        return []
    _ensure_may_read(payable, reader)
    return _records(payable)
