"""The order API (API.md "Orders"): thin routes that parse, authorize and call one use case."""

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.idempotency import IdempotencyStore
from tradeflow_kit.problems import Problem
from tradeflow_order.api.carts import cart_from
from tradeflow_order.api.schemas import OptionalReasonIn, PlaceOrderIn, ReasonIn
from tradeflow_order.api.views import order_view, saga_view
from tradeflow_order.app.ports import RepositoryFactory
from tradeflow_order.app.use_cases import OrderUseCases
from tradeflow_order.domain.order import Order

router = APIRouter(prefix="/orders", tags=["orders"])
Anyone = Annotated[Principal, Depends(require_roles(Role.BUYER, Role.STAFF, Role.MERCHANT, Role.SYSTEM))]
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


@router.post("", status_code=201, summary="Place an order (Idempotency-Key required)")
async def place_order(body: PlaceOrderIn, who: BuyerOrStaff, http: Http,
                      idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None) -> JSONResponse:
    buyer_id = _buyer_for(body, who)
    async with http.sessions.begin() as session:
        stored = await http.idempotency.claim(session, "POST /orders", who.sub, idempotency_key,
                                              body.model_dump(mode="json"))
        if stored is not None:
            return JSONResponse(stored.body, stored.status_code, headers={"Idempotent-Replayed": "true"})
        order = await http.use_cases.place_order(session, cart_from(body, buyer_id), actor=f"{_role(who)}:{who.sub}")
        view = order_view(order)
        await http.idempotency.remember(session, "POST /orders", who.sub, idempotency_key, 201, view)
    return JSONResponse(view, 201, headers={"Location": f"/orders/{order.id}"})


@router.get("/{order_id}", summary="The whole order: amounts, statuses, history")
async def get_order(order_id: str, who: Anyone, http: Http) -> dict:
    async with http.sessions() as session:
        order = await http.repositories(session).get(order_id)
    return order_view(_visible(order, who), merchant_id=_merchant_scope(who))


@router.get("", summary="Orders, newest first (buyers see their own)")
async def list_orders(who: Anyone, http: Http, status: str | None = None, buyer_id: str | None = None,
                      limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: str | None = None) -> dict:
    if Role.STAFF not in who.roles and Role.SYSTEM not in who.roles:
        buyer_id = who.sub
    async with http.sessions() as session:
        orders = await http.repositories(session).list_for(buyer_id, status, limit + 1, _decode_cursor(cursor))
    page, more = orders[:limit], len(orders) > limit
    return {"items": [order_view(o) for o in page],
            "next_cursor": _encode_cursor(page[-1]) if more else None}


@router.post("/{order_id}/cancel", summary="Cancel before shipment (refunds if paid)")
async def cancel_order(order_id: str, body: ReasonIn, who: BuyerOrStaff, http: Http) -> dict:
    async with http.sessions.begin() as session:
        _visible(await http.repositories(session).get(order_id), who)
        order = await http.use_cases.cancel_order(session, order_id, f"{_role(who)}:{who.sub}", body.reason)
    return order_view(order)


@router.post("/{order_id}/approve", summary="Staff: release a held order to payment")
async def approve_order(order_id: str, body: OptionalReasonIn, who: Staff, http: Http) -> dict:
    async with http.sessions.begin() as session:
        order = await http.use_cases.approve_order(session, order_id, f"staff:{who.sub}", body.reason)
    return order_view(order)


@router.post("/{order_id}/reject", summary="Staff: reject a held order (cancel and release)")
async def reject_order(order_id: str, body: ReasonIn, who: Staff, http: Http) -> dict:
    async with http.sessions.begin() as session:
        order = await http.use_cases.reject_order(session, order_id, f"staff:{who.sub}", body.reason)
    return order_view(order)


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


def _visible(order: Order, who: Principal) -> Order:
    if Role.STAFF in who.roles or Role.SYSTEM in who.roles or order.buyer_id == who.sub:
        return order
    if Role.MERCHANT in who.roles and any(s.merchant_id == _merchant_scope(who) for s in order.sub_orders):
        return order
    raise Problem(403, "forbidden", "Not allowed", detail="this order belongs to someone else")


def _merchant_scope(who: Principal) -> str | None:
    if Role.STAFF in who.roles or Role.SYSTEM in who.roles or Role.BUYER in who.roles:
        return None
    return who.claims.get("merchant_id", who.sub)


def _role(who: Principal) -> str:
    return "staff" if Role.STAFF in who.roles else "buyer"


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
