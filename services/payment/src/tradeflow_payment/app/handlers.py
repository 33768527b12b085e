"""The payment commands' message handlers: parse is done by the kit, each calls one use case."""

from collections.abc import Awaitable, Callable

from tradeflow_contracts.payments import ClosePayment, RefundPayment, RequestPayment
from tradeflow_contracts.registry import Contract
from tradeflow_kit.messaging.processor import Handler, MessageContext
from tradeflow_payment.app.close_payment import close_payment
from tradeflow_payment.app.ports import Collaborators, PaymentTransaction
from tradeflow_payment.app.refund_payment import refund_payment
from tradeflow_payment.app.request_payment import request_payment

TransactionFor = Callable[[MessageContext], PaymentTransaction]
UseCase = Callable[[PaymentTransaction, Contract, Collaborators], Awaitable[None]]


def command_handlers(transaction_for: TransactionFor, c: Collaborators) -> dict[type[Contract], Handler]:
    """RequestPayment, ClosePayment and RefundPayment, each in the message's own transaction."""

    def handler(use_case: UseCase) -> Handler:
        async def handle(message: Contract, ctx: MessageContext) -> None:
            await use_case(transaction_for(ctx), message, c)

        handle.__name__ = use_case.__name__
        return handle

    return {RequestPayment: handler(request_payment), ClosePayment: handler(close_payment),
            RefundPayment: handler(refund_payment)}
