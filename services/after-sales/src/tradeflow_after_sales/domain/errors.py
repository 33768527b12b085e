"""Why the after sales domain refuses something. Every domain error of the service derives from
`AfterSalesError`: the kit dead-letters it at once in message handlers (bootstrap passes it to
`build_runtime(domain_errors=…)`) and `api/problems.py` maps it to a problem. `slug` is the
problem type (API.md): each refusal a buyer or staff can meet has its own."""


class AfterSalesError(Exception):
    """An after-sales rule was broken; the message says which and why."""

    slug = "after-sales-rule-violated"


class InvalidCase(AfterSalesError):
    """The request itself is malformed (no lines, a line twice, a blank reason …); `field` names
    the part of it."""

    slug = "invalid-case"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class CaseNotFound(AfterSalesError):
    slug = "case-not-found"


class IllegalTransition(AfterSalesError):
    """The case was asked to move on an event its type's table does not allow from its status."""

    slug = "illegal-transition"


class OrderNotEligible(AfterSalesError):
    """The order is in no state for after-sales: not paid yet, cancelled, or closed."""

    slug = "order-not-eligible"


class TypeNotAllowed(AfterSalesError):
    """The case type is not allowed in the order's state (before shipment: refund_only only)."""

    slug = "type-not-allowed"


class VirtualGoodsRefundOnly(AfterSalesError):
    """A virtual line (a course, an entitlement) has no parcel to return or exchange."""

    slug = "virtual-goods-refund-only"


class WindowExpired(AfterSalesError):
    """The completed order's after-sales window (counted from signing) has closed."""

    slug = "window-expired"


class LineNotInOrder(AfterSalesError):
    slug = "line-not-in-order"

    def __init__(self, message: str, line_id: str) -> None:
        super().__init__(message)
        self.line_id = line_id


class QuantityExceedsClaimable(AfterSalesError):
    """More units of a line were claimed than are neither cancelled by the order nor held by an
    open or refunded case."""

    slug = "quantity-exceeds-claimable"

    def __init__(self, line_id: str, asked: int, claimable: int) -> None:
        super().__init__(f"line {line_id}: {asked} units claimed, {claimable} claimable")
        self.line_id, self.asked, self.claimable = line_id, asked, claimable


class OverrideExceedsRefundable(AfterSalesError):
    """Staff asked to refund more than the case's lines paid and have not got back."""

    slug = "override-exceeds-refundable"

    def __init__(self, asked: int, refundable: int) -> None:
        super().__init__(f"{asked} asked, at most {refundable} refundable on the case's lines")
        self.asked, self.refundable = asked, refundable


class ExchangePriceDiffers(AfterSalesError):
    """An exchange's replacement is another SKU of a different unit price."""

    slug = "exchange-price-differs"

    def __init__(self, line_id: str, line_price: int, replacement_price: int) -> None:
        super().__init__(f"line {line_id}: the replacement costs {replacement_price} a unit, the line "
                         f"{line_price}; exchange only for the same SKU or one of equal price")
        self.line_id, self.line_price, self.replacement_price = line_id, line_price, replacement_price


class ReturnNotOverdue(AfterSalesError):
    """Asked to close a case for a missing return parcel before its deadline passed."""

    slug = "return-not-overdue"


class ChannelRefundExceedsPaid(AfterSalesError):
    """A channel's refund is more than the refunded units' share of what the buyer paid the channel."""

    slug = "channel-refund-exceeds-paid"

    def __init__(self, asked: int, cap: int) -> None:
        super().__init__(f"the channel refunded {asked}, more than the {cap} its units were paid on the channel")
        self.asked, self.cap = asked, cap


class ChannelPaidUnknown(AfterSalesError):
    """A channel's refund on lines whose channel paid amount the order's facts do not tell: it
    cannot be checked, so it is not taken."""

    slug = "channel-paid-unknown"
