"""What the HTTP routes are given by the composition root (on `app.state.api`)."""

from dataclasses import dataclass

from fastapi import Request

from tradeflow_fulfillment.app.ports import Transactions


@dataclass(frozen=True)
class FulfillmentApi:
    transactions: Transactions


async def fulfillment_api(request: Request) -> FulfillmentApi:
    """The routes' dependency: `api: FulfillmentApi = Depends(fulfillment_api)`."""
    return request.app.state.api
