"""The one way a case moves on: after every change (a request, a reply, a deadline) the case takes
the moves that need nobody (`settle`), its saga stands in the step its status calls for
(`step_for`, the kit refusing any move its table does not list), entering a step sends that step's
commands, and case, saga data, saga and announcements are saved together.

A parked case parks its saga too (the ops listing shows it; its deadlines stop); a case that moves
on again (staff retry, or the outside reported what was stuck) takes its saga back.
"""

from datetime import datetime

from tradeflow_after_sales.app.announcements import announce
from tradeflow_after_sales.app.ports import AfterSalesTransaction, CaseProgress, Collaborators
from tradeflow_after_sales.app.steps import send_step
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.errors import CaseNotFound
from tradeflow_after_sales.domain.states import FINAL, CaseStatus, CaseType
from tradeflow_kit.sagas.definition import SagaState
from tradeflow_kit.sagas.instance import SagaInstance, move, park, resume

S, T = CaseStatus, CaseType


def settle(case: AfterSalesCase, progress: CaseProgress, c: Collaborators, now: datetime) -> None:
    """The moves the saga makes by itself, until none applies."""
    while True:
        status, kind = case.status, case.type
        if status is S.APPROVED and kind is T.REFUND_ONLY and goods_left(case):
            case.shipment_not_stopped("the channel refunded goods that had left: they come back as a return",
                                      now + c.return_deadline, now)
        elif status is S.APPROVED and kind is T.REFUND_ONLY and not stops_shipment(case):
            case.start_refund(now)
        elif status is S.APPROVED and (kind is T.RETURN_AND_REFUND or progress.replacement_warehouses):
            case.await_return(now + c.return_deadline, now)
        elif status is S.INSPECTED_OK and kind is T.RETURN_AND_REFUND:
            case.start_refund(now)
        elif status is S.REFUNDED and not _revocations_left(case, progress):
            case.complete(now)
        elif status is S.REPLACEMENT_DELIVERED:
            case.complete(now)
        else:
            return


def step_for(case: AfterSalesCase, progress: CaseProgress, current: str) -> str:
    """The saga step the case's status calls for."""
    status = case.status
    if status is S.NEEDS_ATTENTION:
        return current
    if status in FINAL:
        return "completed" if status is S.COMPLETED else "closed"
    if status is S.REFUNDING:
        return "stopping_shipment" if progress.stop_refund_id else "refunding"
    if status is S.APPROVED:
        return "reserving_replacement" if case.type is T.EXCHANGE else "stopping_shipment"
    return _BY_STATUS[status]


_BY_STATUS = {
    S.REQUESTED: "reviewing", S.AWAITING_RETURN: "awaiting_return", S.RETURN_IN_TRANSIT: "returning",
    S.RECEIVED: "inspecting", S.INSPECTED_OK: "shipping_replacement", S.INSPECTED_FAILED: "deciding",
    S.REFUNDED: "revoking_entitlement", S.REPLACEMENT_SHIPPING: "shipping_replacement",
    S.REPLACEMENT_DELIVERED: "shipping_replacement",
}


async def advance(tx: AfterSalesTransaction, c: Collaborators, case: AfterSalesCase, progress: CaseProgress,
                  saga: SagaInstance, cause: str, *, resend: bool = False) -> None:
    """Settle the case, move its saga, send what the step sends (again, with `resend`), save all."""
    now = c.clock.now()
    settle(case, progress, c, now)
    target = step_for(case, progress, saga.step)
    moved = move(c.saga, saga, target, cause, now)
    if moved:
        progress.failures = 0
    if case.status is S.NEEDS_ATTENTION:
        if saga.state is SagaState.RUNNING:
            park(saga, f"{case.attention.step}: {case.attention.reason}", now)
    elif saga.state is SagaState.NEEDS_ATTENTION:
        resume(c.saga, saga, cause, now)
        if saga.step == "awaiting_return":  # the buyer's deadline stays the return deadline
            saga.deadline_at = case.return_deadline
        elif resend:  # asked again below: the next ask after the reply timeout, not at once
            saga.deadline_at = c.saga.deadline_after(saga.step, now)
    if moved or resend:
        await send_step(tx, target, case, progress, await tx.order_facts.get(case.order_id))
    await tx.cases.save(case)
    await tx.cases.save_progress(progress)
    await tx.sagas.save(saga)
    await announce(tx, case)


async def load(tx: AfterSalesTransaction, case_id: str) -> tuple[AfterSalesCase, CaseProgress, SagaInstance]:
    """The case, its saga data and its saga, locked (one case's steps run one at a time)."""
    saga = await tx.sagas.get(case_id, lock=True)
    case = await tx.cases.get(case_id) if saga is not None else None
    if case is None:
        raise CaseNotFound(f"no after-sales case {case_id}")
    return case, await tx.cases.progress(case_id), saga


async def failed(tx: AfterSalesTransaction, c: Collaborators, case: AfterSalesCase, progress: CaseProgress,
                 saga: SagaInstance, step: str, reason: str) -> None:
    """A step failed for a reason worth retrying: asked again after a backoff, or — the last
    attempt spent — the case needs attention."""
    now = c.clock.now()
    progress.failures += 1
    if progress.failures >= c.retry.max_attempts:
        case.park(step, f"failed {progress.failures} times, last: {reason}", now)
    else:
        saga.deadline_at = now + c.retry.backoff(progress.failures)
    await advance(tx, c, case, progress, saga, f"{step} failed: {reason}")


def stops_shipment(case: AfterSalesCase) -> bool:
    """A refund_only opened before shipment (or a channel's, on a partly shipped order:
    `opening.stops_goods_first`) stops its goods first — unless it has none to stop (virtual goods
    only: their entitlement is revoked once refunded)."""
    return case.before_shipment and any(not ln.virtual for ln in case.lines)


def goods_left(case: AfterSalesCase) -> bool:
    """A channel's refund_only opened after its goods left: the parcel comes back (the buyer never
    keeps both the channel's money and the goods); virtual goods alone are revoked once refunded."""
    return case.by_channel and not case.before_shipment and any(not ln.virtual for ln in case.lines)


def _revocations_left(case: AfterSalesCase, progress: CaseProgress) -> bool:
    return any(ln.virtual and ln.line_id not in progress.revoked_lines for ln in case.lines)
