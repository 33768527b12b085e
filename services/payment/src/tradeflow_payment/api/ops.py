"""`GET /payments/ops/late-captures` (staff): payments the provider captured after the order's
payment was closed, with amounts and where their automatic refund stands."""

from fastapi import APIRouter, Depends, Query

from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_payment.api.schemas import LateCaptureList
from tradeflow_payment.api.wiring import PaymentApi, payment_api
from tradeflow_payment.app.read_late_captures import read_late_captures

router = APIRouter(prefix="/payments/ops", tags=["payments ops"])


@router.get("/late-captures", response_model=LateCaptureList)
async def late_captures(limit: int = Query(100, ge=1, le=500), _staff: Principal = Depends(require_roles(Role.STAFF)),
                        api: PaymentApi = Depends(payment_api)) -> LateCaptureList:
    """Latest closings first; totals in minor units (one currency per platform)."""
    async with api.transactions.read() as tx:
        captures = await read_late_captures(tx, limit)
    return LateCaptureList(items=captures,
                           total_amount=sum(c.amount for c in captures),
                           total_refunded=sum(c.refunded_amount for c in captures))
