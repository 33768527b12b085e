"""`CaseRepository` on SQLAlchemy Core, inside the caller's open transaction (it never commits).
A case's lines are rewritten when it is saved (a few rows; an override or a conversion changes
them); its history is append-only."""

from datetime import datetime

from sqlalchemy import and_, delete, insert, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_after_sales.adapters.case_rows import case_of, case_values, history_rows, line_rows, new_case_values
from tradeflow_after_sales.adapters.tables import case_history, case_lines, case_progress, cases
from tradeflow_after_sales.app.ports import CaseFilter, CaseProgress
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.order_snapshot import Claim
from tradeflow_after_sales.domain.states import FINAL


class SqlaCaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, case: AfterSalesCase, merchant_ids: list[str], progress: CaseProgress) -> None:
        await self.session.execute(insert(cases).values(**new_case_values(case, merchant_ids)))
        await self.session.execute(insert(case_lines).values(line_rows(case)))
        await self._append_history(case)
        await self.session.execute(insert(case_progress).values(**_progress_values(progress)))

    async def get(self, case_id: str, *, lock: bool = False) -> AfterSalesCase | None:
        query = select(cases).where(cases.c.id == case_id)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else (await self._built([row]))[0]

    async def save(self, case: AfterSalesCase) -> None:
        now = case.history[-1].at if case.history else case.opened_at
        await self.session.execute(update(cases).where(cases.c.id == case.id).values(**case_values(case, now)))
        await self.session.execute(delete(case_lines).where(case_lines.c.case_id == case.id))
        await self.session.execute(insert(case_lines).values(line_rows(case)))
        await self._append_history(case)

    async def claims(self, order_id: str) -> tuple[Claim, ...]:
        rows = (await self.session.execute(select(cases).where(cases.c.order_id == order_id))).mappings().all()
        return tuple(claim for case in await self._built(rows) for claim in case.claims())

    async def stopped_for_cases(self, order_id: str) -> dict[str, tuple[int, int]]:
        holding = or_(cases.c.status.notin_([s.value for s in FINAL]), cases.c.refunded_amount.is_not(None))
        query = (select(case_progress.c.stopped_lines).join(cases, cases.c.id == case_progress.c.case_id)
                 .where(cases.c.order_id == order_id, case_progress.c.stopped_lines != {}, holding))
        stopped: dict[str, tuple[int, int]] = {}
        for lines in (await self.session.execute(query)).scalars():
            for line_id, (units, amount) in lines.items():
                before = stopped.get(line_id, (0, 0))
                stopped[line_id] = (before[0] + units, before[1] + amount)
        return stopped

    async def progress(self, case_id: str) -> CaseProgress:
        row = (await self.session.execute(select(case_progress).where(case_progress.c.case_id == case_id))
               ).mappings().one()
        return CaseProgress(**dict(row))

    async def save_progress(self, progress: CaseProgress) -> None:
        values = _progress_values(progress)
        await self.session.execute(update(case_progress).where(case_progress.c.case_id == progress.case_id)
                                   .values(**values))

    async def merchants(self, case_id: str) -> list[str]:
        return list((await self.session.execute(select(cases.c.merchant_ids).where(cases.c.id == case_id))).scalar())

    async def find(self, where: CaseFilter, limit: int, before: tuple[datetime, str] | None) -> list[AfterSalesCase]:
        c = cases.c
        query = select(cases).order_by(c.opened_at.desc(), c.id.desc()).limit(limit)
        for column, value in ((c.buyer_id, where.buyer_id), (c.order_id, where.order_id), (c.status, where.status)):
            if value is not None:
                query = query.where(column == value)
        if where.merchant_id is not None:
            query = query.where(c.merchant_ids.contains([where.merchant_id]))
        if where.overdue_before is not None:
            query = query.where(or_(
                and_(c.status == "requested", c.opened_at < where.overdue_before),
                and_(c.status == "awaiting_return", c.return_deadline <= where.now),
                c.status == "needs_attention"))
        if before is not None:
            query = query.where(tuple_(c.opened_at, c.id) < tuple_(*before))
        return await self._built((await self.session.execute(query)).mappings().all())

    async def _built(self, rows) -> list[AfterSalesCase]:
        ids = [row["id"] for row in rows]
        if not ids:
            return []
        lines = (await self.session.execute(select(case_lines).where(case_lines.c.case_id.in_(ids))
                                            .order_by(case_lines.c.position))).mappings().all()
        history = (await self.session.execute(select(case_history).where(case_history.c.case_id.in_(ids))
                                              .order_by(case_history.c.id))).mappings().all()
        return [case_of(row, [ln for ln in lines if ln["case_id"] == row["id"]],
                        [h for h in history if h["case_id"] == row["id"]]) for row in rows]

    async def _append_history(self, case: AfterSalesCase) -> None:
        entries = case.pull_new_history()
        if entries:
            await self.session.execute(insert(case_history).values(history_rows(case.id, entries)))


def _progress_values(progress: CaseProgress) -> dict:
    return {"case_id": progress.case_id, "refund_attempt": progress.refund_attempt,
            "pending_refund_id": progress.pending_refund_id, "refund_failed": progress.refund_failed,
            "stop_refund_id": progress.stop_refund_id, "failures": progress.failures,
            "return_warehouse": progress.return_warehouse,
            "replacement_warehouses": progress.replacement_warehouses, "revoked_lines": progress.revoked_lines,
            "stopped_lines": progress.stopped_lines}
