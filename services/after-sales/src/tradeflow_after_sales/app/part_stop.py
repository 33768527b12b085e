"""A part stop (issue 12): the order stopped some of a refund_only case's units before shipment
and the others go on to the buyer. The case keeps the stopped units — refunded by the order,
exactly (`LinesRefunded` for its `refund_id` completes it) — and the units going on continue in a
new return_and_refund case, opened here by the saga for the same buyer, already approved, its saga
straight in awaiting_return (ExpectReturn sent, the return deadline running). See
`domain/split.py` for why a split and how the money is shared."""

from datetime import datetime

from tradeflow_after_sales.app.flow import advance
from tradeflow_after_sales.app.order_facts import merchants_of
from tradeflow_after_sales.app.ports import CASE_ID_PREFIX, AfterSalesTransaction, CaseProgress, Collaborators
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_contracts import after_sales as a
from tradeflow_kit.sagas.instance import begin


async def split_part_stop(tx: AfterSalesTransaction, c: Collaborators, case: AfterSalesCase,
                          progress: CaseProgress, m: a.LinesCancelled, now: datetime) -> None:
    """Split the case (its own saga moves on with the caller's `advance`) and start the new one."""
    why = "; ".join(f"{g.line_id} ×{g.quantity}: {g.problem}" for g in m.going_on)
    progress.stop_refund_id = m.refund_id
    continued = case.split_off(
        c.ids.new_id(CASE_ID_PREFIX), {s.line_id: (s.quantity, s.amount) for s in m.stopped},
        {g.line_id: g.quantity for g in m.going_on}, f"some units could no longer be stopped ({why})",
        now + c.return_deadline, now)
    case.start_refund(now)
    facts = await tx.order_facts.get(case.order_id)
    new_progress = CaseProgress(continued.id, return_warehouse=going_on_warehouse(m))
    await tx.cases.add(continued, merchants_of(facts, [ln.line_id for ln in continued.lines]), new_progress)
    saga = begin(c.saga, continued.id, now, f"continues case {case.id} (part stop)")
    await tx.sagas.add(saga)
    await advance(tx, c, continued, new_progress, saga, f"split from case {case.id}")


def going_on_warehouse(m: a.LinesCancelled) -> str | None:
    """Where the units going on shipped from, when the order names one warehouse for all of them
    (a return goes there); None leaves the choice to the order's facts."""
    warehouses = {g.warehouse for g in m.going_on}
    return warehouses.pop() if len(warehouses) == 1 else None
