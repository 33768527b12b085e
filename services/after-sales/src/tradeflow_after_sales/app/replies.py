"""The participants' answers, each one step of a case's reverse saga, in the message's own
transaction. A late answer to a case that is over changes nothing (logged), and so does an answer
given again for a step the case has passed (every command may be asked again, and is answered
again); an answer naming no case of ours (an order's own shipments, reservations, entitlements on
shared topics) is not ours. An answer the case cannot take is a domain error: dead-lettered, and
the case needs attention (`dead_letters.py`)."""

from collections.abc import Awaitable, Callable
from datetime import datetime

import structlog

from tradeflow_after_sales.app.flow import advance, failed, load
from tradeflow_after_sales.app.part_stop import going_on_warehouse, split_part_stop
from tradeflow_after_sales.app.ports import AfterSalesTransaction, CaseProgress, Collaborators
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.states import CaseStatus
from tradeflow_contracts import after_sales as a
from tradeflow_contracts import fulfillment, inventory
from tradeflow_kit.sagas.instance import SagaInstance

log = structlog.get_logger(__name__)
S = CaseStatus

RECEIVED_OR_LATER = frozenset({S.RECEIVED, S.INSPECTED_OK, S.INSPECTED_FAILED, S.REFUNDING, S.REFUNDED,
                               S.REPLACEMENT_SHIPPING, S.REPLACEMENT_DELIVERED})
INSPECTED_OR_LATER = RECEIVED_OR_LATER - {S.RECEIVED}

Step = Callable[[AfterSalesCase, CaseProgress, SagaInstance, datetime], Awaitable[None] | None]


async def on_case(tx: AfterSalesTransaction, c: Collaborators, case_id: str, cause: str, step: Step,
                  passed: Callable[[AfterSalesCase], bool] = lambda _case: False) -> None:
    """`passed`: the case is past the step this answers (an answer given again)."""
    case, progress, saga = await load(tx, case_id)
    if not case.is_open or passed(case):
        log.info("after_sales.late_reply_ignored", case_id=case_id, status=case.status, reply=cause)
        return
    outcome = step(case, progress, saga, c.clock.now())
    if outcome is not None:
        await outcome
    else:
        await advance(tx, c, case, progress, saga, cause)


async def record_lines_cancelled(tx: AfterSalesTransaction, m: a.LinesCancelled, c: Collaborators) -> None:
    async def decided(case: AfterSalesCase, progress: CaseProgress, saga: SagaInstance, now: datetime) -> None:
        if m.outcome == "refused" and shipped_meanwhile(m.reason):
            case.shipment_not_stopped(f"the order shipped before its units could be stopped ({m.reason})",
                                      now + c.return_deadline, now)
            return await advance(tx, c, case, progress, saga, m.TYPE)
        if m.outcome == "refused":
            return await failed(tx, c, case, progress, saga, "stopping_shipment", m.reason or "refused")
        progress.stopped_lines = {s.line_id: [s.quantity, s.amount] for s in m.stopped}
        if m.stopped and not m.going_on:
            progress.stop_refund_id = m.refund_id
            case.start_refund(now)
        elif m.going_on and not m.stopped:
            progress.return_warehouse = going_on_warehouse(m)
            why = "; ".join(f"{g.line_id} ×{g.quantity}: {g.problem}" for g in m.going_on)
            case.shipment_not_stopped(f"the parcel could not be stopped ({why})", now + c.return_deadline, now)
        else:  # a part stop: the case keeps the stopped units, the others continue as a return
            await split_part_stop(tx, c, case, progress, m, now)
        await advance(tx, c, case, progress, saga, m.TYPE)
    await on_case(tx, c, m.case_id, m.TYPE, decided, passed=lambda case: case.status is not S.APPROVED)


SHIPPED_MEANWHILE = ("partially_shipped", "shipped", "completed")


def shipped_meanwhile(reason: str) -> bool:
    """The order refused to stop units because its goods left before the case was approved
    (`not-before-shipment: the order is shipped`): asking again can never succeed — the parcel can
    no longer be stopped, so the case becomes a return (DOMAIN §5). A cancelled or closed order is
    not this: its units were the order's to refund, and the case waits for a person."""
    kind, _, detail = reason.partition(":")
    return kind == "not-before-shipment" and detail.strip().removeprefix("the order is ") in SHIPPED_MEANWHILE


async def record_lines_refunded(tx: AfterSalesTransaction, m: a.LinesRefunded, c: Collaborators) -> None:
    def refunded(case: AfterSalesCase, progress: CaseProgress, _s: SagaInstance, now: datetime) -> None:
        if m.refund_id == progress.stop_refund_id and resting(case) is not S.REFUNDING:
            log.info("after_sales.part_stop_refunded", case_id=case.id, refund_id=m.refund_id, amount=m.amount)
            return  # the stopped units' refund once the case moved on otherwise (the order's own)
        # Exactly what the order refunded, line by line (a stop refunds the case's own amounts):
        # the case's claims carry it, so the order's later cases count the right room.
        case.refund_made(m.amount, now, m.refund_id, by_line={ln.line_id: ln.amount for ln in m.lines})
    await on_case(tx, c, m.case_id, m.TYPE, refunded)


