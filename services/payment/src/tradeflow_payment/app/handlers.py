"""The payment commands' message handlers, as a plain table: each calls one use case in the
message's own transaction (parsing, the inbox and retries are the kit's)."""

from collections.abc import Callable

from tradeflow_contracts.payments import ClosePayment, RefundPayment, RequestPayment
from tradeflow_contracts.registry import Contract
from tradeflow_kit.messaging.handlers import UseCase, use_case_handlers
from tradeflow_kit.messaging.processor import Handler, MessageContext
from tradeflow_payment.app.close_payment import close_payment
from tradeflow_payment.app.ports import Collaborators, PaymentTransaction
from tradeflow_payment.app.refund_payment import refund_payment
from tradeflow_payment.app.request_payment import request_payment

USE_CASES: dict[type[Contract], UseCase] = {
    RequestPayment: request_payment,
    ClosePayment: close_payment,
    RefundPayment: refund_payment,
}


def command_handlers(transaction_for: Callable[[MessageContext], PaymentTransaction],
                     c: Collaborators) -> dict[type[Contract], Handler]:
    """RequestPayment, ClosePayment and RefundPayment on `payment.commands`."""
    return use_case_handlers(USE_CASES, transaction_for, c)
