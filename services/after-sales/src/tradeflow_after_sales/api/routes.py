"""The after-sales API (API.md "After-sales"): thin routes that parse, authorize and call one use case.

Who sees what: staff, system and channel (the channel adapter following the cases it opened)
every case; a buyer only their own; a merchant the cases on its own sub-orders. Buyers (or staff
for them) open, cancel and report the return parcel; staff (or a merchant for its own sub-orders,
when AFTER_SALES_MERCHANT_REVIEW allows) approve and reject; staff alone retry, force-close,
override, decide after a failed inspection, turn an exchange into a refund and grant goodwill.
`POST /after-sales` needs an Idempotency-Key; every other POST accepts one: the same key and body
give the first answer again (`Idempotent-Replayed: true`), another body a 409.
"""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from tradeflow_after_sales.api.commands import BuyerOrStaff, IdempotencyKey, Reviewers, actor, as_merchant, once
from tradeflow_after_sales.api.schemas import (
    CaseId,
    Cursor,
    Limit,
    OpenCaseIn,
    OptionalReasonIn,
    ParcelIn,
    QueryId,
    ReasonIn,
    StatusFilter,
)
from tradeflow_after_sales.api.views import case_view
from tradeflow_after_sales.api.wiring import Api
from tradeflow_after_sales.app.open_case import OpenCase, open_case, when_order_known
from tradeflow_after_sales.app.ports import AfterSalesTransaction, CaseFilter
from tradeflow_after_sales.app.read_cases import get_case, list_cases
from tradeflow_after_sales.app.review_case import approve_case, cancel_case, reject_case, report_return_parcel
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.model import CaseRequest, ClaimedLine, Requester, RequesterKind
from tradeflow_after_sales.domain.states import CaseType
from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.cursors import decode_cursor, encode_cursor
from tradeflow_kit.problems import Problem

router = APIRouter(prefix="/after-sales", tags=["after-sales"])
Readers = Annotated[Principal, Depends(require_roles(Role.BUYER, Role.STAFF, Role.MERCHANT, Role.SYSTEM,
                                                     Role.CHANNEL))]


def reads_all(who: Principal) -> bool:
    """Staff and system see every case; so does a channel (its adapter reads the cases it opened)."""
    return who.sees_all or Role.CHANNEL in who.roles


@router.post("", status_code=201, summary="Open an after-sales case (Idempotency-Key required)")
async def post_case(body: OpenCaseIn, who: BuyerOrStaff, api: Api, idempotency_key: IdempotencyKey = None
                    ) -> JSONResponse:
    """Right after payment the order may not be known here yet: the request waits for it (about
    AFTER_SALES_ORDER_WAIT_SECONDS), and a refusal for the order's state waits a moment for newer
    facts (AFTER_SALES_ORDER_SETTLE_SECONDS). Refusals: 404 order-not-found (after-sales has not heard of
    the order by then), 409
    order-not-eligible, type-not-allowed, window-expired, quantity-exceeds-claimable, 422
    invalid-case (with the field), line-not-in-order, virtual-goods-refund-only, replacement-unknown (an
    exchange's replacement SKU the catalog does not have), exchange-price-differs (another merchant's,
    or another unit price than the line's: the price is the catalog's, never the request's)."""
    staff = Role.STAFF in who.roles
    requester = Requester(RequesterKind.STAFF if staff else RequesterKind.BUYER, who.sub)
    request = CaseRequest(
        type=CaseType(body.type), lines=tuple(ClaimedLine(ln.line_id, ln.quantity) for ln in body.lines),
        reason=body.reason, requester=requester, description=body.description, evidence=tuple(body.evidence),
        channel_refund_amount=body.channel_refund_amount)
    buyer_id = body.buyer_id if staff else who.sub
    if not staff and body.buyer_id not in (None, who.sub):
        raise Problem(403, "forbidden", "Not allowed", detail="a buyer opens cases only for themselves")

    async def run(tx: AfterSalesTransaction) -> AfterSalesCase:
        return await open_case(tx, api.collaborators, OpenCase(
            body.order_id, request, buyer_id, tuple((r.line_id, r.sku) for r in body.replacements)))
    return await when_order_known(api.order_facts, body.order_id, api.order_wait, lambda: once(
        api, "POST /after-sales", who, idempotency_key, body.model_dump(mode="json"), run, created=True))


