"""Entitlements and the once-per-order planning record in PostgreSQL."""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Row, insert, literal, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_fulfillment.adapters.tables import entitlements, planned_orders
from tradeflow_fulfillment.domain.entitlement import Entitlement, EntitlementStatus
from tradeflow_fulfillment.domain.errors import EntitlementNotFound


class SqlaEntitlementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, items: Collection[Entitlement]) -> None:
        if items:
            await self.session.execute(insert(entitlements), [_values(e) for e in items])

    async def of_order(self, order_id: str) -> list[Entitlement]:
        query = select(entitlements).where(entitlements.c.order_id == order_id).order_by(entitlements.c.id)
        return [_entitlement(row) for row in await self.session.execute(query.with_for_update())]

    async def save(self, entitlement: Entitlement) -> None:
        values = _values(entitlement)
        await self.session.execute(update(entitlements).where(entitlements.c.id == entitlement.id).values(
            status=values["status"], revoked_at=values["revoked_at"], revoke_reason=values["revoke_reason"],
            revoke_case_id=values["revoke_case_id"]))

    async def get(self, entitlement_id: str, *, lock: bool = False) -> Entitlement:
        query = select(entitlements).where(entitlements.c.id == entitlement_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).first()
        if row is None:
            raise EntitlementNotFound(f"no entitlement {entitlement_id}")
        return _entitlement(row)

    async def find(self, *, account: str | None, limit: int,
                   before: tuple[datetime, str] | None = None) -> list[Entitlement]:
        query = select(entitlements).order_by(entitlements.c.granted_at.desc(), entitlements.c.id.desc()).limit(limit)
        if account is not None:
            query = query.where(entitlements.c.account == account)
        if before is not None:
            query = query.where(tuple_(entitlements.c.granted_at, entitlements.c.id) < tuple_(*map(literal, before)))
        return [_entitlement(row) for row in await self.session.execute(query)]


class SqlaPlannedOrders:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, order_id: str, at: datetime) -> bool:
        """A concurrent claim of the same order waits on the first one's row and then sees it."""
        statement = (pg_insert(planned_orders).values(order_id=order_id, planned_at=at)
                     .on_conflict_do_nothing().returning(planned_orders.c.order_id))
        return (await self.session.execute(statement)).first() is not None

    async def was_skipped(self, order_id: str) -> bool:
        row = (await self.session.execute(select(planned_orders.c.outcome)
                                          .where(planned_orders.c.order_id == order_id))).first()
        return row is not None and row.outcome == "skipped_before_start"

    async def is_planned(self, order_id: str) -> bool:
        row = (await self.session.execute(select(planned_orders.c.outcome)
                                          .where(planned_orders.c.order_id == order_id))).first()
        return row is not None and row.outcome == "planned"

    async def skip(self, order_id: str, at: datetime, paid_at: datetime) -> bool:
        statement = (pg_insert(planned_orders).values(order_id=order_id, planned_at=at, outcome="skipped_before_start",
                                                      paid_at=paid_at)
                     .on_conflict_do_nothing().returning(planned_orders.c.order_id))
        return (await self.session.execute(statement)).first() is not None


def _values(e: Entitlement) -> dict:
    return {"id": e.id, "account": e.account, "sku": e.sku, "quantity": e.quantity, "order_id": e.order_id,
            "sub_order_id": e.sub_order_id, "line_id": e.line_id, "status": e.status.value,
            "granted_at": e.granted_at, "revoked_at": e.revoked_at, "revoke_reason": e.revoke_reason,
            "revoke_case_id": e.revoke_case_id}


def _entitlement(row: Row) -> Entitlement:
    return Entitlement(id=row.id, account=row.account, sku=row.sku, quantity=row.quantity, order_id=row.order_id,
                       sub_order_id=row.sub_order_id, line_id=row.line_id, granted_at=row.granted_at,
                       status=EntitlementStatus(row.status), revoked_at=row.revoked_at,
                       revoke_reason=row.revoke_reason, revoke_case_id=row.revoke_case_id)
