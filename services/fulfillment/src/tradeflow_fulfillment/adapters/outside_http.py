"""Calling an outside system's HTTP API — the warehouse's (WMS), the carriers' (TMS) — with its
Bearer API key, a timeout, and one reading of its answers.

Network errors, timeouts, 5xx and 401/403/408/429 mean "not now" (OutsideUnavailable): a wrong
key is a configuration fault to fix and retry, never a reason to give a shipment up. Any other
4xx in the system's own error shape (`{"error": {"code", "message"}}`) is its refusal
(OutsideRefused); a 4xx without it (a proxy's 404 page: a wrong URL) and an answer that cannot
be read are "not now" too.
"""

from urllib.parse import quote

import httpx

from tradeflow_fulfillment.app.ports import OutsideRefused, OutsideUnavailable

_RETRYABLE = {401, 403, 408, 429}


class OutsideApi:
    def __init__(self, name: str, base_url: str, api_key: str, timeout_seconds: float,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.name = name
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout_seconds, transport=transport,
                                         headers={"Authorization": f"Bearer {api_key}"})

    async def send(self, method: str, path: str, body: dict | None = None) -> httpx.Response:
        try:
            return await self._client.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise OutsideUnavailable(f"the {self.name} is unreachable: {type(exc).__name__}: {exc}") from exc

    def answer(self, response: httpx.Response) -> dict:
        """The JSON of a 2xx answer; otherwise OutsideUnavailable or OutsideRefused."""
        if response.is_success:
            try:
                return response.json()
            except ValueError as exc:
                raise OutsideUnavailable(f"the {self.name}'s answer is not JSON: {response.text[:200]!r}") from exc
        code = error_code(response)
        detail = f"{response.status_code} from the {self.name}: {code}: {_message(response)}"
        if response.status_code >= 500 or response.status_code in _RETRYABLE or code is None:
            raise OutsideUnavailable(detail)
        raise OutsideRefused(detail)

    def unreadable(self, answer: dict) -> OutsideUnavailable:
        return OutsideUnavailable(f"the {self.name}'s answer is not understood: {answer!r:.300}")

    async def aclose(self) -> None:
        await self._client.aclose()


def segment(value: str) -> str:
    """A path segment, escaped."""
    return quote(value, safe="")


def error_code(response: httpx.Response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def _message(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return response.text[:300]
