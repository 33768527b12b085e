"""Each order's stop (cancellation after payment) in PostgreSQL: one row, its outcomes and the
parts still being decided as JSON."""

from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_fulfillment.adapters.tables import order_stops
from tradeflow_fulfillment.domain.interception import GoingOn, Stopped, Verdict
from tradeflow_fulfillment.domain.stopping import OrderStop, Outcome, Units


class SqlaOrderStops:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, order_id: str) -> OrderStop | None:
        row = (await self.session.execute(
            select(order_stops).where(order_stops.c.order_id == order_id).with_for_update())).first()
        if row is None:
            return None
        return OrderStop(order_id=row.order_id, reason=row.reason, requested_by=row.requested_by,
                         requested_at=row.requested_at, answered_at=row.answered_at,
                         outcomes=[Outcome(Units(**o["units"]), _verdict_of(o["verdict"])) for o in row.outcomes],
                         waiting={part: [Units(**u) for u in units] for part, units in row.waiting.items()})

    async def save(self, stop: OrderStop) -> None:
        values = {"reason": stop.reason, "requested_by": stop.requested_by, "requested_at": stop.requested_at,
                  "answered_at": stop.answered_at,
                  "outcomes": [{"units": asdict(o.units), "verdict": _verdict_value(o.verdict)} for o in stop.outcomes],
                  "waiting": {part: [asdict(u) for u in units] for part, units in stop.waiting.items()}}
        await self.session.execute(insert(order_stops).values(order_id=stop.order_id, **values)
                                   .on_conflict_do_update(index_elements=[order_stops.c.order_id], set_=values))


def _verdict_value(v: Verdict) -> dict:
    if isinstance(v, Stopped):
        return {"stopped": True, "returning": v.returning}
    return {"stopped": False, "problem": v.problem, "detail": v.detail}


def _verdict_of(value: dict) -> Verdict:
    return Stopped(value["returning"]) if value["stopped"] else GoingOn(value["problem"], value["detail"])
