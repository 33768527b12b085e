"""The order's answers to the after-sales service's commands (order.events, keyed by the order),
built from what the order recorded: LinesCancelled from the case's stop, LinesRefunded and
LinesRefundFailed from the refund's state."""

from tradeflow_contracts import after_sales as sales
from tradeflow_contracts.registry import Contract
from tradeflow_order.domain import events as ev
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.refunds import RefundState

CASE_ANSWERS = (ev.CaseCancelAnswered, ev.CaseCancelRefused, ev.CaseRefundAnswered, ev.CaseRefundRefused)


def case_answer(order: Order, event: ev.OrderEvent) -> Contract:
    match event:
        case ev.CaseCancelRefused(case_id=case_id, reason=reason, at=at):
            return sales.LinesCancelled(order_id=order.id, case_id=case_id, outcome="refused", reason=reason,
                                        decided_at=at)
        case ev.CaseCancelAnswered(case_id=case_id):
            return _lines_cancelled(order, case_id)
        case ev.CaseRefundRefused(case_id=case_id, refund_id=refund_id, reason=reason, at=at):
            return sales.LinesRefundFailed(order_id=order.id, case_id=case_id, refund_id=refund_id, reason=reason,
                                           retryable=False, failed_at=at)
        case ev.CaseRefundAnswered(refund_id=refund_id, at=at, reason=reason):
            return _refund_answer(order, refund_id, at, reason)
    raise TypeError(f"no answer for {event!r}")


def _lines_cancelled(order: Order, case_id: str) -> sales.LinesCancelled:
    case = next(c for c in order.after_sales.cancels if c.case_id == case_id)
    warehouses = {shipment.id: shipment.warehouse for shipment in order.shipments}
    return sales.LinesCancelled(
        order_id=order.id, case_id=case_id, outcome="decided", refund_id=case.refund_id, decided_at=case.decided_at,
        stopped=[sales.StoppedLine(line_id=line_id, quantity=n, amount=amount)
                 for line_id, (n, amount) in case.stopped.items()],
        going_on=[sales.GoingOnLine(line_id=g.line_id, quantity=g.quantity, problem=g.problem, detail=g.detail,
                                    warehouse=warehouses.get(g.shipment_id))
                  for g in case.going_on])


def _refund_answer(order: Order, refund_id: str, at, reason: str) -> Contract:
    refund = next(r for r in order.refunds if r.id == refund_id)
    if refund.state is RefundState.FAILED:
        return sales.LinesRefundFailed(order_id=order.id, case_id=refund.case_id, refund_id=refund_id,
                                       reason=reason or "the payment service failed the refund", retryable=True,
                                       failed_at=at)
    line_ids = list(dict.fromkeys([*refund.lines, *refund.points]))
    return sales.LinesRefunded(
        order_id=order.id, case_id=refund.case_id, refund_id=refund_id, amount=refund.amount,
        points_amount=sum(refund.points.values()), refunded_at=at,
        lines=[sales.LineMoney(line_id=line_id, amount=refund.lines.get(line_id, 0),
                               points_amount=refund.points.get(line_id, 0)) for line_id in line_ids])
