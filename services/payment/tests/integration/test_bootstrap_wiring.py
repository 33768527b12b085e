"""The composition root wires the saga's commands and the HTTP API (no broker needed to check)."""

from tradeflow_contracts.payments import COMMANDS, ClosePayment, RefundPayment, RequestPayment
from tradeflow_payment.adapters.http_payment_provider import HttpPaymentProvider
from tradeflow_payment.domain.errors import PaymentDomainError

from .support import payment_service


async def test_the_service_consumes_its_commands_and_calls_the_provider_over_http(database_url):
    async with payment_service(database_url) as app:
        assert set(app.state.command_handlers) == {RequestPayment, ClosePayment, RefundPayment}
        topics = [t for s in app.state.runtime.broker.subscribers for t in s.topic_names]
        assert topics == [COMMANDS]
        assert isinstance(app.state.api.collaborators.provider, HttpPaymentProvider)
        assert app.state.runtime.domain_errors == (PaymentDomainError,)  # refused rules are dead-lettered at once
        paths = app.openapi()["paths"]
        assert {"/payments", "/payments/{payment_id}", "/payments/psp/callbacks"} <= set(paths)
