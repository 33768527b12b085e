"""Reading cases: one with its saga data and merchants (who may see it), or a page of them.
Overdue (the ops view): pending review past the review threshold, awaiting a return past its
deadline, or needing attention."""

from dataclasses import dataclass, replace
from datetime import datetime

from tradeflow_after_sales.app.ports import AfterSalesTransaction, CaseFilter, CaseProgress, Collaborators
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.errors import CaseNotFound


@dataclass(frozen=True)
class CaseRead:
    case: AfterSalesCase
    progress: CaseProgress
    merchant_ids: list[str]


async def get_case(tx: AfterSalesTransaction, case_id: str) -> CaseRead:
    case = await tx.cases.get(case_id)
    if case is None:
        raise CaseNotFound(f"no after-sales case {case_id}")
    return CaseRead(case, await tx.cases.progress(case_id), await tx.cases.merchants(case_id))


async def list_cases(tx: AfterSalesTransaction, c: Collaborators, where: CaseFilter, overdue: bool, limit: int,
                     before: tuple[datetime, str] | None) -> list[CaseRead]:
    if overdue:
        now = c.clock.now()
        where = replace(where, overdue_before=now - c.review_overdue_after, now=now)
    found = await tx.cases.find(where, limit, before)
    return [CaseRead(case, await tx.cases.progress(case.id), []) for case in found]
