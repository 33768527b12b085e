"""Staff reports on orders (DOMAIN §7 Reporting): `GET /orders/reports/gmv`."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.problems import Problem
from tradeflow_order.api.wiring import Api
from tradeflow_order.app.read_orders import gmv_by_channel

router = APIRouter(prefix="/orders/reports", tags=["reports"])
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF))]


@router.get("/gmv", summary="Staff: GMV by channel (and currency) of the orders paid in a period")
async def get_gmv(_who: Staff, api: Api, since: Annotated[datetime, Query(alias="from")],
                  until: Annotated[datetime, Query(alias="to")],
                  currency: Annotated[str | None, Query(pattern="^[A-Z]{3}$")] = None) -> dict:
    """Orders created in [`from`, `to`) (ISO 8601 with a time zone) that were paid — cancelled
    after payment they still count, before payment not. A channel order's GMV is what its buyer
    paid the channel (its lines' `channel_paid_amount`); the platform's own order's its paid
    amount. One item per channel and currency, narrowed to `currency` when given."""
    _check_period(since, until)
    async with api.transactions.read() as tx:
        items = await gmv_by_channel(tx, since, until, currency)
    return {"from": since.isoformat(), "to": until.isoformat(), "currency": currency,
            "items": [{"channel": g.channel, "currency": g.currency, "orders": g.orders, "gmv_amount": g.gmv_amount,
                       "channel_orders": g.channel_orders} for g in items]}


def _check_period(since: datetime, until: datetime) -> None:
    errors = [{"field": name, "message": "needs a time zone (e.g. 2026-12-01T00:00:00Z)"}
              for name, at in (("from", since), ("to", until)) if at.tzinfo is None]
    if not errors and since >= until:
        errors = [{"field": "to", "message": "must be after from"}]
    if errors:
        raise Problem(422, "validation-failed", "Request validation failed",
                      detail=f"{len(errors)} field(s) are invalid", errors=errors)
