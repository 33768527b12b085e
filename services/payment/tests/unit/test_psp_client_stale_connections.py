"""The PSP client repeats a call that is safe to repeat when a pooled connection turns out to be
closed under it (the server's keep-alive ran out as the request left), and never repeats opening
a payment, which the provider would open twice."""

import httpx
import pytest

from tradeflow_payment.adapters.http_payment_provider import HttpPaymentProvider
from tradeflow_payment.app.ports import ProviderUnavailable


def _provider(answers: dict[str, list]) -> tuple[HttpPaymentProvider, list[str]]:
    sent: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        answer = answers[request.url.path].pop(0)
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(200, json=answer)

    return HttpPaymentProvider("http://psp.test", "key", transport=httpx.MockTransport(handle)), sent


async def test_a_refund_on_a_connection_closed_under_it_is_sent_once_more():
    refunded = {"refund_psp_reference": "rf-1"}
    provider, sent = _provider({"/v1/refunds": [httpx.ReadError("connection reset"), refunded]})
    receipt = await provider.refund(psp_reference="psp-1", amount=400, refund_reference="ref-1")
    assert (receipt.psp_reference, sent) == ("rf-1", ["/v1/refunds", "/v1/refunds"])


async def test_a_refund_failing_twice_is_unavailable_for_the_retry_job():
    closed = httpx.RemoteProtocolError("Server disconnected without sending a response.")
    provider, sent = _provider({"/v1/refunds": [closed, closed]})
    with pytest.raises(ProviderUnavailable, match="RemoteProtocolError"):
        await provider.refund(psp_reference="psp-1", amount=400, refund_reference="ref-1")
    assert len(sent) == 2


async def test_opening_a_payment_is_never_sent_twice():
    provider, sent = _provider({"/v1/payments": [httpx.ReadError("connection reset")]})
    with pytest.raises(ProviderUnavailable):
        await provider.open_payment(merchant_reference="m-1", amount=100, currency="CNY", notify_url="http://x/cb")
    assert sent == ["/v1/payments"]
