"""The order service's one error map: its refusals as problem+json (RFC 9457; each error class
carries its `type` slug), installed on the app by bootstrap. Most specific first."""

from tradeflow_kit.problems import ErrorMap, Refusal
from tradeflow_order.api.views import AFTER_SALES, quote_view
from tradeflow_order.domain.errors import (
    CancellationInProgress,
    CouponUnavailable,
    IllegalTransition,
    InsufficientPoints,
    InvalidOrder,
    NotCancellableSigned,
    NotYourOrder,
    OrderError,
    OrderNotFound,
    PriceChanged,
    UnpaidUnitsLimit,
)


def _invalid_field(exc: InvalidOrder) -> list[dict[str, str]]:
    return [{"field": exc.field or "body", "message": str(exc)}]


def _units_over_limit(exc: UnpaidUnitsLimit) -> list[dict[str, str]]:
    return [{"field": "lines", "message": f"sku {exc.sku}: held {exc.held}, asked {exc.asked}, limit {exc.limit}"}]


def _coupon_field(exc: CouponUnavailable) -> list[dict[str, str]]:
    return [{"field": exc.field, "message": exc.why}]


def _points_field(exc: InsufficientPoints) -> list[dict[str, str]]:
    return [{"field": "points_amount", "message": f"the balance is {exc.balance}"}]


def _differences(exc: PriceChanged) -> list[dict[str, str]]:
    return [{"field": f, "message": m} for f, m in exc.differences]


def _new_quote(exc: PriceChanged) -> dict:
    return {"quote": quote_view(exc.quote.buyer.currency, exc.quote.lines, exc.quote.terms)}


def _after_sales(_exc: NotCancellableSigned) -> dict:
    return {"after_sales": AFTER_SALES}


PROBLEMS = ErrorMap(
    Refusal(InvalidOrder, 422, "Invalid order", errors=_invalid_field),
    Refusal(PriceChanged, 409, "The price changed", errors=_differences, extensions=_new_quote),
    Refusal(CouponUnavailable, 409, "Coupon unavailable", errors=_coupon_field),
    Refusal(InsufficientPoints, 409, "Not enough points", errors=_points_field),
    Refusal(OrderNotFound, 404, "Order not found"),
    Refusal(NotYourOrder, 403, "Not allowed"),
    Refusal(IllegalTransition, 409, "Illegal transition"),
    Refusal(CancellationInProgress, 409, "Cancellation in progress"),
    Refusal(NotCancellableSigned, 409, "Signed for: use after-sales", extensions=_after_sales),
    Refusal(UnpaidUnitsLimit, 409, "Too many unpaid units", errors=_units_over_limit),
    Refusal(OrderError, 409, "Order rule violated"),
)
