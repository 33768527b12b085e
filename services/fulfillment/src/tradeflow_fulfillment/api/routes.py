"""The shipments API (API.md "Fulfillment"): thin routes that authorize, read, and shape.

Who sees what: staff and system every shipment; a buyer (`sub` with the buyer role) the
shipments of their own orders; a merchant (its `merchant_id` claim) the shipments holding its
sub-orders' lines, and of those only its own lines. Anyone else's shipment is a 403.

Ops views (staff and system): `stuck_for=<seconds>` lists only shipments that entered their
current status more than that long ago and are not in a final status, each with
`in_status_since` and `stuck_for_seconds`; the review queue is `status=pending_review`, pending
interceptions `status=intercepting`.
"""

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from tradeflow_fulfillment.api.views import shipment_view
from tradeflow_fulfillment.api.wiring import Api, FulfillmentApi
from tradeflow_fulfillment.app.read_fulfillment import (
    get_shipment,
    in_status_since,
    list_shipments,
    list_stuck_shipments,
)
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.transitions import ShipmentStatus
from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.cursors import decode_cursor, encode_cursor
from tradeflow_kit.problems import Problem, problem_docs

MAX_STUCK_FOR = 10 * 366 * 86400  # ten years in seconds: past it no time can be that far back
router = APIRouter(prefix="/fulfillment", tags=["fulfillment"])
Readers = Annotated[Principal, Depends(require_roles(Role.BUYER, Role.MERCHANT, Role.STAFF, Role.SYSTEM))]


@router.get("/shipments", summary="Shipments, newest first (a buyer's, a merchant's, or any for staff and system)",
            responses=problem_docs(400, 401, 403, 422))
async def get_shipments(who: Readers, api: Api, order_id: str | None = None, status: ShipmentStatus | None = None,
                        warehouse: str | None = None, case_id: str | None = None,
                        stuck_for: Annotated[int | None, Query(ge=1, le=MAX_STUCK_FOR)] = None,
                        limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: str | None = None) -> dict:
    """`{items, next_cursor}`; filters by order, status, warehouse, after-sales case (its
    replacement shipments) and time in status combine."""
    if stuck_for is not None:
        return await _stuck_shipments(who, api, status, warehouse, stuck_for, limit, cursor)
    buyer_id, merchant_id = _scope(who)
    async with api.transactions.read() as tx:
        found = await list_shipments(tx, order_id=order_id, status=status, warehouse=warehouse, buyer_id=buyer_id,
                                     merchant_id=merchant_id, limit=limit + 1, before=decode_cursor(cursor),
                                     case_id=case_id)
    return _page([shipment_view(s, merchant_id, internal=who.sees_all) for s in found[:limit]], found, limit)


async def _stuck_shipments(who: Principal, api: FulfillmentApi, status: ShipmentStatus | None, warehouse: str | None,
                           stuck_for: int, limit: int, cursor: str | None) -> dict:
    if not who.sees_all:
        raise Problem(403, "forbidden", "Not allowed", detail="stuck_for is an ops view for staff and system")
    now = api.collaborators.clock.now()
    async with api.transactions.read() as tx:
        found = await list_stuck_shipments(tx, stuck_for=timedelta(seconds=stuck_for), now=now, status=status,
                                           warehouse=warehouse, limit=limit + 1, before=decode_cursor(cursor))
    return _page([shipment_view(s, internal=True) | _time_in_status(s, now) for s in found[:limit]], found, limit)


def _page(items: list[dict], found: list[Shipment], limit: int) -> dict:
    last = found[limit - 1] if len(found) > limit else None
    return {"items": items, "next_cursor": encode_cursor(last.planned_at, last.id) if last else None}


def _time_in_status(shipment: Shipment, now: datetime) -> dict:
    since = in_status_since(shipment)
    return {"in_status_since": since.isoformat(), "stuck_for_seconds": int((now - since).total_seconds())}


@router.get("/shipments/{shipment_id}", summary="One shipment: warehouse, carrier, dispatch, lines and history",
            responses=problem_docs(401, 403, 404))
async def get_one_shipment(shipment_id: str, who: Readers, api: Api) -> dict:
    async with api.transactions.read() as tx:
        shipment = await get_shipment(tx, shipment_id)
    return _view_for(shipment, who)


def _scope(who: Principal) -> tuple[str | None, str | None]:
    """(buyer_id, merchant_id) the caller's lists are narrowed to; (None, None) for staff and system."""
    if who.sees_all:
        return None, None
    if who.buyer_id is not None:
        return who.buyer_id, None
    if who.merchant_id is not None:
        return None, who.merchant_id
    raise Problem(403, "forbidden", "Not allowed", detail="shipments are read by their buyer, merchant or staff")


def _view_for(shipment: Shipment, who: Principal) -> dict:
    """The shipment as this caller may see it, or 403 when it holds nothing of theirs."""
    if who.sees_all or (who.buyer_id is not None and who.buyer_id == shipment.buyer_id):
        return shipment_view(shipment, internal=who.sees_all)
    if who.merchant_id is not None and any(ln.merchant_id == who.merchant_id for ln in shipment.lines):
        return shipment_view(shipment, who.merchant_id)
    raise Problem(403, "forbidden", "Not allowed", detail="this shipment belongs to someone else")