@router.get("/{case_id}", summary="One case: lines and their refunds, status, attention, history")
async def get_one(case_id: CaseId, who: Readers, api: Api) -> dict:
    async with api.transactions.read() as tx:
        read = await get_case(tx, case_id)
    if not (reads_all(who) or read.case.buyer_id == who.buyer_id
            or (who.merchant_id is not None and who.merchant_id in read.merchant_ids)):
        raise Problem(403, "forbidden", "Not allowed", detail="this case belongs to someone else")
    return case_view(read.case, read.progress)


@router.get("", summary="Cases, newest first (a buyer's own, a merchant's, or all for staff, system, channel)")
async def get_list(who: Readers, api: Api, order_id: QueryId = None, status: StatusFilter = None,
                   overdue: bool = False, limit: Limit = 20, cursor: Cursor = None) -> dict:
    """`overdue=true`: pending review past AFTER_SALES_REVIEW_OVERDUE_SECONDS, awaiting a return past
    its deadline, or needing attention."""
    where = CaseFilter(order_id=order_id, status=status)
    if not reads_all(who):
        where = CaseFilter(buyer_id=who.buyer_id, merchant_id=None if who.buyer_id else who.merchant_id,
                           order_id=order_id, status=status)
    async with api.transactions.read() as tx:
        found = await list_cases(tx, api.collaborators, where, overdue, limit + 1, _after(cursor))
    page, more = found[:limit], len(found) > limit
    return {"items": [case_view(r.case, r.progress) for r in page],
            "next_cursor": encode_cursor(page[-1].case.opened_at, page[-1].case.id) if more else None}


@router.post("/{case_id}/approve", summary="Staff, or the merchant of its own sub-orders: accept the case")
async def post_approve(case_id: CaseId, body: OptionalReasonIn, who: Reviewers, api: Api,
                       idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: AfterSalesTransaction) -> AfterSalesCase:
        return await approve_case(tx, api.collaborators, case_id, actor(who), as_merchant(who), body.reason)
    return await once(api, f"POST /after-sales/{case_id}/approve", who, idempotency_key, body.model_dump(), run)


@router.post("/{case_id}/reject", summary="Staff, or the merchant of its own sub-orders: refuse the case "
                                          "(also after a failed inspection)")
async def post_reject(case_id: CaseId, body: ReasonIn, who: Reviewers, api: Api,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: AfterSalesTransaction) -> AfterSalesCase:
        return await reject_case(tx, api.collaborators, case_id, actor(who), body.reason, as_merchant(who))
    return await once(api, f"POST /after-sales/{case_id}/reject", who, idempotency_key, body.model_dump(), run)


@router.post("/{case_id}/cancel", summary="The buyer (or staff) withdraws the case before it is done")
async def post_cancel(case_id: CaseId, body: ReasonIn, who: BuyerOrStaff, api: Api,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: AfterSalesTransaction) -> AfterSalesCase:
        return await cancel_case(tx, api.collaborators, case_id, actor(who), body.reason, who.buyer_id)
    return await once(api, f"POST /after-sales/{case_id}/cancel", who, idempotency_key, body.model_dump(), run)


@router.post("/{case_id}/return-parcel", summary="The buyer (or staff) reports the return parcel")
async def post_return_parcel(case_id: CaseId, body: ParcelIn, who: BuyerOrStaff, api: Api,
                             idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: AfterSalesTransaction) -> AfterSalesCase:
        return await report_return_parcel(tx, api.collaborators, case_id, actor(who), body.carrier, body.waybill,
                                          who.buyer_id)
    return await once(api, f"POST /after-sales/{case_id}/return-parcel", who, idempotency_key, body.model_dump(),
                      run)


def _after(cursor: str | None) -> tuple:
    """Where the page starts: a cursor this API gave out (its id free of control characters)."""
    after = decode_cursor(cursor)
    if after is not None and any(ord(ch) < 32 or ord(ch) == 127 for ch in after[1]):
        raise Problem(400, "invalid-cursor", "Invalid cursor", detail="the cursor is not one this API gave out",
                      errors=[{"field": "cursor", "message": "invalid"}])
    return after
