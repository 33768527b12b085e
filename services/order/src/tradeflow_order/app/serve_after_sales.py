"""The after-sales service's commands to the order (order.commands) and its cases' moves
(after-sales.events), each one step of the order in the message's own transaction
(`domain/after_sales.py` decides; the answers go out on order.events, keyed by the order).
None of them raises for a refusal: a command that cannot be done now is answered so."""

from tradeflow_contracts.after_sales import CancelLines, CaseStatusChanged, CaseUnits, RefundLines
from tradeflow_order.app.advance import advance
from tradeflow_order.app.ports import Collaborators, OrderTransaction
from tradeflow_order.domain.after_sales import CaseRefund, CaseSeen


async def record_cancel_lines(tx: OrderTransaction, message: CancelLines, c: Collaborators) -> None:
    units, refunds = case_units(message.lines)
    await advance(tx, c, message.order_id, f"{message.TYPE} {message.case_id}", lambda order, now: order.cancel_lines(
        message.case_id, units, message.reason, message.requested_by, now, refunds))


def case_units(lines: list[CaseUnits]) -> tuple[dict[str, int], dict[str, CaseRefund]]:
    """Units and the case's own refund by line; a line named twice adds up (an amount or points
    missing from one of its entries: the order's share of them all)."""
    units: dict[str, int] = {}
    refunds: dict[str, CaseRefund] = {}
    for line in lines:
        units[line.line_id] = units.get(line.line_id, 0) + line.quantity
        known = refunds.get(line.line_id)
        refunds[line.line_id] = CaseRefund(line.amount, line.points_amount) if known is None else CaseRefund(
            _added(known.amount, line.amount), _added(known.points, line.points_amount))
    return units, refunds


def _added(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


async def record_refund_lines(tx: OrderTransaction, message: RefundLines, c: Collaborators) -> None:
    shares: dict[str, tuple[int, int]] = {}
    for line in message.lines:
        amount, points = shares.get(line.line_id, (0, 0))
        shares[line.line_id] = (amount + line.amount, points + line.points_amount)
    await advance(tx, c, message.order_id, message.TYPE, lambda order, now: order.refund_lines(
        message.case_id, message.refund_id, shares, message.reason, now))


async def record_case_status_changed(tx: OrderTransaction, message: CaseStatusChanged, c: Collaborators) -> None:
    case = CaseSeen(message.case_id, message.type, message.to_status, message.open, message.at)
    await advance(tx, c, message.order_id, message.TYPE, lambda order, _now: order.case_moved(case))
