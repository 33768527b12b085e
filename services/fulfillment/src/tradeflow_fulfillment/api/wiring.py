"""What the HTTP routes are given by the composition root (on `app.state.api`)."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from tradeflow_fulfillment.app.ports import Collaborators, Transactions
from tradeflow_kit.idempotency import IdempotencyStore
from tradeflow_kit.webhook_signature import WebhookSignature


@dataclass(frozen=True)
class FulfillmentApi:
    transactions: Transactions  # the kit's SqlaTransactions: `tx.session` holds Idempotency-Keys
    collaborators: Collaborators
    idempotency: IdempotencyStore
    warehouse_signature: WebhookSignature
    carrier_signature: WebhookSignature


async def fulfillment_api(request: Request) -> FulfillmentApi:
    """The routes' dependency: `api: FulfillmentApi = Depends(fulfillment_api)`."""
    return request.app.state.api


Api = Annotated[FulfillmentApi, Depends(fulfillment_api)]
