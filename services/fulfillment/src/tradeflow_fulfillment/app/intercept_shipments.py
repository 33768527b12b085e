"""Send the interceptions asked (`Shipment.stop`) to the warehouse or the carrier, and give up those
not answered by their deadline (DOMAIN §4 订单取消: "no answer by the deadline → the cancel is
refused, the shipment goes on").

For each shipment being intercepted whose request is due (or whose deadline passed), one at a time:
1. claim it (SKIP LOCKED, its own transaction): past the deadline → intercept_failed at once, and
   the orders (and a receiver change) waiting are answered; otherwise lease the request
   (`retry_at`) — no transaction is held while the outside is called;
2. ask the warehouse (by dispatch number) or the carrier (by waybill) to stop it — asking again
   changes nothing there, so a crash between 2 and 3 only repeats the request;
3. record the outcome (the shipment locked): sent (the answer comes by callback); unreachable →
   tried again after a backoff; refused → the warehouse refused (it shipped meanwhile): the
   carrier is asked; the carrier refused: intercept_failed, the orders answered.
"""

import asyncio
from datetime import datetime

import structlog

from tradeflow_fulfillment.app.announcements import announce_shipment
from tradeflow_fulfillment.app.change_receiver import record_re_review
from tradeflow_fulfillment.app.outside_jobs import DispatchPolicy, run_job, up_to_batch
from tradeflow_fulfillment.app.ports import Logistics, OutsideRefused, OutsideUnavailable, Transactions
from tradeflow_fulfillment.app.stop_fulfillment import record_verdicts
from tradeflow_fulfillment.domain.interception import CARRIER, Interception
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.transitions import ShipmentStatus
from tradeflow_kit.system import Clock

log = structlog.get_logger(__name__)


async def intercept_one(transactions: Transactions, logistics: Logistics, clock: Clock,
                        policy: DispatchPolicy) -> bool:
    """Send, or give up at its deadline, the longest due interception; False when none is due."""
    claimed = await _claim(transactions, clock.now(), policy)
    if claimed is None:
        return False
    if claimed.interception is not None:
        error, refused = await _send(claimed, logistics)
        await _record(transactions, claimed, error, refused, clock.now(), policy)
    return True


async def intercept_due(transactions: Transactions, logistics: Logistics, clock: Clock,
                        policy: DispatchPolicy) -> int:
    """Send or give up up to `batch` due interceptions; how many were handled."""
    return await up_to_batch(intercept_one, transactions, logistics, clock, policy)


async def run_interceptor(transactions: Transactions, logistics: Logistics, clock: Clock, policy: DispatchPolicy,
                          stop: asyncio.Event) -> None:
    await run_job("fulfillment.intercept", intercept_one, transactions, logistics, clock, policy, stop)


async def _claim(transactions: Transactions, now: datetime, policy: DispatchPolicy) -> Shipment | None:
    """The claimed shipment with its interception leased; past its deadline: given up (interception None)."""
    async with transactions.begin() as tx:
        shipment = await tx.shipments.claim_interception(now)
        if shipment is None:
            return None
        if now >= shipment.interception.deadline:
            verdicts = shipment.interception_expired(now)
            log.warning("fulfillment.interception_expired", shipment_id=shipment.id, orders=sorted(verdicts))
        else:
            verdicts = {}
            shipment.interception_leased(now + policy.lease)
        await tx.shipments.save(shipment)
        await announce_shipment(tx, shipment)
        await record_verdicts(tx, shipment.id, verdicts, now)
        await record_re_review(tx, shipment, now)
    return shipment


async def _send(s: Shipment, logistics: Logistics) -> tuple[str | None, str | None]:
    """(unreachable, refused): both None once the request was taken."""
    try:
        if s.interception.by == CARRIER:
            await logistics.carriers.intercept(s.waybill)
        else:
            await logistics.warehouse.intercept(s.dispatch_number)
    except OutsideRefused as refused:
        return None, str(refused)
    except OutsideUnavailable as unavailable:
        return str(unavailable), None
    return None, None


async def _record(transactions: Transactions, claimed: Shipment, error: str | None, refused: str | None,
                  now: datetime, policy: DispatchPolicy) -> None:
    asked: Interception = claimed.interception
    async with transactions.begin() as tx:
        shipment = await tx.shipments.get(claimed.id, lock=True)
        current = shipment.interception
        if shipment.status is not ShipmentStatus.INTERCEPTING or current is None or current.by != asked.by \
                or current.requested_at != asked.requested_at:
            log.info("fulfillment.interception_answered_meanwhile", shipment_id=shipment.id,
                     status=shipment.status.value)
            return
        verdicts = {}
        if refused is not None:
            verdicts = shipment.interception_refused(refused, now) or {}
        elif error is not None:
            shipment.interception_not_sent(error, now + policy.backoff(current.tries))
        else:
            shipment.interception_sent()
        await tx.shipments.save(shipment)
        await announce_shipment(tx, shipment)
        await record_verdicts(tx, shipment.id, verdicts, now)
        await record_re_review(tx, shipment, now)
    log.info("fulfillment.interception_asked", shipment_id=shipment.id, by=asked.by, refused=refused, error=error,
             status=shipment.status.value)
