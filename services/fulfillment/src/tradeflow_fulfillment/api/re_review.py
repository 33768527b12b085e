"""Re-review (API.md "Fulfillment"): `POST /fulfillment/shipments/{id}/re-review`
`{receiver, reason}` — staff send the shipment to another receiver (DOMAIN §4 反审核). Staff only;
`Idempotency-Key` accepted. 200 with the shipment when changed at once (not dispatched yet);
202 while the warehouse is asked to stop it (it then goes again under a new dispatch number —
its history shows both); 409 `re-review-refused` once it is on its way, 404 for an unknown one."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from tradeflow_fulfillment.api.review import REFUSALS, IdempotencyKey, Staff
from tradeflow_fulfillment.api.views import shipment_view
from tradeflow_fulfillment.api.wiring import Api
from tradeflow_fulfillment.app.re_review_shipment import re_review_shipment
from tradeflow_fulfillment.domain.model import Receiver
from tradeflow_kit.fields import RequestModel, text
from tradeflow_kit.idempotency import StoredResponse

router = APIRouter(prefix="/fulfillment", tags=["fulfillment"])


class ReceiverIn(RequestModel):
    name: text(100)
    phone: text(32, min_length=5)
    region: text(64)
    city: text(64)
    address: text(300, multiline=True)


class ReReviewIn(RequestModel):
    receiver: ReceiverIn
    reason: text(500, multiline=True)


@router.post("/shipments/{shipment_id}/re-review", status_code=202, responses=REFUSALS,
             summary="Staff: send a shipment to another receiver (intercepted first if dispatched)")
async def post_re_review(shipment_id: str, body: ReReviewIn, who: Staff, api: Api,
                         idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with api.transactions.begin() as tx:
        async def command() -> StoredResponse:
            shipment, at_once = await re_review_shipment(tx, api.collaborators, shipment_id,
                                                         Receiver(**body.receiver.model_dump()), body.reason,
                                                         f"staff:{who.sub}")
            return StoredResponse(200 if at_once else 202, shipment_view(shipment, internal=True))

        scope = f"POST /fulfillment/shipments/{shipment_id}/re-review"
        answer, replayed = await api.idempotency.once(tx.session, scope, who.sub, idempotency_key,
                                                      body.model_dump(mode="json"), command)
    return JSONResponse(answer.body, answer.status_code, headers={"Idempotent-Replayed": "true"} if replayed else None)
