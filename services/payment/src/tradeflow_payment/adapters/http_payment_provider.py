"""The PSP's merchant API over HTTP, authenticated with its API key (Bearer).

A 4xx answer is the provider's refusal (ProviderRefused) — except 401/403/408/429, which like
network errors, timeouts and 5xx mean "not now" (ProviderUnavailable): a wrong key is a
configuration fault to fix and retry, never a reason to give up on a refund.
"""

import httpx

from tradeflow_payment.app.ports import ProviderPayment, ProviderRefund, ProviderRefused, ProviderUnavailable

_RETRYABLE = {401, 403, 408, 429}


class HttpPaymentProvider:
    def __init__(self, base_url: str, api_key: str, timeout_seconds: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout_seconds, transport=transport,
                                         headers={"Authorization": f"Bearer {api_key}"})

    async def open_payment(self, *, merchant_reference: str, amount: int, currency: str,
                           notify_url: str) -> ProviderPayment:
        answer = await self._post("/v1/payments", {"merchant_reference": merchant_reference, "amount": amount,
                                                   "currency": currency, "notify_url": notify_url})
        return ProviderPayment(psp_reference=answer["psp_reference"], pay_url=answer["pay_url"])

    async def refund(self, *, psp_reference: str, amount: int, refund_reference: str) -> ProviderRefund:
        answer = await self._post("/v1/refunds", {"psp_reference": psp_reference, "amount": amount,
                                                  "refund_reference": refund_reference})
        return ProviderRefund(psp_reference=answer["refund_psp_reference"])

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _post(self, path: str, body: dict) -> dict:
        try:
            response = await self._client.post(path, json=body)
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"the payment provider is unreachable: {type(exc).__name__}: {exc}") from exc
        if response.is_success:
            return response.json()
        detail = f"{response.status_code} from the payment provider: {_error_text(response)}"
        if response.status_code >= 500 or response.status_code in _RETRYABLE:
            raise ProviderUnavailable(detail)
        raise ProviderRefused(detail)


def _error_text(response: httpx.Response) -> str:
    try:
        error = response.json().get("error", {})
        return f"{error.get('code')}: {error.get('message')}"
    except (ValueError, AttributeError):
        return response.text[:300]
