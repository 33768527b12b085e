"""An after-sales case's return parcel (DOMAIN §5, issue 12): `ExpectReturn` records what the
warehouse is to expect and makes its registration due (the returns job, `register_returns.py`,
sends it to the warehouse outside any transaction); a repeat with a (new) waybill registers it
again; an identical repeat changes nothing; other lines or another warehouse are refused
(ReturnConflict: dead-lettered with the reason). A return the case cancelled — also a cancel that
came before any ExpectReturn — is not expected again: the command is ignored (logged)."""

import structlog

from tradeflow_contracts.after_sales import ExpectReturn
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.domain.returns import CaseReturn, ReturnUnits

log = structlog.get_logger(__name__)


async def expect_return(tx: FulfillmentTransaction, message: ExpectReturn, c: Collaborators) -> None:
    now = c.clock.now()
    lines = [ReturnUnits(ln.line_id, ln.sku, ln.quantity) for ln in message.lines]
    new = CaseReturn.expect(message.case_id, order_id=message.order_id, warehouse=message.warehouse, lines=lines,
                            at=now, carrier=message.carrier, waybill=message.waybill)
    if await tx.returns.add(new):
        log.info("fulfillment.return_expected", case_id=new.case_id, order_id=new.order_id, warehouse=new.warehouse,
                 waybill=new.waybill)
        return
    held = await tx.returns.get(message.case_id, lock=True)
    if held.cancellation is not None:
        log.warning("fulfillment.return_expected_after_cancel", case_id=held.case_id, status=held.status.value,
                    why="the case cancelled its return: ignored")
        return
    changed = held.expect_again(order_id=message.order_id, warehouse=message.warehouse, lines=lines,
                                carrier=message.carrier, waybill=message.waybill, at=now)
    if changed:
        await tx.returns.save(held)
    log.info("fulfillment.return_expected_again", case_id=held.case_id, waybill=held.waybill, changed=changed)
