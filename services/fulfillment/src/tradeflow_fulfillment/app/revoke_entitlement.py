"""Staff revoke an entitlement with a reason (DOMAIN §4 virtual goods, issue 11): an active one is
revoked and EntitlementRevoked is published with the change; one revoked already is refused
(EntitlementRevoked error, saying when and why), so a second revocation is never mistaken for a
first. The account keeps seeing it, `revoked`."""

import structlog

from tradeflow_fulfillment.app.announcements import announce_entitlement
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.domain.entitlement import Entitlement

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