async def record_lines_refund_failed(tx: AfterSalesTransaction, m: a.LinesRefundFailed, c: Collaborators) -> None:
    async def refund_failed(case: AfterSalesCase, progress: CaseProgress, saga: SagaInstance, now: datetime) -> None:
        if m.refund_id == progress.stop_refund_id and m.retryable:
            progress.stop_refund_id = None  # the stopped units' refund failed: asked as a refund of the case
            return await advance(tx, c, case, progress, saga, f"{m.TYPE}: {m.reason}")
        if m.refund_id != progress.pending_refund_id:
            log.info("after_sales.old_refund_failure_ignored", case_id=case.id, refund_id=m.refund_id)
            return
        progress.refund_failed = True
        if m.retryable:
            return await failed(tx, c, case, progress, saga, "refunding", m.reason)
        case.park("refunding", f"the order refused refund {m.refund_id}: {m.reason}", now)
        await advance(tx, c, case, progress, saga, m.TYPE)
    await on_case(tx, c, m.case_id, m.TYPE, refund_failed)


async def record_return_received(tx: AfterSalesTransaction, m: a.ReturnReceived, c: Collaborators) -> None:
    await on_case(tx, c, m.case_id, m.TYPE, lambda case, _p, _s, now: case.return_received(now),
                  passed=lambda case: resting(case) in RECEIVED_OR_LATER)


async def record_return_inspected(tx: AfterSalesTransaction, m: a.ReturnInspected, c: Collaborators) -> None:
    await on_case(tx, c, m.case_id, m.TYPE,
                  lambda case, _p, _s, now: case.inspected(m.outcome == "ok", now, m.note or None),
                  passed=lambda case: resting(case) in INSPECTED_OR_LATER)


async def record_stock_reserved(tx: AfterSalesTransaction, m: inventory.StockReserved, c: Collaborators) -> None:
    if await tx.sagas.get(m.sub_order_id) is None:
        return  # an order's own sub-order
    case, _progress, _saga = await load(tx, m.sub_order_id)
    if not case.is_open:  # cancelled while it was being reserved: give it back
        await tx.publish(inventory.ReleaseStock(order_id=m.order_id, sub_order_id=m.sub_order_id,
                                                reason=f"after-sales case {case.id} is {case.status}"), key=m.order_id)
        return

    def reserved(_case: AfterSalesCase, progress: CaseProgress, _s: SagaInstance, _now: datetime) -> None:
        by_warehouse: dict[str, int] = {}
        for allocation in m.allocations:
            by_warehouse[allocation.warehouse] = by_warehouse.get(allocation.warehouse, 0) + allocation.quantity
        progress.replacement_warehouses = [{"code": w, "quantity": q} for w, q in sorted(by_warehouse.items())]
    await on_case(tx, c, m.sub_order_id, m.TYPE, reserved)


async def record_stock_rejected(tx: AfterSalesTransaction, m: inventory.StockReservationRejected,
                                c: Collaborators) -> None:
    if await tx.sagas.get(m.sub_order_id) is None:
        return
    why = ", ".join(f"{s.sku} ({s.available} of {s.requested})" for s in m.shortages) or m.reason
    await on_case(tx, c, m.sub_order_id, m.TYPE, lambda case, _p, _s, now: case.park(
        "reserving_replacement", f"the replacement is out of stock: {why}", now))


async def record_replacement_planned(tx: AfterSalesTransaction, m: fulfillment.ShipmentPlanned,
                                     c: Collaborators) -> None:
    await on_case(tx, c, m.case_id, m.TYPE, lambda case, _p, _s, now: case.ship_replacement(m.shipment_id, now),
                  passed=lambda case: case.replacement_shipment_id == m.shipment_id)


async def record_replacement_moved(tx: AfterSalesTransaction, m: fulfillment.ShipmentStatusChanged,
                                   c: Collaborators) -> None:
    if m.to_status == "signed":
        await on_case(tx, c, m.case_id, m.TYPE, lambda case, _p, _s, now: case.replacement_delivered(now))


async def record_entitlement_revoked(tx: AfterSalesTransaction, m: fulfillment.EntitlementRevoked,
                                     c: Collaborators) -> None:
    await on_case(tx, c, m.case_id, m.TYPE, _revoked(m.line_id))


async def record_entitlement_not_revoked(tx: AfterSalesTransaction, m: a.EntitlementNotRevoked,
                                         c: Collaborators) -> None:
    log.warning("after_sales.entitlement_not_revoked", case_id=m.case_id, line_id=m.line_id, reason=m.reason)
    await on_case(tx, c, m.case_id, m.TYPE, _revoked(m.line_id))


def _revoked(line_id: str) -> Step:
    def answered(_case: AfterSalesCase, progress: CaseProgress, _s: SagaInstance, _now: datetime) -> None:
        if line_id not in progress.revoked_lines:
            progress.revoked_lines.append(line_id)
    return answered


def resting(case: AfterSalesCase) -> CaseStatus:
    """Where the case stands in its flow (the parked status while it needs attention)."""
    return case.attention.status if case.attention is not None else case.status
