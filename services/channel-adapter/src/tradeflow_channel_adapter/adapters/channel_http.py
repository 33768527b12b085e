"""`ChannelCalls` over HTTP (httpx): our signed calls to a channel at its `api_base_url` — the
sync-back calls the kind shapes, and a pull channel's feed pages. Every call is signed like a
channel signs its pushes (`X-Channel-Timestamp` / `X-Channel-Signature`, HMAC-SHA256 over
`<timestamp>.<raw body>` with the channel's secret; a GET signs its path and query)."""

import json
from urllib.parse import urlencode

import httpx

from tradeflow_channel_adapter.domain.channel import Channel
from tradeflow_channel_adapter.domain.errors import BadNews
from tradeflow_channel_adapter.domain.external import Page, SyncUpdate
from tradeflow_channel_adapter.domain.kinds import KINDS
from tradeflow_kit.system import Clock
from tradeflow_kit.webhook_signature import WebhookSignature

SIGNATURE = "Channel"


class HttpChannelCalls:
    def __init__(self, clock: Clock, timeout: float = 5.0) -> None:
        self.clock = clock
        self.client = httpx.AsyncClient(timeout=timeout, limits=httpx.Limits(keepalive_expiry=2.0))

    async def send(self, channel: Channel, update: SyncUpdate) -> str | None:
        if channel.api_base_url is None:
            return "the channel has no api_base_url to call"
        path, body = KINDS[channel.kind].sync_request(update, channel.vocabulary)
        raw = json.dumps(body, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json",
                   **WebhookSignature(SIGNATURE, channel.secret).headers(raw, self.clock.now())}
        response = await self.client.post(_url(channel, path), content=raw, headers=headers)
        if response.is_success:
            return None
        return f"HTTP {response.status_code}: {response.text[:300]}"

    async def fetch(self, channel: Channel, cursor: str | None) -> Page:
        kind = KINDS[channel.kind]
        path, params = kind.pull_request(cursor)
        target = f"{path}?{urlencode(params)}" if params else path
        headers = WebhookSignature(SIGNATURE, channel.secret).headers(target.encode(), self.clock.now())
        response = await self.client.get(_url(channel, target), headers=headers)
        response.raise_for_status()
        try:
            return kind.read_page(response.json(), channel.vocabulary)
        except ValueError as exc:
            raise BadNews("page", f"not JSON: {exc}") from None

    async def close(self) -> None:
        await self.client.aclose()


def _url(channel: Channel, path: str) -> str:
    assert channel.api_base_url is not None
    return channel.api_base_url.rstrip("/") + "/" + path.lstrip("/")
