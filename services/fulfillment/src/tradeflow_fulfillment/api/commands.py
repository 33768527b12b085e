"""Staff commands over HTTP (API.md "Conventions"): each runs in one transaction, at most once per
`Idempotency-Key` — the same key and body give the original answer (`Idempotent-Replayed: true`),
the same key with another body a 409 `idempotency-key-reused`; `required` makes the key a must
(400 `idempotency-key-required` without it)."""

from collections.abc import Awaitable, Callable

from fastapi.responses import JSONResponse

from tradeflow_fulfillment.api.wiring import FulfillmentApi
from tradeflow_fulfillment.app.ports import FulfillmentTransaction
from tradeflow_kit.auth import Principal
from tradeflow_kit.idempotency import StoredResponse

Command = Callable[[FulfillmentTransaction], Awaitable[dict]]  # the resource as the answer shows it


async def run_once(api: FulfillmentApi, scope: str, who: Principal, key: str | None, body: dict, run: Command,
                   *, required: bool = False) -> JSONResponse:
    async with api.transactions.begin() as tx:
        async def command() -> StoredResponse:
            return StoredResponse(200, await run(tx))

        answer, replayed = await api.idempotency.once(tx.session, scope, who.sub, key, body, command,
                                                      required=required)
    return JSONResponse(answer.body, answer.status_code, headers={"Idempotent-Replayed": "true"} if replayed else None)
