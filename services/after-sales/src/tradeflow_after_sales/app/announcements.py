"""The case's domain events → platform messages: every move (and every change of type) is a
`CaseStatusChanged` on after-sales.events, keyed by the order."""

from tradeflow_after_sales.app.ports import AfterSalesTransaction
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.events import CaseMoved, CaseOpened, CaseTypeChanged
from tradeflow_contracts.after_sales import CaseStatusChanged, CaseUnits


async def announce(tx: AfterSalesTransaction, case: AfterSalesCase) -> None:
    for event in case.pull_events():
        match event:
            case CaseOpened(at=at):
                await tx.publish(status_changed(case, None, case.status.value, at), key=case.order_id)
            case CaseMoved(from_status=before, to_status=after, at=at):
                await tx.publish(status_changed(case, before.value, after.value, at), key=case.order_id)
            case CaseTypeChanged(at=at):
                await tx.publish(status_changed(case, case.status.value, case.status.value, at), key=case.order_id)


def status_changed(case: AfterSalesCase, before: str | None, after: str, at) -> CaseStatusChanged:
    return CaseStatusChanged(case_id=case.id, order_id=case.order_id, type=case.type.value, from_status=before,
                             to_status=after, open=case.is_open, refund_amount=case.refund_amount,
                             refunded_amount=case.refunded_amount, at=at,
                             lines=[CaseUnits(line_id=ln.line_id, quantity=ln.quantity) for ln in case.lines])
