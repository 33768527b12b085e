"""Demo and test control of the shops themselves (no signature): add a shop, push an arbitrary
body (a bad one, badly signed, stale) or add one to a feed, see the pushes and their answers, fail
the next sync-back calls, see the sync-back calls received."""

import json
import time
from typing import Any, Literal

import httpx
from fastapi import APIRouter, Depends, Response
from pydantic import Field

from tradeflow_simulators.edge import ProviderError, Strict
from tradeflow_simulators.market.shop import Shape
from tradeflow_simulators.market.state import CHANNEL_SIGNATURE, MarketState, market_state


class NewShop(Strict):
    code: str = Field(min_length=1, max_length=32)
    kind: Shape
    secret: str = Field(min_length=1, max_length=200)


class RawPush(Strict):
    body: Any = None
    """Sent as compact JSON…"""
    raw: str | None = None
    """…or, when given, these exact bytes (UTF-8)."""
    signature: Literal["good", "bad", "missing"] = "good"
    timestamp_offset_seconds: int = 0
    """Added to the signed timestamp: e.g. -3600 for a stale push (signed correctly)."""


class RawRecord(Strict):
    record: dict[str, Any]
    """Any record, added to the feed as it is (its `seq` set to its place)."""


class SyncFailures(Strict):
    count: int = Field(ge=0, le=1000)


class NotAPullShop(ProviderError):
    code, status = "not_a_pull_shop", 409


class NotDelivered(ProviderError):
    code, status = "push_not_delivered", 502


router = APIRouter(prefix="/sim/market", tags=["simulator control"])


def describe(state: MarketState, code: str) -> dict:
    shop = state.shop(code)
    return {"code": shop.code, "kind": shop.shape.value, "sync_path": f"/{code}/api/{state.shape(shop).sync_path}",
            "feed_path": f"/{code}/api/orders" if shop.shape is Shape.PULL else None,
            "webhook_url": state.settings.webhook_url(code) if shop.shape is not Shape.PULL else None,
            "statuses": state.shape(shop).statuses, "orders": len(shop.orders), "feed_records": len(shop.feed)}


@router.get("")
async def list_shops(state: MarketState = Depends(market_state)) -> dict:
    return {"items": [describe(state, code) for code in state.shops]}


@router.post("/shops", status_code=201)
async def add_shop(body: NewShop, response: Response, state: MarketState = Depends(market_state)) -> dict:
    """A shop of any shape (push, pull, erp) with its own secret (tests: a channel of their own). The same again →
    200; another shape or secret under the code → 409 `shop_conflict`."""
    _, new = state.add_shop(body.code, body.kind, body.secret)
    response.status_code = 201 if new else 200
    return describe(state, body.code)


@router.post("/{code}/push-raw")
async def push_raw(code: str, body: RawPush, state: MarketState = Depends(market_state)) -> dict:
    """POST one body to the shop's webhook URL once, now (no retry), and answer what the platform
    answered: `{status_code, body}` (502 `push_not_delivered` when it could not be reached)."""
    shop = state.shop(code)
    content = body.raw.encode() if body.raw is not None else json.dumps(body.body, separators=(",", ":")).encode()
    headers = CHANNEL_SIGNATURE.headers(shop.secret, int(time.time()) + body.timestamp_offset_seconds, content)
    if body.signature == "bad":
        headers[CHANNEL_SIGNATURE.signature_header] = "0" * 64
    elif body.signature == "missing":
        del headers[CHANNEL_SIGNATURE.signature_header], headers[CHANNEL_SIGNATURE.timestamp_header]
    try:
        answer = await state.client.post(state.settings.webhook_url(code), content=content, headers=headers)
    except httpx.HTTPError as exc:
        raise NotDelivered(f"{type(exc).__name__}: {exc}") from None
    return {"status_code": answer.status_code, "body": answer.text[:2000], "sent": content.decode()}


@router.post("/{code}/feed-raw", status_code=201)
async def add_raw_record(code: str, body: RawRecord, state: MarketState = Depends(market_state)) -> dict:
    """Add an arbitrary record to a pull shop's feed (a badly worded one, for bad-input tests)."""
    shop = state.shop(code)
    if shop.shape is not Shape.PULL:
        raise NotAPullShop(f"shop {code} pushes its news; it has no feed")
    return shop.add_to_feed(body.record)


@router.get("/{code}/pushes")
async def list_pushes(code: str, order: str | None = None, state: MarketState = Depends(market_state)) -> dict:
    """A push shop's webhooks (of `order`), each with its attempts and the platform's answers."""
    return {"items": state.pushes(state.shop(code), order)}


@router.post("/{code}/sync-failures")
async def fail_syncs(code: str, body: SyncFailures, state: MarketState = Depends(market_state)) -> dict:
    """The next `count` sync-back calls to the shop are answered 503 (`count: 0` disarms)."""
    state.shop(code).sync_failures.count = body.count
    return {"count": body.count}


@router.get("/{code}/synced")
async def list_synced(code: str, order: str | None = None, state: MarketState = Depends(market_state)) -> dict:
    """The sync-back calls the shop accepted (about `order`), in arrival order."""
    calls = state.shop(code).synced
    return {"items": [c for c in calls if order is None or c["order_id"] == order]}
