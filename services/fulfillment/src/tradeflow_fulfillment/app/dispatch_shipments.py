"""Dispatch the shipments that are due (DOMAIN §4: a waybill from the carrier, then the warehouse).

A shipment is due once it is `ready` and its merge window has passed; one in review waits for
staff (`review_shipment.py`). For each due shipment, one at a time:

1. claim it and record the intent (its own transaction, committed at once): the shipment is
   row-locked with SKIP LOCKED, so another dispatcher skips it, and leased (`begin_dispatch`) with
   its dispatch number stored — no transaction is held while the outside is called;
2. ask the carrier for a waybill (the same request again gives the same waybill) and send the
   instruction to the warehouse under the stored number (the warehouse holding that number for
   this shipment already counts as taken);
3. record the outcome (a second transaction, the shipment locked): dispatched and announced;
   unreachable → tried again after a backoff, same number; number held for another shipment →
   a new number at once; refused → back to review with the reason, for staff.

An order stopped while a dispatch is under way (`Shipment.stop`) waits for it: the next claim
asks the warehouse whether it holds the number instead of sending it, and the shipment is
intercepted (held) or the order's lines leave it (not held). A shipment intercepted and left with
other orders' goods is dispatched again the same way, under a new number.

A crash between 2 and 3 leaves the lease, which runs out: the next round claims the shipment
again and repeats 2 with the same number and waybill — nothing is dispatched twice. Any number
of replicas may run the dispatcher.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime

import structlog

from tradeflow_fulfillment.app.announcements import announce_shipment
from tradeflow_fulfillment.app.outside_jobs import DispatchPolicy, run_job, up_to_batch
from tradeflow_fulfillment.app.ports import (
    DispatchInstruction,
    DispatchNumberTaken,
    FulfillmentTransaction,
    Logistics,
    OutsideRefused,
    OutsideUnavailable,
    Transactions,
    WaybillRequest,
)
from tradeflow_fulfillment.app.stop_fulfillment import record_verdicts
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.transitions import ShipmentStatus
from tradeflow_kit.system import Clock

log = structlog.get_logger(__name__)
DISPATCHABLE = (ShipmentStatus.READY, ShipmentStatus.INTERCEPTED)  # ready, or going again after an interception


@dataclass(frozen=True)
class Outcome:
    """What the outside said: `waybill` (if the carrier gave one) and, unless dispatched, why not."""

    waybill: str | None
    unavailable: str | None = None
    refused: str | None = None
    number_taken: bool = False

    @property
    def dispatched(self) -> bool:
        return self.unavailable is None and self.refused is None and not self.number_taken


async def dispatch_one(transactions: Transactions, logistics: Logistics, clock: Clock,
                       policy: DispatchPolicy) -> bool:
    """Attempt the dispatch of the longest due shipment; False when none is due."""
    claimed = await _claim(transactions, clock.now(), policy)
    if claimed is None:
        return False
    outcome = await _send(claimed, logistics)
    await _record(transactions, claimed, outcome, clock.now(), policy)
    return True


async def dispatch_due(transactions: Transactions, logistics: Logistics, clock: Clock,
                       policy: DispatchPolicy) -> int:
    """Dispatch up to `batch` due shipments; how many were attempted."""
    return await up_to_batch(dispatch_one, transactions, logistics, clock, policy)


async def run_dispatcher(transactions: Transactions, logistics: Logistics, clock: Clock, policy: DispatchPolicy,
                         stop: asyncio.Event) -> None:
    await run_job("fulfillment.dispatch", dispatch_one, transactions, logistics, clock, policy, stop)


async def _claim(transactions: Transactions, now: datetime, policy: DispatchPolicy) -> Shipment | None:
    """The claimed shipment as committed, with its attempt (number, waybill so far)."""
    async with transactions.begin() as tx:
        shipment = await tx.shipments.claim_due(now)
        if shipment is None:
            return None
        shipment.begin_dispatch(now, policy.lease)
        await tx.shipments.save(shipment)
    return shipment


async def _send(s: Shipment, logistics: Logistics) -> Outcome:
    attempt, waybill = s.dispatch_attempt, s.dispatch_attempt.waybill
    if s.interception is not None:
        return await _held(s, logistics)
    try:
        if attempt.replaces_waybill and not waybill:  # re-addressed: the old waybill is void first
            await logistics.carriers.cancel_waybill(attempt.replaces_waybill)
        waybill = waybill or await logistics.carriers.create_waybill(
            WaybillRequest(s.id, s.carrier, s.warehouse, s.receiver, s.weight_grams))
        await logistics.warehouse.dispatch(DispatchInstruction(attempt.number, s.id, s.warehouse, s.carrier, waybill,
                                                               s.receiver, s.lines))
    except DispatchNumberTaken:
        return Outcome(waybill, number_taken=True)
    except OutsideRefused as refused:
        return Outcome(waybill, refused=str(refused))
    except OutsideUnavailable as unavailable:
        return Outcome(waybill, unavailable=str(unavailable))
    return Outcome(waybill)


async def _held(s: Shipment, logistics: Logistics) -> Outcome:
    """An order's stop waits for this dispatch: does the warehouse hold it? (Then it is intercepted.)"""
    attempt = s.dispatch_attempt
    try:
        held = await logistics.warehouse.status(attempt.number)
    except OutsideUnavailable as unavailable:
        return Outcome(attempt.waybill, unavailable=str(unavailable))
    if held is None or held.shipment_id != s.id:
        return Outcome(attempt.waybill, refused="the warehouse does not hold it")
    return Outcome(attempt.waybill)


