"""The PSP's merchant API over HTTP, authenticated with its API key (Bearer).

A 4xx answer is the provider's refusal (ProviderRefused) — except 401/403/408/429, which like
network errors, timeouts and 5xx mean "not now" (ProviderUnavailable): a wrong key is a
configuration fault to fix and retry, never a reason to give up on a refund.

Status queries map the provider's `status` to ProviderState; 404 means the provider does not
know the attempt (UNKNOWN) — only with its `payment_not_found` code, so a wrong URL (a 404
from anything else) is never taken for a lost payment. A cancel refused with 409 because the
payment was decided first is answered with the payment's current state.

Pooled connections are dropped well before a server's keep-alive limit (uvicorn's is 5 s), and
the calls that are safe to repeat (refunds carry their reference, status and cancel change
nothing twice) are sent once more when a pooled connection turns out to be closed under them.
Opening a payment is not repeated: the provider would open a second one.
"""

from datetime import datetime

import httpx

from tradeflow_payment.app.ports import ProviderPayment, ProviderRefund, ProviderRefused, ProviderUnavailable
from tradeflow_payment.domain.payable import ProviderReport
from tradeflow_payment.domain.payment import ProviderState

_RETRYABLE = {401, 403, 408, 429}
_KEEPALIVE_SECONDS = 2.0
_STALE_CONNECTION = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


class HttpPaymentProvider:
    def __init__(self, base_url: str, api_key: str, timeout_seconds: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout_seconds, transport=transport,
                                         headers={"Authorization": f"Bearer {api_key}"},
                                         limits=httpx.Limits(keepalive_expiry=_KEEPALIVE_SECONDS))

    async def open_payment(self, *, merchant_reference: str, amount: int, currency: str,
                           notify_url: str) -> ProviderPayment:
        opening = {"merchant_reference": merchant_reference, "amount": amount, "currency": currency,
                   "notify_url": notify_url}
        answer = await self._post("/v1/payments", opening, repeatable=False)
        return ProviderPayment(psp_reference=answer["psp_reference"], pay_url=answer["pay_url"])

    async def refund(self, *, psp_reference: str, amount: int, refund_reference: str) -> ProviderRefund:
        answer = await self._post("/v1/refunds", {"psp_reference": psp_reference, "amount": amount,
                                                  "refund_reference": refund_reference})
        return ProviderRefund(psp_reference=answer["refund_psp_reference"])

    async def payment_status(self, psp_reference: str) -> ProviderReport:
        response = await self._send("GET", f"/v1/payments/{psp_reference}")
        if _unknown_payment(response):
            return ProviderReport(psp_reference, ProviderState.UNKNOWN)
        return _report(psp_reference, self._answer(response))

    async def cancel_payment(self, psp_reference: str) -> ProviderReport:
        response = await self._send("POST", f"/v1/payments/{psp_reference}/cancel")
        if _unknown_payment(response):
            return ProviderReport(psp_reference, ProviderState.UNKNOWN)
        if response.status_code == 409:  # decided before our cancel: what is it now?
            return await self.payment_status(psp_reference)
        return _report(psp_reference, self._answer(response))

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _post(self, path: str, body: dict, repeatable: bool = True) -> dict:
        return self._answer(await self._send("POST", path, body, repeatable))

    async def _send(self, method: str, path: str, body: dict | None = None,
                    repeatable: bool = True) -> httpx.Response:
        try:
            try:
                return await self._client.request(method, path, json=body)
            except _STALE_CONNECTION:
                if not repeatable:
                    raise
                return await self._client.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"the payment provider is unreachable: {type(exc).__name__}: {exc}") from exc

    @staticmethod
    def _answer(response: httpx.Response) -> dict:
        if response.is_success:
            return response.json()
        detail = f"{response.status_code} from the payment provider: {_error_text(response)}"
        if response.status_code >= 500 or response.status_code in _RETRYABLE:
            raise ProviderUnavailable(detail)
        raise ProviderRefused(detail)


def _unknown_payment(response: httpx.Response) -> bool:
    if response.status_code != 404:
        return False
    try:
        return response.json()["error"]["code"] == "payment_not_found"
    except (ValueError, KeyError, TypeError):
        return False


def _report(psp_reference: str, answer: dict) -> ProviderReport:
    try:
        state = ProviderState(answer["status"])
        decided = answer.get("decided_at")
        return ProviderReport(psp_reference, state, int(answer["amount"]), str(answer["currency"]),
                              datetime.fromisoformat(decided) if decided else None)
    except (KeyError, ValueError, TypeError) as exc:
        raise ProviderUnavailable(f"the payment provider's answer is not understood: {answer!r:.300}") from exc


def _error_text(response: httpx.Response) -> str:
    try:
        error = response.json().get("error", {})
        return f"{error.get('code')}: {error.get('message')}"
    except (ValueError, AttributeError):
        return response.text[:300]
