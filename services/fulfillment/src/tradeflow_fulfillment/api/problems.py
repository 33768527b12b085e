"""The service's one error map: its refusals as problem+json (RFC 9457, stable `type` slugs,
API.md), installed on the app by bootstrap. Add a row per refusal a route can meet, most
specific first."""

from tradeflow_fulfillment.domain.errors import (
    CannotMerge,
    CaseReturnNotFound,
    EntitlementNotFound,
    EntitlementRevoked,
    FulfillmentError,
    IllegalTransition,
    NotDispatchedYet,
    ReReviewRefused,
    ShipmentNotFound,
)
from tradeflow_kit.problems import ErrorMap, Refusal

PROBLEMS = ErrorMap(
    Refusal(ShipmentNotFound, 404, "Shipment not found"),
    Refusal(EntitlementNotFound, 404, "Entitlement not found"),
    Refusal(CaseReturnNotFound, 404, "Return not expected"),
    Refusal(EntitlementRevoked, 409, "Entitlement revoked already", extensions=lambda e: {
        "revoked_at": e.revoked_at.isoformat(), "revoke_reason": e.reason}),
    Refusal(CannotMerge, 409, "Shipments cannot merge", extensions=lambda e: {"shipment_id": e.shipment_id}),
    Refusal(NotDispatchedYet, 409, "Shipment not dispatched yet"),
    Refusal(IllegalTransition, 409, "Illegal shipment transition"),
    Refusal(ReReviewRefused, 409, "Shipment on its way: no re-review"),
    Refusal(FulfillmentError, 409, "Fulfillment rule violated"),
)