async def _record(transactions: Transactions, claimed: Shipment, outcome: Outcome, now: datetime,
                  policy: DispatchPolicy) -> None:
    number = claimed.dispatch_attempt.number
    async with transactions.begin() as tx:
        shipment = await tx.shipments.get(claimed.id, lock=True)
        attempt = shipment.dispatch_attempt
        if shipment.status not in DISPATCHABLE or attempt is None or attempt.number != number:
            _superseded(shipment, number, outcome)
            return
        if shipment.interception is not None and outcome.unavailable is None:
            await _settle_stop(tx, shipment, outcome, now)
            return
        if outcome.number_taken:
            shipment.dispatch_number_taken(number, now, outcome.waybill)
        elif outcome.refused is not None:
            shipment.dispatch_refused(number, outcome.refused, now)
        elif outcome.unavailable is not None:
            shipment.dispatch_failed(number, outcome.unavailable, now + policy.backoff(attempt.tries), outcome.waybill)
        else:
            _dispatched(shipment, number, outcome, now)
        await tx.shipments.save(shipment)
        await announce_shipment(tx, shipment)
    _log(shipment, number, outcome)


def _dispatched(shipment: Shipment, number: str, outcome: Outcome, now: datetime) -> None:
    if shipment.status is ShipmentStatus.INTERCEPTED:
        shipment.redispatch(number, now, "fulfillment", waybill=outcome.waybill)
    else:
        shipment.dispatch(number, shipment.carrier, outcome.waybill, now)


async def _settle_stop(tx: FulfillmentTransaction, shipment: Shipment, outcome: Outcome, now: datetime) -> None:
    """The dispatch an order's stop waited for settled: the warehouse holds it → dispatched, and
    intercepted at once; it does not → the stopped orders' lines leave it."""
    number, verdicts = shipment.dispatch_attempt.number, {}
    if outcome.dispatched:
        _dispatched(shipment, number, outcome, now)
        shipment.intercept_dispatched(now)
    else:
        verdicts = shipment.stop_undispatched(now)
    await tx.shipments.save(shipment)
    await announce_shipment(tx, shipment)
    await record_verdicts(tx, shipment.id, verdicts, now)
    log.info("fulfillment.dispatch_settled_for_stop", shipment_id=shipment.id, dispatch_number=number,
             held=outcome.dispatched, status=shipment.status.value)


def _superseded(shipment: Shipment, number: str, outcome: Outcome) -> None:
    """Another dispatcher recorded this attempt first (its lease ran out while ours was calling)."""
    if shipment.dispatch_number == number:
        log.info("fulfillment.dispatch_recorded_already", shipment_id=shipment.id, dispatch_number=number)
    else:
        log.error("fulfillment.dispatch_superseded", shipment_id=shipment.id, dispatch_number=number,
                  status=shipment.status.value, warehouse_took_it=outcome.dispatched)


def _log(s: Shipment, number: str, outcome: Outcome) -> None:
    fields = {"shipment_id": s.id, "order_ids": list(s.order_ids), "dispatch_number": number,
              "waybill": outcome.waybill}
    if outcome.number_taken or outcome.refused is not None:
        log.warning("fulfillment.dispatch_refused", reason=outcome.refused or "number taken", status=s.status.value,
                    **fields)
    elif outcome.unavailable is not None:
        log.warning("fulfillment.dispatch_postponed", error=outcome.unavailable, tries=s.dispatch_attempt.tries,
                    retry_at=s.dispatch_attempt.retry_at.isoformat(), **fields)
    else:
        log.info("fulfillment.dispatched", **fields)
