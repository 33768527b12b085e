"""Staff revoke an entitlement with a reason (DOMAIN §4 virtual goods, issue 11): an active one is
revoked and EntitlementRevoked is published with the change; one revoked already is refused
(EntitlementRevoked error, saying when and why), so a second revocation is never mistaken for a
first. The account keeps seeing it, `revoked`. An after-sales case revokes with
RevokeEntitlement (`revoke_for_case`)."""

from datetime import datetime

import structlog

from tradeflow_contracts.after_sales import EntitlementNotRevoked, RevokeEntitlement
from tradeflow_fulfillment.app.announcements import announce_entitlement, entitlement_message
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.domain.entitlement import Entitlement
from tradeflow_fulfillment.domain.events import EntitlementWasRevoked

log = structlog.get_logger(__name__)


async def revoke_entitlement(tx: FulfillmentTransaction, c: Collaborators, entitlement_id: str, actor: str,
                             reason: str) -> Entitlement:
    entitlement = await tx.entitlements.get(entitlement_id, lock=True)
    entitlement.revoke_by_hand(reason, c.clock.now())
    await tx.entitlements.save(entitlement)
    await announce_entitlement(tx, entitlement)
    log.info("fulfillment.entitlement_revoked", entitlement_id=entitlement.id, order_id=entitlement.order_id,
             actor=actor, reason=reason)
    return entitlement


async def revoke_for_case(tx: FulfillmentTransaction, message: RevokeEntitlement, c: Collaborators) -> None:
    """An after-sales case refunded a virtual good (DOMAIN §5 收回物权): the line's entitlement is
    revoked and EntitlementRevoked (with the case id) published; asked again — by this case or
    another — it is answered again as it was revoked, never revoked twice. No entitlement for the
    line: EntitlementNotRevoked with why, and the case's revocation is recorded, so that an
    entitlement granted for the line later is revoked at once (`revoke_if_case_asked`)."""
    now = c.clock.now()
    entitlement = next((e for e in await tx.entitlements.of_order(message.order_id)
                        if e.line_id == message.line_id), None)
    await tx.revocations.record(message.case_id, message.order_id, message.line_id, message.reason, now,
                                entitlement.id if entitlement else None)
    if entitlement is None:
        why = await _why_none(tx, message.order_id)
        await tx.publish(EntitlementNotRevoked(case_id=message.case_id, order_id=message.order_id,
                                               line_id=message.line_id, reason=why, at=now), key=message.order_id)
        log.info("fulfillment.entitlement_not_revoked", case_id=message.case_id, line_id=message.line_id, why=why)
        return
    revoked_now = entitlement.revoke(message.reason, now, case_id=message.case_id)
    await tx.entitlements.save(entitlement)
    entitlement.pull_events()
    answer = entitlement_message(entitlement, EntitlementWasRevoked())
    await tx.publish(answer.model_copy(update={"case_id": message.case_id}), key=entitlement.order_id)
    log.info("fulfillment.entitlement_revoked_for_case", case_id=message.case_id, entitlement_id=entitlement.id,
             repeat=not revoked_now)


async def revoke_if_case_asked(tx: FulfillmentTransaction, entitlement: Entitlement, now: datetime) -> None:
    """An entitlement just granted for a line an after-sales case revoked before: revoked at once,
    for that case (EntitlementGranted, then EntitlementRevoked with its case id)."""
    asked = await tx.revocations.of_line(entitlement.order_id, entitlement.line_id)
    if asked is None:
        return
    case_id, reason = asked
    entitlement.revoke(f"revoked by after-sales case {case_id} before it was granted: {reason}", now,
                       case_id=case_id)
    await tx.revocations.record(case_id, entitlement.order_id, entitlement.line_id, reason, now, entitlement.id)
    log.warning("fulfillment.entitlement_revoked_on_grant", case_id=case_id, entitlement_id=entitlement.id)


async def _why_none(tx: FulfillmentTransaction, order_id: str) -> str:
    if await tx.planned_orders.was_skipped(order_id):
        return ("not-fulfilled-here: the order was paid before fulfillment's start point "
                "(FULFILLMENT_PLAN_PAID_SINCE), its goods were never granted here")
    if not await tx.planned_orders.is_planned(order_id):
        return ("never-granted: fulfillment has not planned the order yet; the entitlement will be revoked "
                "as soon as it is granted")
    return "never-granted: the order's line has no entitlement (not a virtual good)"
