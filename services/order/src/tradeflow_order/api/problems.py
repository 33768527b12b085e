"""The order service's one error map: its refusals as problem+json (RFC 9457; each error class
carries its `type` slug), installed on the app by bootstrap. Most specific first."""

from tradeflow_kit.problems import ErrorMap, Refusal
from tradeflow_order.domain.errors import (
    IllegalTransition,
    InvalidOrder,
    NotYourOrder,
    OrderError,
    OrderNotFound,
    UnpaidUnitsLimit,
)


def _invalid_field(exc: InvalidOrder) -> list[dict[str, str]]:
    return [{"field": exc.field or "body", "message": str(exc)}]


def _units_over_limit(exc: UnpaidUnitsLimit) -> list[dict[str, str]]:
    return [{"field": "lines", "message": f"sku {exc.sku}: held {exc.held}, asked {exc.asked}, limit {exc.limit}"}]


PROBLEMS = ErrorMap(
    Refusal(InvalidOrder, 422, "Invalid order", errors=_invalid_field),
    Refusal(OrderNotFound, 404, "Order not found"),
    Refusal(NotYourOrder, 403, "Not allowed"),
    Refusal(IllegalTransition, 409, "Illegal transition"),
    Refusal(UnpaidUnitsLimit, 409, "Too many unpaid units", errors=_units_over_limit),
    Refusal(OrderError, 409, "Order rule violated"),
)
