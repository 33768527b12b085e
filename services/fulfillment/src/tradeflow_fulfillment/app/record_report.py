"""A warehouse's or a carrier's (authenticated) report about a shipment: applied once per event.

* Each provider event acts once: its id is recorded in the same transaction (a redelivery, or
  the same event sent twice, is a `duplicate` and changes nothing).
* The report is the shipment's to judge (`Shipment.warehouse_report` / `carrier_report`): a
  report for a stage the goods passed already (late, out of order) or about a former dispatch
  or waybill is `recorded` in the history, not applied; one that moves the shipment is
  `applied` and announced (ShipmentStatusChanged per order; DeductStock when the goods first
  pass `shipped`, whichever report says so; RestockReturned when a parcel is received back).
* An interception answered settles the stop of the orders that waited for it
  (`Shipment.settle_interception`, `stop_fulfillment.record_verdicts`), and the receiver change
  whose re-review asked it (`change_receiver.record_re_review`).
* A report about a shipment not known, or not recorded as dispatched yet, is refused
  (ShipmentNotFound, NotDispatchedYet): nothing is recorded, so the provider sends it again.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import structlog

from tradeflow_fulfillment.app.announcements import announce_shipment
from tradeflow_fulfillment.app.change_receiver import record_re_review
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.app.split_shipment import replace_if_split
from tradeflow_fulfillment.app.stop_fulfillment import record_verdicts
from tradeflow_fulfillment.domain.dispatching import CARRIER, WAREHOUSE
from tradeflow_fulfillment.domain.transitions import ShipmentEvent

log = structlog.get_logger(__name__)
E = ShipmentEvent

WAREHOUSE_EVENTS = {"picked": E.PICKED, "packed": E.PACKED, "shipped": E.SHIPPED, "intercepted": E.INTERCEPT_OK,
                    "intercept_failed": E.INTERCEPT_FAIL, "return_received": E.RETURN_RECEIVED}
CARRIER_EVENTS = {"picked_up": E.PICKED_UP, "in_transit": E.IN_TRANSIT, "out_for_delivery": E.OUT_FOR_DELIVERY,
                  "signed": E.SIGNED, "intercepted": E.INTERCEPT_OK, "intercept_failed": E.INTERCEPT_FAIL}
EVENTS = {WAREHOUSE: WAREHOUSE_EVENTS, CARRIER: CARRIER_EVENTS}
ANSWERS = (E.INTERCEPT_OK, E.INTERCEPT_FAIL)  # an interception answered: the orders waiting for it are decided


@dataclass(frozen=True)
class ProviderReport:
    source: str  # WAREHOUSE ("wms") or CARRIER ("tms")
    event_id: str
    type: str  # the provider's event type, a key of EVENTS[source]
    shipment_id: str
    reference: str  # the dispatch number (warehouse) or the waybill (carrier)
    occurred_at: datetime


class ReportResult(StrEnum):
    APPLIED = "applied"
    RECORDED = "recorded"  # kept in the history, not applied (late, or about a former dispatch)
    DUPLICATE = "duplicate"  # this very event was handled before


async def record_report(tx: FulfillmentTransaction, report: ProviderReport, at: datetime,
                        c: Collaborators | None = None) -> ReportResult:
    """`at`: when we received it (the history keeps when it happened, `occurred_at`); `c`: to plan
    the two shipments a re-review packing units apart is replaced by once the warehouse stopped it."""
    event = EVENTS[report.source][report.type]
    if not await tx.callbacks.first_time(report.source, report.event_id, type_=report.type,
                                         reference=report.reference, shipment_id=report.shipment_id, at=at):
        log.info("fulfillment.report_duplicate", source=report.source, event_id=report.event_id)
        return ReportResult.DUPLICATE
    shipment = await tx.shipments.get(report.shipment_id, lock=True)
    act = shipment.warehouse_report if report.source == WAREHOUSE else shipment.carrier_report
    applied = act(report.reference, event, report.occurred_at)
    verdicts = shipment.settle_interception(at) if applied and event in ANSWERS else {}
    if shipment.split_pending:  # a re-review packing units apart, now stopped at the warehouse
        if c is None:
            raise TypeError("record_report needs the collaborators to plan the shipments of a split")
        await replace_if_split(tx, shipment, c, at)
    await tx.shipments.save(shipment)
    await announce_shipment(tx, shipment)
    await record_verdicts(tx, shipment.id, verdicts, at)
    await record_re_review(tx, shipment, at)
    result = ReportResult.APPLIED if applied else ReportResult.RECORDED
    log.info("fulfillment.report", source=report.source, type=report.type, shipment_id=shipment.id,
             result=result.value, status=shipment.status.value)
    return result
