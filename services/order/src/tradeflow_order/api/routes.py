"""The order API (API.md "Orders"): thin routes that parse, authorize and call one use case.

Who sees what: staff and system every order; a buyer (`sub` with the buyer role) only their
own orders; a merchant (its `merchant_id` claim) the orders holding its sub-orders, through
`merchant_order_view`. Anyone else's order is a 403. The changing POSTs take `Idempotency-Key`
(required on `POST /orders`): the same key and body give the first answer again with
`Idempotent-Replayed: true`, another body a 409.
"""

import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.idempotency import IdempotencyStore, StoredResponse
from tradeflow_kit.problems import Problem
from tradeflow_order.api.carts import cart_from
from tradeflow_order.api.schemas import OptionalReasonIn, PlaceOrderIn, ReasonIn
from tradeflow_order.api.views import merchant_order_view, order_view, saga_view
from tradeflow_order.app.ports import RepositoryFactory
from tradeflow_order.app.use_cases import OrderUseCases, UnpaidUnitsLimit
from tradeflow_order.domain.order import Order

router = APIRouter(prefix="/orders", tags=["orders"])
Readers = Annotated[Principal, Depends(require_roles(Role.BUYER, Role.STAFF, Role.MERCHANT, Role.SYSTEM))]
BuyerOrStaff = Annotated[Principal, Depends(require_roles(Role.BUYER, Role.STAFF))]
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF))]


@dataclass(frozen=True)
class OrderHttp:
    sessions: async_sessionmaker[AsyncSession]
    use_cases: OrderUseCases
    repositories: RepositoryFactory
    idempotency: IdempotencyStore


async def _http(request: Request) -> OrderHttp:
    return request.app.state.order_http


Http = Annotated[OrderHttp, Depends(_http)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


@router.post("", status_code=201, summary="Place an order (Idempotency-Key required)")
async def place_order(body: PlaceOrderIn, who: BuyerOrStaff, http: Http,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    buyer_id = _buyer_for(body, who)

    async def run(session: AsyncSession) -> Order:
        try:
            return await http.use_cases.place_order(session, cart_from(body, buyer_id), actor=_actor(who))
        except UnpaidUnitsLimit as exc:
            raise _unpaid_units_problem(exc) from None
    return await _once(http, "POST /orders", who, idempotency_key, body.model_dump(mode="json"), run, created=True)


@router.get("/{order_id}", summary="The whole order: amounts, statuses, history")
async def get_order(order_id: str, who: Readers, http: Http) -> dict:
    """The buyer's own order, any order for staff and system, a merchant's part of an order."""
    async with http.sessions() as session:
        order = await http.repositories(session).get(order_id)
    return _view_for(order, who)


@router.get("", summary="Orders, newest first (a buyer's own, a merchant's, or all for staff)")
async def list_orders(who: Readers, http: Http, status: str | None = None, buyer_id: str | None = None,
                      limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: str | None = None) -> dict:
    """Staff and system may filter by `buyer_id`; a buyer always gets their own orders; a merchant
    the orders holding its sub-orders, each reduced to its part."""
    merchant_id = None
    if not who.sees_all:
        merchant_id = None if who.buyer_id else who.merchant_id
        buyer_id = who.buyer_id if who.buyer_id else buyer_id
    async with http.sessions() as session:
        orders = await http.repositories(session).list_for(buyer_id, status, limit + 1, _decode_cursor(cursor),
                                                           merchant_id=merchant_id)
    page, more = orders[:limit], len(orders) > limit
    view = order_view if merchant_id is None else (lambda o: merchant_order_view(o, merchant_id))
    return {"items": [view(o) for o in page],
            "next_cursor": _encode_cursor(page[-1]) if more else None}


@router.post("/{order_id}/cancel", summary="Cancel before shipment (refunds if paid; Idempotency-Key accepted)")
async def cancel_order(order_id: str, body: ReasonIn, who: BuyerOrStaff, http: Http,
                       idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(session: AsyncSession) -> Order:
        _own_or_staff(await http.repositories(session).get(order_id), who)
        return await http.use_cases.cancel_order(session, order_id, _actor(who), body.reason)
    return await _once(http, f"POST /orders/{order_id}/cancel", who, idempotency_key, body.model_dump(mode="json"),
                       run)


@router.post("/{order_id}/approve", summary="Staff: release a held order to payment (Idempotency-Key accepted)")
async def approve_order(order_id: str, body: OptionalReasonIn, who: Staff, http: Http,
                        idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(session: AsyncSession) -> Order:
        return await http.use_cases.approve_order(session, order_id, f"staff:{who.sub}", body.reason)
    return await _once(http, f"POST /orders/{order_id}/approve", who, idempotency_key,
                       body.model_dump(mode="json"), run)


@router.post("/{order_id}/reject", summary="Staff: reject a held order, cancel and release (Idempotency-Key accepted)")
async def reject_order(order_id: str, body: ReasonIn, who: Staff, http: Http,
                       idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(session: AsyncSession) -> Order:
        return await http.use_cases.reject_order(session, order_id, f"staff:{who.sub}", body.reason)
    return await _once(http, f"POST /orders/{order_id}/reject", who, idempotency_key,
                       body.model_dump(mode="json"), run)


@router.get("/{order_id}/saga", summary="Staff: where the order saga stands")
async def get_saga(order_id: str, _who: Staff, http: Http) -> dict:
    async with http.sessions() as session:
        return saga_view(await http.repositories(session).get(order_id))


def _buyer_for(body: PlaceOrderIn, who: Principal) -> str:
    if Role.STAFF in who.roles and body.buyer_id:
        return body.buyer_id
    if Role.BUYER not in who.roles:
        raise Problem(422, "validation-failed", "Request validation failed", detail="staff must name the buyer_id",
                      errors=[{"field": "buyer_id", "message": "required when staff place an order"}])
    if body.buyer_id not in (None, who.sub):
        raise Problem(403, "forbidden", "Not allowed", detail="a buyer places orders only for themselves")
    return who.sub


async def _once(http: OrderHttp, scope: str, who: Principal, key: str | None, body: dict,
                run: Callable[[AsyncSession], Awaitable[Order]], created: bool = False) -> JSONResponse:
    """Run a changing command in one transaction; with an Idempotency-Key (required to create),
    at most once. A new order is a 201 with its Location."""
    async with http.sessions.begin() as session:
        async def command() -> StoredResponse:
            order = await run(session)
            return StoredResponse(201 if created else 200, order_view(order))

        answer, replayed = await http.idempotency.once(session, scope, who.sub, key, body, command, required=created)
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


def _own_or_staff(order: Order, who: Principal) -> None:
    """Changing an order: its buyer or staff (a merchant's part of it is not enough)."""
    if not (Role.STAFF in who.roles or order.buyer_id == who.buyer_id):
        raise Problem(403, "forbidden", "Not allowed", detail="this order belongs to someone else")


def _unpaid_units_problem(exc: UnpaidUnitsLimit) -> Problem:
    return Problem(409, exc.slug, "Too many unpaid units", detail=str(exc), errors=[
        {"field": "lines", "message": f"sku {exc.sku}: held {exc.held}, asked {exc.asked}, limit {exc.limit}"}])


def _encode_cursor(order: Order) -> str:
    return base64.urlsafe_b64encode(f"{order.created_at.isoformat()}|{order.id}".encode()).decode()


def _decode_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    try:
        at, order_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return datetime.fromisoformat(at), order_id
    except ValueError:
        raise Problem(400, "invalid-cursor", "Invalid cursor", detail="the cursor is not one this API gave out",
                      errors=[{"field": "cursor", "message": "invalid"}]) from None
