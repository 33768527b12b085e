"""`CancelExpectedReturn` (DOMAIN §5, issue 12): the case no longer waits for its parcel. The
return is cancelled once (`CaseReturn.cancel`: a repeat changes nothing); the returns job
(`register_returns.py`) tells the warehouse, outside any transaction. A cancel for a return never
expected is kept (no lines) so a later ExpectReturn for that case is ignored. Nothing is published:
the case moved already; the warehouse's later reports only show in `GET /fulfillment/returns`."""

import structlog

from tradeflow_contracts.after_sales import CancelExpectedReturn
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.domain.returns import CaseReturn

log = structlog.get_logger(__name__)


async def cancel_expected_return(tx: FulfillmentTransaction, message: CancelExpectedReturn, c: Collaborators) -> None:
    now = c.clock.now()
    tombstone = CaseReturn.cancelled_unexpected(message.case_id, order_id=message.order_id, reason=message.reason,
                                                send_back=message.send_back, at=now)
    if await tx.returns.add(tombstone):
        log.warning("fulfillment.return_cancelled_before_expected", case_id=message.case_id,
                    order_id=message.order_id, reason=message.reason)
        return
    held = await tx.returns.get(message.case_id, lock=True)
    changed = held.cancel(message.reason, message.send_back, now)
    if changed:
        await tx.returns.save(held)
    log.info("fulfillment.return_cancelled", case_id=held.case_id, changed=changed, status=held.status.value,
             send_back=message.send_back, moot=held.cancellation.moot)
