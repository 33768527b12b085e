"""`POST /inventory/stock/{sku}/{warehouse}/receipts`: staff record goods received from a
supplier (`Idempotency-Key` accepted: a delivery is booked once however often it is sent)."""

import structlog
from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse

from tradeflow_inventory.api.schemas import ReceiptIn, ReceiptOut
from tradeflow_inventory.api.wiring import InventoryApi, inventory_api
from tradeflow_inventory.app.receive_stock import receive_stock
from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.idempotency import StoredResponse
from tradeflow_kit.problems import problem_docs

log = structlog.get_logger(__name__)

router = APIRouter(prefix="/inventory", tags=["inventory"])


@router.post("/stock/{sku}/{warehouse}/receipts", summary="Record goods received (Idempotency-Key accepted)",
             response_model=ReceiptOut, responses=problem_docs(401, 403, 404, 409, 422))
async def post_receipt(sku: str, warehouse: str, body: ReceiptIn, who: Principal = Depends(require_roles(Role.STAFF)),
                       api: InventoryApi = Depends(inventory_api),
                       idempotency_key: str | None = Header(None, alias="Idempotency-Key")) -> JSONResponse:
    """The units go on hand (up to `incoming` of them were expected) and pre-sale reservations
    waiting here become on-hand reservations, oldest first; `arrived` lists the pre-sale
    sub-orders now wholly on hand (each announced once as inventory.pre-sale-stock-arrived).
    The same key and body answer the first response again (`Idempotent-Replayed: true`),
    another body a 409; 404 warehouse-not-found."""
    async with api.transactions.begin() as tx:
        async def record() -> StoredResponse:
            done = await receive_stock(tx, sku, warehouse, body.quantity, body.reference, api.clock)
            return StoredResponse(200, ReceiptOut.of(done, body.reference).model_dump(mode="json"))

        answer, replayed = await api.idempotency.once(tx.session, f"POST /inventory/stock/{sku}/{warehouse}/receipts",
                                                      who.sub, idempotency_key, body.model_dump(mode="json"), record)
    log.info("inventory.receipt_recorded", sku=sku, warehouse=warehouse, reference=body.reference, actor=who.sub,
             replayed=replayed)
    return JSONResponse(answer.body, answer.status_code, headers={"Idempotent-Replayed": "true"} if replayed else None)
