"""The case's domain events → platform messages: every move (and every change of type) is a
`CaseStatusChanged` on after-sales.events, keyed by the order. A move made for a reason someone
gave (`REASONED`: a rejection, a cancellation, parking in needs_attention, staff's force-close or
note, an expiry, a failed inspection) and a change of type carry it as `reason`. A case that could
not be opened at all (a channel's, `refused`) is told once as a move to `refused`, with why."""

from datetime import datetime

from tradeflow_after_sales.app.ports import AfterSalesTransaction
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.events import CaseMoved, CaseOpened, CaseTypeChanged
from tradeflow_after_sales.domain.states import CaseEvent, CaseType
from tradeflow_contracts.after_sales import CaseStatusChanged, CaseUnits

E = CaseEvent
REASONED = frozenset({E.APPROVE, E.REJECT, E.CANCEL, E.PARK, E.FORCE_CLOSE, E.EXPIRE, E.INSPECT_FAIL,
                      E.BECOME_RETURN})
REFUSED = "refused"


async def announce(tx: AfterSalesTransaction, case: AfterSalesCase) -> None:
    for event in case.pull_events():
        match event:
            case CaseOpened(at=at):
                await tx.publish(status_changed(case, None, case.status.value, at), key=case.order_id)
            case CaseMoved(from_status=before, to_status=after, event=moved_on, at=at, reason=reason):
                why = reason if moved_on in REASONED else None
                await tx.publish(status_changed(case, before.value, after.value, at, why), key=case.order_id)
            case CaseTypeChanged(at=at, reason=reason):
                await tx.publish(status_changed(case, case.status.value, case.status.value, at, reason),
                                 key=case.order_id)


def status_changed(case: AfterSalesCase, before: str | None, after: str, at, reason: str | None = None
                   ) -> CaseStatusChanged:
    return CaseStatusChanged(case_id=case.id, order_id=case.order_id, type=case.type.value, from_status=before,
                             to_status=after, open=case.is_open, refund_amount=case.refund_amount,
                             refunded_amount=case.refunded_amount, at=at, reason=reason,
                             lines=[CaseUnits(line_id=ln.line_id, quantity=ln.quantity) for ln in case.lines])


def refused(case_id: str, order_id: str, case_type: CaseType, lines: list[CaseUnits], reason: str,
            at: datetime) -> CaseStatusChanged:
    """A case that was never opened: its lines as asked, nothing refunded, not open."""
    return CaseStatusChanged(case_id=case_id, order_id=order_id, type=case_type.value, from_status=None,
                             to_status=REFUSED, open=False, refund_amount=0, lines=lines, at=at, reason=reason)
