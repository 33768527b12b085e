"""The shops' own API, called by the platform: a pull shop's feed and every shop's sync-back
endpoint. Each call is signed like a push (`X-Channel-Timestamp`, `X-Channel-Signature`: hex
HMAC-SHA256 of `<unix timestamp>.<raw body>` with the shop's secret), at most
`signature_tolerance_seconds` old; anything else is refused 401 `signature_rejected`. A GET has no
body: it signs its target below the shop instead, the path after `/<code>` and the query exactly
as sent — `/api/orders?cursor=0&limit=20` for `GET /shopb/api/orders?cursor=0&limit=20`."""

import json

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from tradeflow_simulators.edge import ProviderError, error_response
from tradeflow_simulators.market.shape_a import SyncRefused
from tradeflow_simulators.market.shop import Shape, Shop
from tradeflow_simulators.market.state import CHANNEL_SIGNATURE, MarketState, market_state
from tradeflow_simulators.signing import SignatureRejected


class Unsigned(ProviderError):
    code, status = "signature_rejected", 401


class NotServed(ProviderError):
    code, status = "not_found", 404


class InvalidCursor(ProviderError):
    code, status = "invalid_cursor", 400


router = APIRouter(tags=["shop API"])


def target_below_shop(code: str, request: Request) -> bytes:
    """What a GET signs: its path below `/<code>` and its query as sent."""
    below, query = request.url.path.removeprefix(f"/{code}"), request.url.query
    return (f"{below}?{query}" if query else below).encode()


async def signed_shop(code: str, request: Request, state: MarketState) -> tuple[Shop, bytes]:
    shop, body = state.shop(code), await request.body()
    signed = target_below_shop(code, request) if request.method == "GET" else body
    try:
        CHANNEL_SIGNATURE.verify(shop.secret, request.headers, signed,
                                 tolerance_seconds=state.settings.signature_tolerance_seconds)
    except SignatureRejected as exc:
        raise Unsigned(str(exc)) from None
    return shop, body


@router.get("/{code}/api/orders")
async def feed(code: str, request: Request, cursor: str = "0", limit: int = Query(50, ge=1, le=100),
               state: MarketState = Depends(market_state)) -> dict:
    """The shop's news from `cursor` on, oldest first; `nextCursor` is where to read next (the same
    cursor when nothing is new), `hasMore` whether records were left for the next page."""
    shop, _ = await signed_shop(code, request, state)
    if shop.shape is not Shape.PULL:
        raise NotServed(f"shop {code} pushes its news; it serves no feed")
    if not cursor.isdigit() or int(cursor) > len(shop.feed):
        raise InvalidCursor(f"cursor {cursor!r} is not a place in this feed (0…{len(shop.feed)})", field="cursor")
    records, after = shop.page(int(cursor), limit)
    return {"records": records, "nextCursor": str(after), "hasMore": after < len(shop.feed)}


@router.post("/{code}/api/{call}")
async def sync_back(code: str, call: str, request: Request, state: MarketState = Depends(market_state)):
    """The platform tells the shop about its order (shape A `logistics`, shape B `orderStatus`):
    recorded and acknowledged, or 503 while the test switch `sync-failures` is armed."""
    shop, raw = await signed_shop(code, request, state)
    shape = state.shape(shop)
    if call != shape.sync_path:
        raise NotServed(f"shop {code} takes sync calls at /{code}/api/{shape.sync_path}")
    if shop.sync_failures.take():
        return error_response(503, "temporarily_unavailable", "try again later (test switch)")
    try:
        body = json.loads(raw)
    except ValueError:
        raise SyncRefused("the body is not JSON") from None
    order_id, status = shape.read_sync(body)
    shop.record_sync(call, order_id, status, body)
    return JSONResponse(shape.ack(order_id))
