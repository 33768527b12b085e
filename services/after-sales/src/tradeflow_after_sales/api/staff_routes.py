"""Staff's actions on a case (each with a reason, recorded in its history; Idempotency-Key accepted):
retry and force-close a case that needs attention, override its refund, decide after a failed
inspection, turn an exchange into a refund, grant goodwill."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from tradeflow_after_sales.api.commands import IdempotencyKey, Staff, actor, once
from tradeflow_after_sales.api.schemas import (
    CaseId,
    GoodwillIn,
    OptionalReasonIn,
    OverrideIn,
    ReasonIn,
    RefundDecisionIn,
)
from tradeflow_after_sales.api.wiring import Api
from tradeflow_after_sales.app import staff_actions as act
from tradeflow_after_sales.app.ports import AfterSalesTransaction
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.model import GoodwillKind

router = APIRouter(prefix="/after-sales", tags=["after-sales: staff"])


@router.post("/{case_id}/retry", summary="A case that needs attention: its step is sent again")
async def post_retry(case_id: CaseId, body: OptionalReasonIn, who: Staff, api: Api,
                     idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: AfterSalesTransaction) -> AfterSalesCase:
        return await act.retry_case(tx, api.collaborators, case_id, actor(who))
    return await once(api, f"POST /after-sales/{case_id}/retry", who, idempotency_key, body.model_dump(), run)


@router.post("/{case_id}/force-close", summary="A case that needs attention: closed for good")
async def post_force_close(case_id: CaseId, body: ReasonIn, who: Staff, api: Api,
                           idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: AfterSalesTransaction) -> AfterSalesCase:
        return await act.force_close_case(tx, api.collaborators, case_id, actor(who), body.reason)
    return await once(api, f"POST /after-sales/{case_id}/force-close", who, idempotency_key, body.model_dump(), run)


@router.post("/{case_id}/override", summary="Set the refund by hand, within what its lines have left")
async def post_override(case_id: CaseId, body: OverrideIn, who: Staff, api: Api,
                        idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: AfterSalesTransaction) -> AfterSalesCase:
        return await act.override_refund(tx, api.collaborators, case_id, actor(who), body.refund_amount, body.reason)
    return await once(api, f"POST /after-sales/{case_id}/override", who, idempotency_key, body.model_dump(), run)


@router.post("/{case_id}/refund", summary="After a failed inspection: refund (all, or refund_amount)")
async def post_refund(case_id: CaseId, body: RefundDecisionIn, who: Staff, api: Api,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: AfterSalesTransaction) -> AfterSalesCase:
        return await act.refund_after_inspection(tx, api.collaborators, case_id, actor(who), body.reason,
                                                 body.refund_amount)
    return await once(api, f"POST /after-sales/{case_id}/refund", who, idempotency_key, body.model_dump(), run)


@router.post("/{case_id}/convert-to-refund", summary="An exchange whose replacement cannot be had: return and refund")
async def post_convert(case_id: CaseId, body: ReasonIn, who: Staff, api: Api,
                       idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: AfterSalesTransaction) -> AfterSalesCase:
        return await act.convert_to_refund(tx, api.collaborators, case_id, actor(who), body.reason)
    return await once(api, f"POST /after-sales/{case_id}/convert-to-refund", who, idempotency_key,
                      body.model_dump(), run)


@router.post("/{case_id}/goodwill", summary="Customer service: a shipping subsidy or a coupon, recorded")
async def post_goodwill(case_id: CaseId, body: GoodwillIn, who: Staff, api: Api,
                        idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def run(tx: AfterSalesTransaction) -> AfterSalesCase:
        return await act.grant_goodwill(tx, api.collaborators, case_id, actor(who), GoodwillKind(body.kind),
                                        body.amount, body.reason, body.coupon_code)
    return await once(api, f"POST /after-sales/{case_id}/goodwill", who, idempotency_key, body.model_dump(), run)
