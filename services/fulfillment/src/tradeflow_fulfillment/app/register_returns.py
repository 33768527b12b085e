"""The returns job: tell the warehouse about each return whose registration is due (new, or a
newer waybill) or whose cancel is, like the dispatcher and the interceptor (`outside_jobs.py`):
1. claim one due return (SKIP LOCKED, its own transaction) and lease it — no transaction is held
   while the warehouse is called; what is sent is decided under that lock: a cancelled return
   only ever sends its cancel, never a registration (a registration leased before the cancel
   finishes first; the cancel is due right after it);
2. `POST /wms/returns`, or `POST /wms/returns/{case_id}/cancel` `{send_back}` — again there
   changes nothing, so a crash between 2 and 3 only repeats it;
3. record the outcome: registered (due no more unless a newer waybill or a cancel came
   meanwhile) or cancel told; the warehouse unreachable → tried again after a backoff; refused →
   logged and backed off too (a warehouse refusing needs a person: it stays visible as
   `last_error`).
"""

import asyncio

import structlog

from tradeflow_fulfillment.app.outside_jobs import DispatchPolicy, run_job, up_to_batch
from tradeflow_fulfillment.app.ports import Logistics, OutsideRefused, OutsideUnavailable, Transactions
from tradeflow_kit.system import Clock

log = structlog.get_logger(__name__)


async def register_one(transactions: Transactions, logistics: Logistics, clock: Clock,
                       policy: DispatchPolicy) -> bool:
    """Register the longest due return; False when none is due."""
    async with transactions.begin() as tx:
        claimed = await tx.returns.claim_due(clock.now())
        if claimed is None:
            return False
        claimed.registration_leased(clock.now() + policy.lease)
        await tx.returns.save(claimed)
    cancelling, error = claimed.cancel_due, None
    try:
        if cancelling:
            await logistics.warehouse.cancel_return(claimed.case_id, claimed.cancellation.send_back)
        else:
            await logistics.warehouse.expect_return(claimed)
    except (OutsideUnavailable, OutsideRefused) as exc:
        error = str(exc)
    async with transactions.begin() as tx:
        held = await tx.returns.get(claimed.case_id, lock=True)
        if error is not None:
            held.registration_failed(error, clock.now() + policy.backoff(held.registration.tries + 1))
        elif cancelling:
            held.cancel_told(clock.now())
        else:
            held.registered(claimed.waybill, clock.now())
        await tx.returns.save(held)
    log.info(_outcome(cancelling, error), case_id=claimed.case_id, waybill=claimed.waybill, error=error)
    return True


def _outcome(cancelling: bool, error: str | None) -> str:
    if cancelling:
        return "fulfillment.return_cancel_told" if error is None else "fulfillment.return_cancel_not_told"
    return "fulfillment.return_registered" if error is None else "fulfillment.return_not_registered"


async def register_due(transactions: Transactions, logistics: Logistics, clock: Clock,
                       policy: DispatchPolicy) -> int:
    return await up_to_batch(register_one, transactions, logistics, clock, policy)


async def run_return_registrar(transactions: Transactions, logistics: Logistics, clock: Clock,
                               policy: DispatchPolicy, stop: asyncio.Event) -> None:
    await run_job("fulfillment.register_returns", register_one, transactions, logistics, clock, policy, stop)
