"""The Entitlement aggregate: a virtual good (a course, an access) held by an account (DOMAIN §4).

Granted at once when the order is paid — what (SKU, quantity), to whom (the buyer's account),
from which order line. Revoked with a reason when the buyer gets the money back (after-sales, a
channel refund) or by staff; revoking a revoked entitlement changes nothing (idempotent) — but
staff revoking one by hand are told it was revoked already, when and why (`revoke_by_hand`).
"""

from datetime import datetime
from enum import StrEnum

from tradeflow_fulfillment.domain.errors import EntitlementRevoked, FulfillmentError
from tradeflow_fulfillment.domain.events import EntitlementDomainEvent, EntitlementWasGranted, EntitlementWasRevoked


class EntitlementStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


class Entitlement:
    def __init__(self, *, id: str, account: str, sku: str, order_id: str, sub_order_id: str, line_id: str,
                 quantity: int, granted_at: datetime, status: EntitlementStatus = EntitlementStatus.ACTIVE,
                 revoked_at: datetime | None = None, revoke_reason: str | None = None,
                 revoke_case_id: str | None = None) -> None:
        self.id, self.account, self.sku, self.quantity = id, account, sku, quantity
        self.order_id, self.sub_order_id, self.line_id, self.granted_at = order_id, sub_order_id, line_id, granted_at
        self._status = EntitlementStatus(status)
        self._revoked_at, self._revoke_reason, self._revoke_case_id = revoked_at, revoke_reason, revoke_case_id
        self._events: list[EntitlementDomainEvent] = []

    status = property(lambda self: self._status)
    revoked_at = property(lambda self: self._revoked_at)
    revoke_reason = property(lambda self: self._revoke_reason)
    revoke_case_id = property(lambda self: self._revoke_case_id, doc="The after-sales case that revoked it.")

    @classmethod
    def grant(cls, id: str, *, account: str, sku: str, order_id: str, sub_order_id: str, line_id: str,
              quantity: int, at: datetime) -> "Entitlement":
        if not account:
            raise FulfillmentError(f"line {line_id}: an entitlement needs an account to grant it to")
        if quantity <= 0:
            raise FulfillmentError(f"line {line_id}: quantity {quantity} is not positive")
        entitlement = cls(id=id, account=account, sku=sku, order_id=order_id, sub_order_id=sub_order_id,
                          line_id=line_id, quantity=quantity, granted_at=at)
        entitlement._events.append(EntitlementWasGranted())
        return entitlement

    @property
    def active(self) -> bool:
        return self._status is EntitlementStatus.ACTIVE

    def revoke(self, reason: str, at: datetime, *, case_id: str | None = None) -> bool:
        """Take it back (for an after-sales case: `case_id`); False (nothing changes, nothing is
        announced) when it was revoked already."""
        if not reason or not reason.strip():
            raise FulfillmentError(f"entitlement {self.id}: revoking needs a reason")
        if not self.active:
            return False
        self._status, self._revoked_at, self._revoke_reason = EntitlementStatus.REVOKED, at, reason
        self._revoke_case_id = case_id
        self._events.append(EntitlementWasRevoked())
        return True

    def revoke_by_hand(self, reason: str, at: datetime) -> None:
        """Staff take it back; EntitlementRevoked if it was already (a second revocation is a
        mistake to show them, not a change to ignore)."""
        if not self.active:
            raise EntitlementRevoked(f"entitlement {self.id} was revoked at {self._revoked_at.isoformat()}: "
                                     f"{self._revoke_reason}", revoked_at=self._revoked_at, reason=self._revoke_reason)
        self.revoke(reason, at)

    def pull_events(self) -> list[EntitlementDomainEvent]:
        events, self._events = self._events, []
        return events
