"""How channels' news come in over HTTP: a push channel's signed webhook (no JWT — the channel's
HMAC over the raw body with a fresh timestamp; stale or wrongly signed → 401; a repeat is answered
as a duplicate), and staff's CSV import (`tradeflow channel import`: rows in, a report per row)."""

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from tradeflow_channel_adapter.api.schemas import Code, ImportIn
from tradeflow_channel_adapter.api.views import receipt_view
from tradeflow_channel_adapter.api.wiring import Api
from tradeflow_channel_adapter.app import configure
from tradeflow_channel_adapter.app.errors import ChannelInactive, WrongKind
from tradeflow_channel_adapter.app.imports import import_rows
from tradeflow_channel_adapter.app.intake import receive
from tradeflow_channel_adapter.domain.channel import Kind
from tradeflow_channel_adapter.domain.errors import BadNews
from tradeflow_channel_adapter.domain.kinds import KINDS
from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.problems import Problem, problem_docs
from tradeflow_kit.webhook_signature import CallbackRejected, WebhookSignature

router = APIRouter(prefix="/channels", tags=["channel intake"])
PUSHING = (Kind.MARKETPLACE_PUSH, Kind.ERP)
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF))]


@router.post("/{code}/webhooks", summary="A push channel's signed webhook (orders, cancellations, refunds, "
             "address changes)", responses=problem_docs(401, 404, 409, 422))
async def webhook(code: Code, request: Request, api: Api):
    raw = await request.body()
    async with api.transactions.read() as tx:
        channel = await configure.channel_of(tx, code)
    try:
        signature = WebhookSignature("Channel", channel.secret, api.signature_tolerance)
        signature.verify(request.headers, raw, api.c.clock.now())
    except CallbackRejected as exc:
        raise Problem(401, "invalid-webhook-signature", "Webhook not authenticated", detail=str(exc)) from exc
    if not channel.active:
        raise ChannelInactive(code)
    if channel.kind not in PUSHING:
        raise WrongKind(f"channel {code!r} is {channel.kind.value}: it does not push")
    try:
        news = KINDS[channel.kind].read_push(json.loads(raw), channel.vocabulary)
    except ValueError as exc:
        raise BadNews("body", f"not JSON: {exc}") from None
    async with api.transactions.begin() as tx:
        receipts = [await receive(tx, api.c, channel, item, "push") for item in news]
    return {"received": [receipt_view(r) for r in receipts]}


@router.post("/{code}/imports", summary="Import an offline channel's CSV rows (a report per row)",
             responses=problem_docs(404, 409, 422))
async def post_import(code: Code, body: ImportIn, who: Staff, api: Api):
    async with api.transactions.read() as tx:
        channel = await configure.channel_of(tx, code)
    if not channel.active:
        raise ChannelInactive(code)
    if channel.kind is not Kind.OFFLINE:
        raise WrongKind(f"channel {code!r} is {channel.kind.value}: only offline channels import files")
    return await import_rows(api.transactions, api.c, channel, body.rows, body.first_row)
