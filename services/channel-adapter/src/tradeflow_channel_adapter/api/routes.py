"""Staff manage channels (API.md Channels): configuration, SKU maps, the review queue, the ledger
and the sync-back calls. Thin routes: parse, authorize, call one use case."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from tradeflow_channel_adapter.api.schemas import ApproveIn, ChannelIn, ChannelSku, Code, ReasonIn, SkuMapIn
from tradeflow_channel_adapter.api.views import change_view, channel_view, order_view, sync_view
from tradeflow_channel_adapter.api.wiring import Api
from tradeflow_channel_adapter.app import address_changes, configure
from tradeflow_channel_adapter.app.errors import ChannelOrderNotFound
from tradeflow_channel_adapter.domain.channel import (
    AddressFormat,
    Channel,
    Controls,
    Kind,
    MoneyFormat,
    PriceList,
    Vocabulary,
)
from tradeflow_channel_adapter.domain.external import ExternalStatus
from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.problems import problem_docs

router = APIRouter(prefix="/channels", tags=["channels"])
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF))]
Readers = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.SYSTEM))]
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/sync", summary="Sync-back calls (newest first); failing=true: those the channel has not acknowledged")
async def get_sync(who: Readers, api: Api, failing: bool = False, channel: str | None = None, limit: Limit = 100):
    async with api.transactions.read() as tx:
        return {"items": [sync_view(s) for s in await tx.sync.find(channel, failing, limit)]}


@router.put("/{code}", summary="Create or replace a channel's configuration", responses=problem_docs(422))
async def put_channel(code: Code, body: ChannelIn, who: Staff, api: Api) -> JSONResponse:
    channel = _channel(code, body)
    async with api.transactions.begin() as tx:
        created = await configure.put_channel(tx, api.c, channel)
        view = channel_view(channel, await tx.orders.credit_used(code))
    return JSONResponse(jsonable_encoder(view), status_code=201 if created else 200)


@router.get("", summary="Every channel")
async def list_channels(who: Readers, api: Api):
    async with api.transactions.read() as tx:
        return {"items": [channel_view(ch, await tx.orders.credit_used(ch.code)) for ch in await tx.channels.all()]}


@router.get("/{code}", summary="A channel's configuration and credit", responses=problem_docs(404))
async def get_channel(code: Code, who: Readers, api: Api):
    async with api.transactions.read() as tx:
        return channel_view(await configure.channel_of(tx, code), await tx.orders.credit_used(code))


@router.put("/{code}/sku-map/{channel_sku}", summary="Map a channel SKU to a local SKU",
            responses=problem_docs(404, 422))
async def put_sku_map(code: Code, channel_sku: ChannelSku, body: SkuMapIn, who: Staff, api: Api):
    async with api.transactions.begin() as tx:
        await configure.map_sku(tx, api.c, code, channel_sku, body.sku, f"staff:{who.sub}")
    return {"channel": code, "channel_sku": channel_sku, "sku": body.sku}


@router.get("/{code}/sku-map", summary="The channel's SKU map", responses=problem_docs(404))
async def get_sku_map(code: Code, who: Readers, api: Api):
    async with api.transactions.read() as tx:
        await configure.channel_of(tx, code)
        mapping = await tx.sku_map.of_channel(code)
    return {"items": [{"channel_sku": k, "sku": v} for k, v in sorted(mapping.items())]}


@router.get("/{code}/review", summary="Orders and changes waiting for staff (unmapped SKU, over a limit, …)",
            responses=problem_docs(404))
async def get_review(code: Code, who: Readers, api: Api, limit: Limit = 100):
    async with api.transactions.read() as tx:
        await configure.channel_of(tx, code)
        orders = await tx.orders.find(code, "review", limit, None)
        changes = await tx.news.find(code, "review", limit) + await tx.news.find(code, "refused", limit)
    return {"orders": [order_view(o) for o in orders], "changes": [change_view(p) for p in changes]}


@router.post("/{code}/review/{order_id}/retry", summary="Settle an order in review again",
             responses=problem_docs(404, 409))
async def retry(code: Code, order_id: str, who: Staff, api: Api):
    async with api.transactions.begin() as tx:
        return order_view(await configure.retry_review(tx, api.c, code, order_id))


@router.post("/{code}/review/{order_id}/reject", summary="Reject an order in review", responses=problem_docs(404, 409))
async def reject(code: Code, order_id: str, body: ReasonIn, who: Staff, api: Api):
    async with api.transactions.begin() as tx:
        return order_view(await configure.reject_review(tx, api.c, code, order_id, body.reason))


@router.get("/{code}/orders", summary="The channel's orders in the ledger", responses=problem_docs(404))
async def list_orders(code: Code, who: Readers, api: Api, status: Literal[
        "review", "accepted", "placed", "refused", "rejected", "cancelled"] | None = None,
        limit: Limit = 100, cursor: str | None = None):
    async with api.transactions.read() as tx:
        await configure.channel_of(tx, code)
        found = await tx.orders.find(code, status, limit, cursor)
    return {"items": [order_view(o) for o in found], "next_cursor": found[-1].id if len(found) == limit else None}


@router.get("/{code}/orders/{order_id}", summary="One channel order (by its ledger id or external id)",
            responses=problem_docs(404))
async def get_order(code: Code, order_id: str, who: Readers, api: Api):
    async with api.transactions.read() as tx:
        record = await tx.orders.get(order_id) or await tx.orders.by_external(code, order_id)
    if record is None or record.channel != code:
        raise ChannelOrderNotFound(order_id)
    return order_view(record)


@router.get("/{code}/changes", summary="The channel's cancellations, refunds and address changes",
            responses=problem_docs(404))
async def list_changes(code: Code, who: Readers, api: Api, status: str | None = None, limit: Limit = 100):
    async with api.transactions.read() as tx:
        await configure.channel_of(tx, code)
        return {"items": [change_view(p) for p in await tx.news.find(code, status, limit)]}


@router.post("/{code}/changes/{change_id}/approve", responses=problem_docs(404, 409),
             summary="Approve an address change in review: fulfillment re-reviews the order's shipments")
async def approve_change(code: Code, change_id: str, who: Staff, api: Api, body: ApproveIn | None = None):
    async with api.transactions.begin() as tx:
        return change_view(await address_changes.approve_address_change(
            tx, api.c, code, change_id, f"staff:{who.sub}", (body or ApproveIn()).reason))


@router.post("/{code}/changes/{change_id}/reject", summary="Reject an address change in review",
             responses=problem_docs(404, 409))
async def reject_change(code: Code, change_id: str, body: ReasonIn, who: Staff, api: Api):
    async with api.transactions.begin() as tx:
        return change_view(await address_changes.reject_address_change(
            tx, api.c, code, change_id, f"staff:{who.sub}", body.reason))


def _channel(code: str, body: ChannelIn) -> Channel:
    v, p = body.vocabulary, body.price_list
    return Channel(code=code, kind=Kind(body.kind), secret=body.secret, currency=str(body.currency),
                   vocabulary=Vocabulary({w: ExternalStatus(s) for w, s in v.statuses.items()}, dict(v.carriers),
                                         MoneyFormat(v.money), AddressFormat(v.address)),
                   price_list=PriceList(p.markup_bp, dict(p.explicit)),
                   controls=Controls(body.credit_limit_amount, body.valid_from, body.valid_until,
                                     body.member_limit_amount),
                   api_base_url=body.api_base_url, active=body.active)
