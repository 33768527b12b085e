"""The review and the buyer's moves: staff (or the merchant, for its own sub-orders, when the
service allows it) approve or reject a requested case; the buyer (or staff) cancels a case before
it is done and reports the return parcel. Approval starts the reverse saga's first step."""

from collections.abc import Callable

from tradeflow_after_sales.app.errors import NotYourCase
from tradeflow_after_sales.app.flow import advance, load
from tradeflow_after_sales.app.ports import AfterSalesTransaction, Collaborators
from tradeflow_after_sales.domain.case import AfterSalesCase


async def approve_case(tx: AfterSalesTransaction, c: Collaborators, case_id: str, actor: str,
                       merchant_id: str | None = None, note: str | None = None) -> AfterSalesCase:
    return await _act(tx, c, case_id, f"approved by {actor}", lambda case, now: case.approve(actor, now, note),
                      merchant_id=merchant_id)


async def reject_case(tx: AfterSalesTransaction, c: Collaborators, case_id: str, actor: str, reason: str,
                      merchant_id: str | None = None) -> AfterSalesCase:
    return await _act(tx, c, case_id, f"rejected by {actor}", lambda case, now: case.reject(actor, reason, now),
                      merchant_id=merchant_id)


async def cancel_case(tx: AfterSalesTransaction, c: Collaborators, case_id: str, actor: str, reason: str,
                      buyer_id: str | None = None) -> AfterSalesCase:
    return await _act(tx, c, case_id, f"cancelled by {actor}", lambda case, now: case.cancel(actor, reason, now),
                      buyer_id=buyer_id)


async def report_return_parcel(tx: AfterSalesTransaction, c: Collaborators, case_id: str, actor: str, carrier: str,
                               waybill: str, buyer_id: str | None = None) -> AfterSalesCase:
    return await _act(tx, c, case_id, "return parcel reported",
                      lambda case, now: case.report_return_parcel(carrier, waybill, actor, now), buyer_id=buyer_id)


async def _act(tx: AfterSalesTransaction, c: Collaborators, case_id: str, cause: str,
               action: Callable[[AfterSalesCase, object], None], *, buyer_id: str | None = None,
               merchant_id: str | None = None) -> AfterSalesCase:
    case, progress, saga = await load(tx, case_id)
    if buyer_id is not None and case.buyer_id != buyer_id:
        raise NotYourCase(f"case {case_id} is another buyer's")
    if merchant_id is not None:
        merchants = await tx.cases.merchants(case_id)
        if not c.merchant_review or merchants != [merchant_id]:
            raise NotYourCase(f"case {case_id}: merchants review only cases on their own sub-orders"
                              + ("" if c.merchant_review else " (not enabled: AFTER_SALES_MERCHANT_REVIEW)"))
    action(case, c.clock.now())
    await advance(tx, c, case, progress, saga, cause)
    return case
