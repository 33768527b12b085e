"""What the HTTP routes are given by the composition root (on `app.state.api`)."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from tradeflow_fulfillment.app.ports import Collaborators, Transactions


@dataclass(frozen=True)
class FulfillmentApi:
    transactions: Transactions
    collaborators: Collaborators


async def fulfillment_api(request: Request) -> FulfillmentApi:
    """The routes' dependency: `api: FulfillmentApi = Depends(fulfillment_api)`."""
    return request.app.state.api


Api = Annotated[FulfillmentApi, Depends(fulfillment_api)]
