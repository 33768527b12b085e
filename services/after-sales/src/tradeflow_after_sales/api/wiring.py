"""What the HTTP routes are given by the composition root (on `app.state.api`)."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from tradeflow_after_sales.app.open_case import OrderWait
from tradeflow_after_sales.app.ports import Collaborators
from tradeflow_kit.idempotency import IdempotencyStore
from tradeflow_kit.notices import Notices
from tradeflow_kit.unit_of_work import SqlaTransactions, SqlaUnitOfWork


@dataclass(frozen=True)
class AfterSalesApi:
    transactions: SqlaTransactions[SqlaUnitOfWork]  # AfterSalesTransactions; `tx.session` holds Idempotency-Keys
    collaborators: Collaborators
    idempotency: IdempotencyStore
    order_facts: Notices  # woken when an order's facts are kept (POST /after-sales waits for them)
    order_wait: OrderWait


async def after_sales_api(request: Request) -> AfterSalesApi:
    """The routes' dependency: `api: AfterSalesApi = Depends(after_sales_api)`."""
    return request.app.state.api


Api = Annotated[AfterSalesApi, Depends(after_sales_api)]
