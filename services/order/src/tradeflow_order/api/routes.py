"""The order API (API.md "Orders"): thin routes that parse, authorize and call one use case.

Who sees what: staff and system every order; a buyer (`sub` with the buyer role) only their
own orders; a merchant (its `merchant_id` claim) the orders holding its sub-orders, through
`merchant_order_view`. Anyone else's order is a 403. The changing POSTs take `Idempotency-Key`
(required on `POST /orders`): the same key and body give the first answer again with
`Idempotent-Replayed: true`, another body a 409.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent

from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.cursors import decode_cursor, encode_cursor
from tradeflow_kit.idempotency import StoredResponse
from tradeflow_kit.problems import Problem
from tradeflow_order.api.carts import order_request
from tradeflow_order.api.schemas import OptionalReasonIn, PlaceOrderIn, ReasonIn
from tradeflow_order.api.views import merchant_order_view, order_view, quote_view, saga_view
from tradeflow_order.api.wiring import Api, OrderApi
from tradeflow_order.app.approve_order import approve_order
from tradeflow_order.app.cancel_order import cancel_order
from tradeflow_order.app.confirm_receipt import confirm_receipt
from tradeflow_order.app.follow_order import follow_order
from tradeflow_order.app.place_order import place_order
from tradeflow_order.app.ports import OrderTransaction
from tradeflow_order.app.quote_order import quote
from tradeflow_order.app.read_orders import get_order, list_orders
from tradeflow_order.app.reject_order import reject_order
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.placement import Cart, place
from tradeflow_order.domain.states import OrderStep

router = APIRouter(prefix="/orders", tags=["orders"])
Readers = Annotated[Principal, Depends(require_roles(Role.BUYER, Role.STAFF, Role.MERCHANT, Role.SYSTEM))]
BuyerOrStaff = Annotated[Principal, Depends(require_roles(Role.BUYER, Role.STAFF))]
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF))]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
Command = Callable[[OrderTransaction], Awaitable[Order]]


@router.post("", status_code=201, summary="Place an order, priced by the server (Idempotency-Key required)")
async def post_order(body: PlaceOrderIn, who: BuyerOrStaff, api: Api,
                     idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """A buyer names SKUs and quantities; the server prices them (catalog, freight templates,
    coupons, points). `expected_paid_amount` or a line's `unit_price_amount` that differs from
    the server's price → 409 price-changed with the new `quote`. Staff (on behalf of `buyer_id`)
    may send explicit prices (channels' orders come through the channel adapter)."""
    request = order_request(body, _buyer_for(body, who), who)

    async def run(tx: OrderTransaction) -> Order:
        return await place_order(tx, api.collaborators, request, actor=_actor(who))
    return await _once(api, "POST /orders", who, idempotency_key, body.model_dump(mode="json"), run, created=True)


@router.post("/quote", summary="Price a checkout as POST /orders would, placing and holding nothing")
async def post_quote(body: PlaceOrderIn, who: BuyerOrStaff, api: Api) -> dict:
    """The order's amounts, sub-orders and lines (no id, status or history); a coupon or points
    that cannot be used are refused as when placing; `expected_paid_amount` is not checked."""
    request = order_request(body, _buyer_for(body, who), who)
    if isinstance(request, Cart):
        order = place(request, api.collaborators.ids.new_id, _actor(who), api.collaborators.clock.now())
        return quote_view(order.currency, [ln for s in order.sub_orders for ln in s.lines], order.terms)
    async with api.transactions.read() as tx:
        priced = await quote(tx, api.collaborators, request)
    return quote_view(request.buyer.currency, priced.lines, priced.terms)


@router.get("/{order_id}", summary="The whole order: amounts, statuses, history")
async def get_one(order_id: str, who: Readers, api: Api) -> dict:
    """The buyer's own order, any order for staff and system, a merchant's part of an order."""
    async with api.transactions.read() as tx:
        order = await get_order(tx, order_id)
    return _view_for(order, who)


async def _followed_order(order_id: str, who: Readers, api: Api) -> Order:
    """The order to follow, read once before the stream starts: 404 and 403 as plain problems."""
    async with api.transactions.read() as tx:
        order = await get_order(tx, order_id)
    _view_for(order, who)
    return order


def _resume_after(last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None) -> int | None:
    """The history position a reconnecting follower saw last (the `id` of its last event)."""
    if last_event_id is None or last_event_id == "":
        return None
    if not last_event_id.isascii() or not last_event_id.isdigit():
        raise Problem(400, "invalid-last-event-id", "Invalid Last-Event-ID",
                      detail="Last-Event-ID is the id of an event of this stream (a history position)",
                      errors=[{"field": "Last-Event-ID", "message": "expected a non-negative integer"}])
    return int(last_event_id)


@router.get("/{order_id}/events", response_class=EventSourceResponse,
            summary="Follow the order: a `status` event per change (Server-Sent Events), from its current state")
async def get_events(order: Annotated[Order, Depends(_followed_order)], api: Api,
                     after: Annotated[int | None, Depends(_resume_after)]) -> AsyncIterator[ServerSentEvent]:
    """`text/event-stream`: `event: status`, `id:` the change's history position (send it back as
    Last-Event-ID to resume), `data: {"status", "payment_status", "event", "at"}`; a `: ping`
    comment every 15 s; the stream ends once the order is settled (completed, closed, or
    cancelled with nothing left to refund)."""
    async for change in follow_order(api.transactions, api.order_changes, order.id, after):
        yield ServerSentEvent(event="status", id=str(change.position), data={
            "status": change.status, "payment_status": change.payment_status, "event": change.event,
            "at": change.at.isoformat()})


@router.get("", summary="Orders, newest first (a buyer's own, a merchant's, or all for staff)")
async def get_list(who: Readers, api: Api, status: str | None = None, buyer_id: str | None = None,
                      limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: str | None = None) -> dict:
    """Staff and system may filter by `buyer_id`; a buyer always gets their own orders; a merchant
    the orders holding its sub-orders, each reduced to its part."""
    merchant_id = None
    if not who.sees_all:
        merchant_id = None if who.buyer_id else who.merchant_id
        buyer_id = who.buyer_id if who.buyer_id else buyer_id
    async with api.transactions.read() as tx:
        orders = await list_orders(tx, buyer_id=buyer_id, merchant_id=merchant_id,
                                   status=status, limit=limit + 1, before=decode_cursor(cursor))
    page, more = orders[:limit], len(orders) > limit
    view = order_view if merchant_id is None else (lambda o: merchant_order_view(o, merchant_id))
    return {"items": [view(o) for o in page],
            "next_cursor": encode_cursor(page[-1].created_at, page[-1].id) if more else None}


@router.post("/{order_id}/cancel", status_code=200,
             summary="Cancel: at once before payment (200); a paid order asks fulfillment (202) "
                     "(Idempotency-Key accepted)",
             responses={202: {"description": "Asked: fulfillment decides; the order shows `cancellation`"}})
async def post_cancel(order_id: str, body: ReasonIn, who: BuyerOrStaff, api: Api,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Before payment the order is cancelled (200). A paid order (awaiting_shipment, partially_shipped,
    shipped) is cancelled as far as fulfillment can still stop its goods: 202 with `cancellation:
    {state: requested}`, then `cancelled`, `partially_cancelled` or `refused` with the units going
    on and the `after_sales` pointer. 409 `not-cancellable-signed` (with `after_sales`) when every
    unit was signed for; 409 `cancellation-in-progress` while one is being decided."""
    buyer_id = None if Role.STAFF in who.roles else who.sub  # the buyer role, by BuyerOrStaff

    async def run(tx: OrderTransaction) -> Order:
        return await cancel_order(tx, api.collaborators, order_id, _actor(who), body.reason, buyer_id)
    return await _once(api, f"POST /orders/{order_id}/cancel", who, idempotency_key, body.model_dump(mode="json"),
                       run, accepted=lambda order: order.step is OrderStep.CANCELLING)


@router.post("/{order_id}/confirm-receipt",
             summary="The buyer received everything (every parcel signed for): the order is completed "
                     "(Idempotency-Key accepted)")
async def post_confirm_receipt(order_id: str, who: BuyerOrStaff, api: Api,
                               idempotency_key: IdempotencyKey = None) -> JSONResponse:
    buyer_id = None if Role.STAFF in who.roles else who.sub

    async def run(tx: OrderTransaction) -> Order:
        return await confirm_receipt(tx, api.collaborators, order_id, _actor(who), buyer_id)
    return await _once(api, f"POST /orders/{order_id}/confirm-receipt", who, idempotency_key, {}, run)


@router.post("/{order_id}/approve", summary="Staff: release a held order to payment (Idempotency-Key accepted)")
async def post_approve(order_id: str, body: OptionalReasonIn, who: Staff, api: Api,
                       idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: OrderTransaction) -> Order:
        return await approve_order(tx, api.collaborators, order_id, f"staff:{who.sub}", body.reason)
    return await _once(api, f"POST /orders/{order_id}/approve", who, idempotency_key,
                       body.model_dump(mode="json"), run)


@router.post("/{order_id}/reject", summary="Staff: reject a held order, cancel and release (Idempotency-Key accepted)")
async def post_reject(order_id: str, body: ReasonIn, who: Staff, api: Api,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: OrderTransaction) -> Order:
        return await reject_order(tx, api.collaborators, order_id, f"staff:{who.sub}", body.reason)
    return await _once(api, f"POST /orders/{order_id}/reject", who, idempotency_key,
                       body.model_dump(mode="json"), run)


@router.get("/{order_id}/saga", summary="Staff: where the order saga stands")
async def get_saga(order_id: str, _who: Staff, api: Api) -> dict:
    async with api.transactions.read() as tx:
        return saga_view(await get_order(tx, order_id))


def _buyer_for(body: PlaceOrderIn, who: Principal) -> str:
    if Role.STAFF in who.roles and body.buyer_id:
        return body.buyer_id
    if Role.BUYER not in who.roles:
        raise Problem(422, "validation-failed", "Request validation failed", detail="staff must name the buyer_id",
                      errors=[{"field": "buyer_id", "message": "required when staff place an order"}])
    if body.buyer_id not in (None, who.sub):
        raise Problem(403, "forbidden", "Not allowed", detail="a buyer places orders only for themselves")
    return who.sub


async def _once(api: OrderApi, scope: str, who: Principal, key: str | None, body: dict,
                run: Command, created: bool = False,
                accepted: Callable[[Order], bool] = lambda _: False) -> JSONResponse:
    """Run a changing command in one transaction; with an Idempotency-Key (required to create),
    at most once. A new order is a 201 with its Location; a change left to another service to
    decide (`accepted`) a 202."""
    async with api.transactions.begin() as tx:
        async def command() -> StoredResponse:
            order = await run(tx)
            return StoredResponse(201 if created else 202 if accepted(order) else 200, order_view(order))

        answer, replayed = await api.idempotency.once(tx.session, scope, who.sub, key, body, command, required=created)
    if replayed:
        return JSONResponse(answer.body, answer.status_code, headers={"Idempotent-Replayed": "true"})
    headers = {"Location": f"/orders/{answer.body['id']}"} if created else None
    return JSONResponse(answer.body, answer.status_code, headers=headers)


def _view_for(order: Order, who: Principal) -> dict:
    """The order as this caller may see it, or 403 when it is none of theirs."""
    if who.sees_all or (who.buyer_id is not None and order.buyer_id == who.buyer_id):
        return order_view(order)
    if who.merchant_id is not None and any(s.merchant_id == who.merchant_id for s in order.sub_orders):
        return merchant_order_view(order, who.merchant_id)
    raise Problem(403, "forbidden", "Not allowed", detail="this order belongs to someone else")


def _actor(who: Principal) -> str:
    """Who placed or cancelled, for the history: staff, else the buyer."""
    return f"staff:{who.sub}" if Role.STAFF in who.roles else f"buyer:{who.sub}"
