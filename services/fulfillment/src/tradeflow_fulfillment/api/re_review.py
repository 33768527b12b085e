"""Re-review (API.md "Fulfillment"): `POST /fulfillment/shipments/{id}/re-review`
`{receiver?, split?: [{line_id, quantity}], reason}` — staff send the shipment to another receiver
and/or pack some units apart (DOMAIN §4 反审核, 拆包裹). Staff only; `Idempotency-Key` accepted.
200 with the shipment when changed at once (not dispatched yet; a split: the old one, cancelled,
its two new ones planned); 202 while the warehouse is asked to stop it (it then goes again under a
new dispatch number — its history shows both — or is replaced by the two); 409
`re-review-refused` once it is on its way or for a split it cannot make, 404 for an unknown one."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field, model_validator

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


class UnitsApart(RequestModel):
    line_id: text(100)
    quantity: int = Field(gt=0, le=1_000_000)


class ReReviewIn(RequestModel):
    receiver: ReceiverIn | None = None
    split: list[UnitsApart] = Field(default_factory=list, max_length=100)
    reason: text(500, multiline=True)

    @model_validator(mode="after")
    def _something_to_change(self) -> "ReReviewIn":
        if self.receiver is None and not self.split:
            raise ValueError("give a new receiver, units to pack apart (split), or both")
        if len({u.line_id for u in self.split}) != len(self.split):
            raise ValueError("split names a line twice")
        return self


@router.post("/shipments/{shipment_id}/re-review", status_code=202, responses=REFUSALS,
             summary="Staff: send a shipment to another receiver (intercepted first if dispatched)")
async def post_re_review(shipment_id: str, body: ReReviewIn, who: Staff, api: Api,
                         idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with api.transactions.begin() as tx:
        async def command() -> StoredResponse:
            receiver = Receiver(**body.receiver.model_dump()) if body.receiver else None
            shipment, at_once = await re_review_shipment(tx, api.collaborators, shipment_id, receiver, body.reason,
                                                         f"staff:{who.sub}",
                                                         [(u.line_id, u.quantity) for u in body.split])
            return StoredResponse(200 if at_once else 202, shipment_view(shipment, internal=True))

        scope = f"POST /fulfillment/shipments/{shipment_id}/re-review"
        answer, replayed = await api.idempotency.once(tx.session, scope, who.sub, idempotency_key,
                                                      body.model_dump(mode="json"), command)
    return JSONResponse(answer.body, answer.status_code, headers={"Idempotent-Replayed": "true"} if replayed else None)
