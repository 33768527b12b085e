"""What entering each step of the reverse saga sends (the `sends` of `case_saga.py`), built from
the case, its saga data and the order's facts. Every command is keyed by the order (one partition
per order) and idempotent on the participant's side, so asking again is always safe."""

from tradeflow_after_sales.app.ports import AfterSalesTransaction, CaseProgress
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.states import CaseStatus
from tradeflow_contracts import after_sales as a
from tradeflow_contracts import inventory
from tradeflow_contracts.order_facts import OrderChanged
from tradeflow_contracts.orders import WarehouseQuantity


async def send_step(tx: AfterSalesTransaction, step: str, case: AfterSalesCase, progress: CaseProgress,
                    facts: OrderChanged) -> None:
    """Send what `step` sends (nothing for a step that only waits)."""
    sender = _SENDERS.get(step)
    if sender is not None:
        for message in sender(case, progress, facts):
            await tx.publish(message, key=case.order_id)


def cancel_lines(case: AfterSalesCase, _p: CaseProgress, _f: OrderChanged) -> list:
    """Each line with the case's refund for its units (money and points): the order refunds exactly
    that for the units it stops, so the case and the order agree to the cent."""
    return [a.CancelLines(order_id=case.order_id, case_id=case.id, reason=case.reason, requested_by=f"case:{case.id}",
                          lines=[a.CaseUnits(line_id=ln.line_id, quantity=ln.quantity, amount=ln.refund.amount,
                                             points_amount=ln.refund.points) for ln in case.lines])]


def refund_lines(case: AfterSalesCase, progress: CaseProgress, _f: OrderChanged) -> list:
    if progress.pending_refund_id is None or progress.refund_failed:
        progress.next_refund_id()
    return [a.RefundLines(order_id=case.order_id, case_id=case.id, refund_id=progress.pending_refund_id,
                          reason=f"after-sales case {case.id}: {case.reason}",
                          lines=[a.LineMoney(line_id=ln.line_id, amount=ln.refund.amount,
                                             points_amount=ln.refund.points) for ln in case.lines])]


def expect_return(case: AfterSalesCase, progress: CaseProgress, facts: OrderChanged) -> list:
    progress.return_warehouse = progress.return_warehouse or return_warehouse(case, facts)
    parcel = case.return_parcel
    return [a.ExpectReturn(case_id=case.id, order_id=case.order_id, warehouse=progress.return_warehouse,
                           lines=[a.ReturnLine(line_id=ln.line_id, sku=ln.sku, quantity=ln.quantity)
                                  for ln in case.lines],
                           carrier=parcel.carrier if parcel else None, waybill=parcel.waybill if parcel else None)]


def reserve_replacement(case: AfterSalesCase, _p: CaseProgress, facts: OrderChanged) -> list:
    return [inventory.ReserveStock(order_id=case.order_id, sub_order_id=case.id, region=facts.receiver.region,
                                   allow_split=False, lines=[
                                       inventory.LineToReserve(line_id=ln.line_id, sku=ln.replacement.sku,
                                                               quantity=ln.quantity) for ln in case.lines])]


def ship_replacement(case: AfterSalesCase, progress: CaseProgress, facts: OrderChanged) -> list:
    merchants = {fl.line_id: fl.merchant_id for fl in facts.lines}
    return [a.ShipReplacement(case_id=case.id, order_id=case.order_id, buyer_id=case.buyer_id,
                              merchant_id=merchants[case.lines[0].line_id], receiver=facts.receiver,
                              lines=[a.ReturnLine(line_id=ln.line_id, sku=ln.replacement.sku, quantity=ln.quantity)
                                     for ln in case.lines],
                              warehouses=[WarehouseQuantity(**w) for w in progress.replacement_warehouses])]


def revoke_entitlements(case: AfterSalesCase, progress: CaseProgress, _f: OrderChanged) -> list:
    return [a.RevokeEntitlement(case_id=case.id, order_id=case.order_id, line_id=ln.line_id,
                                reason=f"refunded by after-sales case {case.id}")
            for ln in case.lines if ln.virtual and ln.line_id not in progress.revoked_lines]


def release_replacement(case: AfterSalesCase, progress: CaseProgress, _f: OrderChanged) -> list:
    """Closing an exchange (or a former one) releases the replacement it still holds."""
    if not progress.replacement_warehouses or case.replacement_shipment_id is not None:
        return []
    progress.replacement_warehouses = []
    return [inventory.ReleaseStock(order_id=case.order_id, sub_order_id=case.id,
                                   reason=f"after-sales case {case.id} is {case.status}")]


def stop_expecting_return(case: AfterSalesCase, progress: CaseProgress, _f: OrderChanged) -> list:
    """Closing a case whose warehouse was told to expect its parcel (cancelled, expired,
    force-closed, rejected after a failed inspection): the warehouse stops expecting it; a parcel
    rejected after inspection goes back to the buyer (`send_back`)."""
    if progress.return_warehouse is None:
        return []
    rejected = case.status is CaseStatus.REJECTED
    return [a.CancelExpectedReturn(case_id=case.id, order_id=case.order_id, send_back=rejected,
                                   reason=f"after-sales case {case.id} is {case.status}: {_last_reason(case)}")]


def close_case(case: AfterSalesCase, progress: CaseProgress, facts: OrderChanged) -> list:
    return release_replacement(case, progress, facts) + stop_expecting_return(case, progress, facts)


def _last_reason(case: AfterSalesCase) -> str:
    return next((h.reason for h in reversed(case.history) if h.reason), "closed")


def return_warehouse(case: AfterSalesCase, facts: OrderChanged) -> str:
    """Where the parcel goes back: the warehouse the case's first line shipped most units from."""
    by_line = {fl.line_id: fl for fl in facts.lines}
    for ln in case.lines:
        shipped = sorted(by_line[ln.line_id].warehouses, key=lambda w: -w.quantity)
        if shipped:
            return shipped[0].code
    raise LookupError(f"order {case.order_id}: no warehouse shipped the lines of case {case.id}")


_SENDERS = {
    "stopping_shipment": cancel_lines,
    "reserving_replacement": reserve_replacement,
    "awaiting_return": expect_return,
    "returning": expect_return,
    "refunding": refund_lines,
    "revoking_entitlement": revoke_entitlements,
    "shipping_replacement": ship_replacement,
    "closed": close_case,
}
