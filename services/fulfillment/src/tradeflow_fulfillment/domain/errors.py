"""Why the fulfillment domain refuses something. Every domain error of the service derives from
`FulfillmentError`: the kit dead-letters it at once in message handlers (bootstrap passes it to
`build_runtime(domain_errors=…)`) and `api/problems.py` maps it to a problem."""


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
    """Two shipments that may not travel as one parcel were asked to merge."""

    slug = "cannot-merge"


class InvalidPaidOrder(FulfillmentError):
    """A paid order cannot be planned as it is (a physical line with no warehouse, units that do
    not add up): it can never succeed, so it is dead-lettered with this reason."""

    slug = "invalid-paid-order"


class InvalidCarrierRules(FulfillmentError):
    """The carrier configuration string cannot be read; the message names the entry and why."""

    slug = "invalid-carrier-rules"
