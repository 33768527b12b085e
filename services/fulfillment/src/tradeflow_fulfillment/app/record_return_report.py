"""The warehouse's (authenticated) reports about an after-sales case's return parcel, each event
acting once (its id recorded in the same transaction):

* `case_return_received` → the return is received: ReturnReceived, once;
* `case_return_inspected` (`ok` | `failed`, a note) → inspected (received first if that report
  has not come: ReturnReceived, then ReturnInspected), once; inspected ok, the returned units are
  restocked — inventory's RestockReturned, once per shipment that carried them (`return_id`
  `case-<case id>`; their stock was deducted when that shipment left its warehouse), attributed
  by `attribute_restocks`. Units no shipment of ours carried are logged, not restocked;
* after the case cancelled its return (`CancelExpectedReturn`): a receipt (or `held: true`) makes
  it `held` for staff, an inspection is only noted — nothing published (the case moved on),
  nothing restocked; `case_return_sent_back` → `sent_back` (asked by the cancel's `send_back`).

A duplicate, late or out-of-order report changes nothing more. A report about a return never
expected is refused (CaseReturnNotFound, 404): the warehouse sends it again later.
"""

from dataclasses import dataclass
from datetime import datetime

import structlog

from tradeflow_contracts import after_sales, inventory
from tradeflow_fulfillment.app.ports import FulfillmentTransaction
from tradeflow_fulfillment.domain.dispatching import WAREHOUSE
from tradeflow_fulfillment.domain.errors import CaseReturnNotFound
from tradeflow_fulfillment.domain.returns import (
    CaseReturn,
    ReturnStatus,
    ShippedUnits,
    WasInspected,
    WasReceived,
    attribute_restocks,
)
from tradeflow_fulfillment.domain.transitions import ShipmentStatus

log = structlog.get_logger(__name__)
CAME_BACK = (ShipmentStatus.RETURNING, ShipmentStatus.RETURNED)  # restocked through the carrier's return


@dataclass(frozen=True)
class ReturnReport:
    event_id: str
    type: str  # case_return_received | case_return_inspected | case_return_sent_back
    case_id: str
    occurred_at: datetime
    outcome: str | None = None  # ok | failed (inspected)
    note: str = ""
    held: bool = False  # received: held by the warehouse for staff


async def record_return_report(tx: FulfillmentTransaction, report: ReturnReport, at: datetime) -> str:
    """`applied`, `recorded` (nothing new: late or repeated) or `duplicate` (this very event)."""
    if not await tx.callbacks.first_time(WAREHOUSE, report.event_id, type_=report.type, reference=report.case_id,
                                         shipment_id=f"case:{report.case_id}", at=at):
        return "duplicate"
    held = await tx.returns.get(report.case_id, lock=True)
    if held is None:
        raise CaseReturnNotFound(f"no return of case {report.case_id} is expected")
    if report.type == "case_return_received":
        applied = held.receive(report.occurred_at, held=report.held)
    elif report.type == "case_return_sent_back":
        applied = held.sent_back(report.occurred_at)
    else:
        applied = held.inspect(report.outcome == "ok", report.note, report.occurred_at)
        if applied and held.status is ReturnStatus.INSPECTED_OK:
            await _restock(tx, held)
    await tx.returns.save(held)
    for event in held.pull_events():
        await tx.publish(_message(held, event), key=held.order_id)
    log.info("fulfillment.return_report", case_id=held.case_id, type=report.type, applied=applied,
             status=held.status.value)
    return "applied" if applied else "recorded"


async def _restock(tx: FulfillmentTransaction, held: CaseReturn) -> None:
    shipments = await tx.shipments.find(order_id=held.order_id, limit=500)
    carried = [ShippedUnits(s.id, s.warehouse, ln.line_id, ln.sub_order_id, ln.sku, ln.quantity)
               for s in sorted(shipments, key=lambda s: (s.planned_at, s.id))
               if s.has_shipped and s.status not in CAME_BACK for ln in s.lines if ln.order_id == held.order_id]
    before = [r for other in await tx.returns.of_order(held.order_id) if other.case_id != held.case_id
              for r in other.restocks]
    restocks, unplaced = attribute_restocks(held, carried, before)
    held.restock(restocks)
    if unplaced:
        log.warning("fulfillment.return_not_restocked", case_id=held.case_id, order_id=held.order_id,
                    units=[(u.line_id, u.quantity) for u in unplaced], why="no shipment of ours carried them")
    for shipment_id in dict.fromkeys(r.shipment_id for r in restocks):
        await tx.publish(_restock_command(held, [r for r in restocks if r.shipment_id == shipment_id]),
                         key=shipment_id)


def _restock_command(held: CaseReturn, restocks: list[ShippedUnits]) -> inventory.RestockReturned:
    return inventory.RestockReturned(
        shipment_id=restocks[0].shipment_id, return_id=f"case-{held.case_id}",
        reason=f"after-sales case {held.case_id}: returned and inspected ok",
        lines=[inventory.ShipmentUnits(order_id=held.order_id, sub_order_id=r.sub_order_id, line_id=r.line_id,
                                       sku=r.sku, warehouse=r.warehouse, quantity=r.quantity) for r in restocks])


def _message(held: CaseReturn, event: WasReceived | WasInspected):
    if isinstance(event, WasReceived):
        return after_sales.ReturnReceived(case_id=held.case_id, order_id=held.order_id, warehouse=held.warehouse,
                                          received_at=event.at)
    return after_sales.ReturnInspected(
        case_id=held.case_id, order_id=held.order_id, warehouse=held.warehouse,
        outcome="ok" if held.status is ReturnStatus.INSPECTED_OK else "failed", note=held.note,
        lines=[after_sales.ReturnLine(line_id=ln.line_id, sku=ln.sku, quantity=ln.quantity) for ln in held.lines],
        inspected_at=event.at)
