"""The service's one error map: its refusals as problem+json (RFC 9457, each error's `slug` its
stable `type`, API.md), installed on the app by bootstrap. Most specific first."""

from tradeflow_after_sales.app.errors import NotYourCase, OrderNotKnown, ReplacementUnknown
from tradeflow_after_sales.domain.errors import (
    AfterSalesError,
    CaseNotFound,
    ChannelPaidUnknown,
    ChannelRefundExceedsPaid,
    ExchangePriceDiffers,
    IllegalTransition,
    InvalidCase,
    LineNotInOrder,
    OrderNotEligible,
    OverrideExceedsRefundable,
    QuantityExceedsClaimable,
    ReturnNotOverdue,
    TypeNotAllowed,
    VirtualGoodsRefundOnly,
    WindowExpired,
)
from tradeflow_kit.problems import ErrorMap, Refusal


def _field(exc: InvalidCase) -> list[dict[str, str]]:
    return [{"field": exc.field or "body", "message": str(exc)}]


def _line(exc: LineNotInOrder) -> list[dict[str, str]]:
    return [{"field": "lines", "message": str(exc)}]


def _claimable(exc: QuantityExceedsClaimable) -> dict:
    return {"line_id": exc.line_id, "claimable": exc.claimable}


PROBLEMS = ErrorMap(
    Refusal(InvalidCase, 422, "Invalid after-sales case", errors=_field),
    Refusal(LineNotInOrder, 422, "Line not in the order", errors=_line),
    Refusal(VirtualGoodsRefundOnly, 422, "Virtual goods: refund only"),
    Refusal(ExchangePriceDiffers, 422, "Exchange price differs"),
    Refusal(ReplacementUnknown, 422, "Replacement unknown"),
    Refusal(CaseNotFound, 404, "After-sales case not found"),
    Refusal(OrderNotKnown, 404, "Order not found"),
    Refusal(NotYourCase, 403, "Not allowed"),
    Refusal(OrderNotEligible, 409, "Order not eligible for after-sales"),
    Refusal(TypeNotAllowed, 409, "Case type not allowed"),
    Refusal(WindowExpired, 409, "After-sales window expired"),
    Refusal(QuantityExceedsClaimable, 409, "Quantity exceeds what is claimable", extensions=_claimable),
    Refusal(OverrideExceedsRefundable, 409, "Override exceeds what is refundable"),
    Refusal(IllegalTransition, 409, "Illegal transition"),
    Refusal(ReturnNotOverdue, 409, "Return not overdue"),
    Refusal(ChannelRefundExceedsPaid, 422, "Channel refund exceeds what was paid on the channel"),
    Refusal(ChannelPaidUnknown, 422, "Channel paid amount unknown"),
    Refusal(AfterSalesError, 409, "After-sales rule violated"),
)
