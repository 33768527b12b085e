"""After-sales in PostgreSQL: the returns cases expect (`case_returns`, one row per case, its
cancellation as JSON) and the lines cases revoked (`case_revocations`)."""

from dataclasses import asdict, fields
from datetime import datetime

from sqlalchemy import Row, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_fulfillment.adapters.tables import case_returns, case_revocations
from tradeflow_fulfillment.domain.returns import (
    Cancellation,
    CaseReturn,
    Registration,
    ReturnStatus,
    ReturnUnits,
    ShippedUnits,
)

MOMENTS = ("at", "told_at", "sent_back_at")  # Cancellation's times, ISO 8601 in JSON


class SqlaCaseReturns:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, case_id: str, *, lock: bool = False) -> CaseReturn | None:
        query = select(case_returns).where(case_returns.c.case_id == case_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).first()
        return None if row is None else _case_return(row)

    async def add(self, r: CaseReturn) -> bool:
        statement = (insert(case_returns).values(case_id=r.case_id, order_id=r.order_id, warehouse=r.warehouse,
                                                 lines=[asdict(ln) for ln in r.lines], expected_at=r.expected_at,
                                                 **_values(r))
                     .on_conflict_do_nothing().returning(case_returns.c.case_id))
        return (await self.session.execute(statement)).first() is not None

    async def save(self, r: CaseReturn) -> None:
        await self.session.execute(update(case_returns).where(case_returns.c.case_id == r.case_id).values(_values(r)))

    async def of_order(self, order_id: str) -> list[CaseReturn]:
        query = select(case_returns).where(case_returns.c.order_id == order_id).order_by(case_returns.c.case_id)
        return [_case_return(row) for row in await self.session.execute(query)]

    async def find(self, *, order_id: str | None = None, status: str | None = None,
                   limit: int = 100) -> list[CaseReturn]:
        c = case_returns.c
        query = select(case_returns).order_by(c.expected_at, c.case_id).limit(limit)
        if order_id is not None:
            query = query.where(c.order_id == order_id)
        if status is not None:
            query = query.where(c.status == status)
        return [_case_return(row) for row in await self.session.execute(query)]

    async def claim_due(self, now: datetime) -> CaseReturn | None:
        c = case_returns.c
        row = (await self.session.execute(
            select(case_returns).where(c.registration_due_at <= now).order_by(c.registration_due_at, c.case_id)
            .limit(1).with_for_update(skip_locked=True))).first()
        return None if row is None else _case_return(row)


class SqlaCaseRevocations:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, case_id: str, order_id: str, line_id: str, reason: str, at: datetime,
                     entitlement_id: str | None) -> None:
        statement = insert(case_revocations).values(case_id=case_id, order_id=order_id, line_id=line_id,
                                                    reason=reason, asked_at=at, entitlement_id=entitlement_id)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[case_revocations.c.case_id, case_revocations.c.line_id],
            set_={"entitlement_id": statement.excluded.entitlement_id},
            where=case_revocations.c.entitlement_id.is_(None)))

    async def of_line(self, order_id: str, line_id: str) -> tuple[str, str] | None:
        c = case_revocations.c
        row = (await self.session.execute(select(c.case_id, c.reason).where(c.order_id == order_id,
                                                                            c.line_id == line_id)
                                          .order_by(c.asked_at, c.case_id).limit(1))).first()
        return None if row is None else (row.case_id, row.reason)


def _values(r: CaseReturn) -> dict:
    """The columns that change."""
    return {"carrier": r.carrier, "waybill": r.waybill, "status": r.status.value,
            "registration": asdict(r.registration), "registration_due_at": r.registration_due_at,
            "received_at": r.received_at, "inspected_at": r.inspected_at, "note": r.note,
            "restocks": [asdict(x) for x in r.restocks], "cancellation": _cancellation_json(r.cancellation)}


def _cancellation_json(c: Cancellation | None) -> dict | None:
    if c is None:
        return None
    found = asdict(c)
    return found | {k: None if found[k] is None else found[k].isoformat() for k in MOMENTS}


def _cancellation(found: dict | None) -> Cancellation | None:
    if found is None:
        return None
    known = {f.name for f in fields(Cancellation)}
    return Cancellation(**{k: v for k, v in found.items() if k in known}
                        | {k: None if found.get(k) is None else datetime.fromisoformat(found[k]) for k in MOMENTS})


def _case_return(row: Row) -> CaseReturn:
    return CaseReturn(case_id=row.case_id, order_id=row.order_id, warehouse=row.warehouse,
                      lines=[ReturnUnits(**ln) for ln in row.lines], expected_at=row.expected_at,
                      carrier=row.carrier, waybill=row.waybill, status=ReturnStatus(row.status),
                      registration=Registration(**row.registration), registration_due_at=row.registration_due_at,
                      received_at=row.received_at, inspected_at=row.inspected_at, note=row.note,
                      restocks=[ShippedUnits(**x) for x in row.restocks], cancellation=_cancellation(row.cancellation))
