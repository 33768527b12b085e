"""Why the fulfillment domain refuses something. Every domain error of the service derives from
`FulfillmentError`: the kit dead-letters it at once in message handlers (bootstrap passes it to
`build_runtime(domain_errors=…)`) and `api/problems.py` maps it to a problem."""

from datetime import datetime


class FulfillmentError(Exception):
    """A fulfillment rule was broken; the message says which and why."""

    slug = "fulfillment-rule-violated"


class IllegalTransition(FulfillmentError):
    """A shipment was asked to move on an event its current status does not allow."""

    slug = "illegal-transition"


class ShipmentNotFound(FulfillmentError):
    slug = "shipment-not-found"


class NotDispatchedYet(FulfillmentError):
    """A warehouse or carrier reported on a shipment we have not recorded as dispatched yet (its
    dispatch may be committing right now): the report is refused, so that it is sent again."""

    slug = "not-dispatched-yet"


class CannotMerge(FulfillmentError):
    """Shipments that may not travel as one parcel were asked to merge: `slug` names the rule that
    refused (`merge-…`, see `consolidation.py`), `shipment_id` the shipment it refused."""

    slug = "cannot-merge"

    def __init__(self, message: str, *, slug: str | None = None, shipment_id: str | None = None) -> None:
        super().__init__(message)
        self.slug, self.shipment_id = slug or type(self).slug, shipment_id


class EntitlementNotFound(FulfillmentError):
    slug = "entitlement-not-found"


class EntitlementRevoked(FulfillmentError):
    """Asked to revoke an entitlement revoked already: when and why it was."""

    slug = "entitlement-revoked"

    def __init__(self, message: str, *, revoked_at: datetime, reason: str) -> None:
        super().__init__(message)
        self.revoked_at, self.reason = revoked_at, reason


class InvalidPaidOrder(FulfillmentError):
    """A paid order cannot be planned as it is (a physical line with no warehouse, units that do
    not add up): it can never succeed, so it is dead-lettered with this reason."""

    slug = "invalid-paid-order"


class InvalidCarrierRules(FulfillmentError):
    """The carrier configuration string cannot be read; the message names the entry and why."""

    slug = "invalid-carrier-rules"


class ReReviewRefused(FulfillmentError):
    """Staff asked to re-review a shipment that is on its way (or being stopped, or done)."""

    slug = "re-review-refused"


class BeingDispatched(ReReviewRefused):
    """Re-reviewed while a dispatch is under way: refused for now — a moment later (the dispatch
    settled) it is either not dispatched or intercepted."""


class CaseReturnNotFound(FulfillmentError):
    """The warehouse reported on an after-sales return never expected (ExpectReturn not handled
    yet): refused, so that it is sent again."""

    slug = "return-not-found"
