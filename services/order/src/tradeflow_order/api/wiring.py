"""What the HTTP routes are given by the composition root (on `app.state.api`)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradeflow_kit.idempotency import IdempotencyStore
from tradeflow_order.app.ports import Collaborators, OrderTransaction


@dataclass(frozen=True)
class OrderApi:
    sessions: async_sessionmaker[AsyncSession]
    transaction: Callable[[AsyncSession], OrderTransaction]  # the unit of work on a session
    collaborators: Collaborators
    idempotency: IdempotencyStore


async def order_api(request: Request) -> OrderApi:
    return request.app.state.api


Api = Annotated[OrderApi, Depends(order_api)]
