"""What the HTTP routes are given by the composition root (on `app.state.api`)."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from tradeflow_kit.idempotency import IdempotencyStore
from tradeflow_kit.unit_of_work import SqlaTransactions, SqlaUnitOfWork
from tradeflow_order.app.ports import Collaborators, OrderChanges


@dataclass(frozen=True)
class OrderApi:
    transactions: SqlaTransactions[SqlaUnitOfWork]  # OrderTransactions; `tx.session` holds Idempotency-Keys
    collaborators: Collaborators
    idempotency: IdempotencyStore
    order_changes: OrderChanges  # what GET /orders/{id}/events waits on


async def order_api(request: Request) -> OrderApi:
    return request.app.state.api


Api = Annotated[OrderApi, Depends(order_api)]
