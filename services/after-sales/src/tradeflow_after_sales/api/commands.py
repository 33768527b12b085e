"""What every changing route shares: who may call, who the history names, and running a command
once per Idempotency-Key."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header
from fastapi.responses import JSONResponse

from tradeflow_after_sales.api.views import case_view
from tradeflow_after_sales.api.wiring import AfterSalesApi
from tradeflow_after_sales.app.ports import AfterSalesTransaction
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.idempotency import StoredResponse

BuyerOrStaff = Annotated[Principal, Depends(require_roles(Role.BUYER, Role.STAFF))]
Reviewers = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.MERCHANT))]
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF))]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
Command = Callable[[AfterSalesTransaction], Awaitable[AfterSalesCase]]


def actor(who: Principal) -> str:
    if Role.STAFF in who.roles:
        return f"staff:{who.sub}"
    if who.merchant_id is not None:
        return f"merchant:{who.merchant_id}"
    return f"buyer:{who.sub}"


def as_merchant(who: Principal) -> str | None:
    """A merchant reviewing (checked against the case's sub-orders); None for staff."""
    return None if Role.STAFF in who.roles else who.merchant_id


async def once(api: AfterSalesApi, scope: str, who: Principal, key: str | None, body: dict, run: Command,
               created: bool = False) -> JSONResponse:
    """Run a changing command in one transaction; with an Idempotency-Key (required to open a
    case), at most once."""
    async with api.transactions.begin() as tx:
        async def command() -> StoredResponse:
            case = await run(tx)
            return StoredResponse(201 if created else 200, case_view(case, await tx.cases.progress(case.id)))

        answer, replayed = await api.idempotency.once(tx.session, scope, who.sub, key, body, command, required=created)
    if replayed:
        return JSONResponse(answer.body, answer.status_code, headers={"Idempotent-Replayed": "true"})
    headers = {"Location": f"/after-sales/{answer.body['id']}"} if created else None
    return JSONResponse(answer.body, answer.status_code, headers=headers)
