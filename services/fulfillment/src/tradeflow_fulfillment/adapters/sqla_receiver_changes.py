"""Each receiver change (ChangeReceiver) in PostgreSQL: one row, its outcomes and the shipments
still being stopped for it as JSON."""

from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_fulfillment.adapters.tables import receiver_changes
from tradeflow_fulfillment.domain.model import Receiver
from tradeflow_fulfillment.domain.receiver_change import ReceiverChange, ShipmentOutcome

_c = receiver_changes.c


class SqlaReceiverChanges:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, change_id: str) -> ReceiverChange | None:
        found = await self._load(select(receiver_changes).where(_c.change_id == change_id))
        return found[0] if found else None

    async def pending(self, order_id: str) -> list[ReceiverChange]:
        return await self._load(select(receiver_changes).where(_c.order_id == order_id, _c.settled_at.is_(None)))

    async def waiting_for(self, shipment_id: str) -> list[ReceiverChange]:
        return await self._load(select(receiver_changes).where(_c.settled_at.is_(None),
                                                               _c.waiting.contains([shipment_id])))

    async def save(self, change: ReceiverChange) -> None:
        values = {"order_id": change.order_id, "receiver": asdict(change.receiver), "reason": change.reason,
                  "requested_by": change.requested_by, "requested_at": change.requested_at,
                  "outcomes": [asdict(o) for o in change.outcomes], "waiting": list(change.waiting),
                  "settled_at": change.settled_at}
        await self.session.execute(insert(receiver_changes).values(change_id=change.change_id, **values)
                                   .on_conflict_do_update(index_elements=[_c.change_id], set_=values))

    async def _load(self, query) -> list[ReceiverChange]:
        rows = (await self.session.execute(query.order_by(_c.change_id).with_for_update())).all()
        return [ReceiverChange(change_id=r.change_id, order_id=r.order_id, receiver=Receiver(**r.receiver),
                               reason=r.reason, requested_by=r.requested_by, requested_at=r.requested_at,
                               outcomes=[ShipmentOutcome(**o) for o in r.outcomes], waiting=list(r.waiting),
                               settled_at=r.settled_at) for r in rows]
