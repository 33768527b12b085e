"""Payment contracts: the order saga opens, closes and refunds payments; payment reports results."""

from datetime import datetime

from pydantic import Field

from tradeflow_contracts.registry import Contract, contract
from tradeflow_contracts.topics import commands_topic, events_topic

COMMANDS, EVENTS = commands_topic("payment"), events_topic("payment")


@contract
class RequestPayment(Contract):
    """The order is payable: the buyer may now pay `amount` until `deadline`. Zero succeeds at once."""

    TYPE, VERSION, TOPIC = "payment.request-payment", 1, COMMANDS
    order_id: str
    buyer_id: str
    amount: int = Field(ge=0)
    currency: str = Field(min_length=3, max_length=3)
    deadline: datetime


@contract
class ClosePayment(Contract):
    """No payment may succeed any more for the order (deadline passed, order cancelled).

    The payment service first asks the provider about the pending attempt: if the buyer paid
    (a lost webhook) it answers PaymentSucceeded instead of PaymentClosed; else it cancels the
    attempt at the provider and answers PaymentClosed."""

    TYPE, VERSION, TOPIC = "payment.close-payment", 1, COMMANDS
    order_id: str
    reason: str


@contract
class RefundPayment(Contract):
    """Refund along the original route; never more than was paid (DOMAIN §2 原路返回)."""

    TYPE, VERSION, TOPIC = "payment.refund-payment", 1, COMMANDS
    order_id: str
    refund_id: str
    amount: int = Field(gt=0)
    reason: str


@contract
class PaymentSucceeded(Contract):
    TYPE, VERSION, TOPIC = "payment.succeeded", 1, EVENTS
    order_id: str
    payment_id: str
    amount: int
    currency: str
    psp_reference: str | None
    paid_at: datetime


@contract
class PaymentFailed(Contract):
    """One attempt failed; the buyer may try again until the deadline."""

    TYPE, VERSION, TOPIC = "payment.failed", 1, EVENTS
    order_id: str
    payment_id: str
    reason: str


@contract
class PaymentClosed(Contract):
    TYPE, VERSION, TOPIC = "payment.closed", 1, EVENTS
    order_id: str
    reason: str


@contract
class PaymentRefunded(Contract):
    TYPE, VERSION, TOPIC = "payment.refunded", 1, EVENTS
    order_id: str
    refund_id: str
    amount: int
    refunded_total: int
    paid_amount: int


@contract
class RefundFailed(Contract):
    TYPE, VERSION, TOPIC = "payment.refund-failed", 1, EVENTS
    order_id: str
    refund_id: str
    reason: str
