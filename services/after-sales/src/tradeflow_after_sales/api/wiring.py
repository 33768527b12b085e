"""What the HTTP routes are given by the composition root (on `app.state.api`)."""

from dataclasses import dataclass

from fastapi import Request

from tradeflow_after_sales.app.ports import Transactions


@dataclass(frozen=True)
class AfterSalesApi:
    transactions: Transactions


async def after_sales_api(request: Request) -> AfterSalesApi:
    """The routes' dependency: `api: AfterSalesApi = Depends(after_sales_api)`."""
    return request.app.state.api
