"""Domain errors of the order service; the edges map them to HTTP problems or dead letters."""


class OrderError(Exception):
    """A business rule refused the request."""

    slug = "order-rule-violated"


class InvalidOrder(OrderError):
    slug = "invalid-order"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class IllegalTransition(OrderError):
    slug = "illegal-transition"


class OrderNotFound(OrderError):
    slug = "order-not-found"


class UnpaidUnitsLimit(OrderError):
    """The buyer would hold more units of a SKU in unpaid orders than allowed."""

    slug = "unpaid-units-limit"

    def __init__(self, sku: str, held: int, asked: int, limit: int) -> None:
        super().__init__(f"{sku}: {held} units already held in unpaid orders and {asked} asked; "
                         f"at most {limit} per SKU until paid")
        self.sku, self.held, self.asked, self.limit = sku, held, asked, limit


class NotYourOrder(OrderError):
    """A buyer tried to change another buyer's order."""

    slug = "forbidden"


class CouponUnavailable(OrderError):
    """A coupon exists but cannot be used on this order now (used up, over the buyer's limit,
    not valid now, under its minimum spend, or for none of these goods)."""

    slug = "coupon-unavailable"

    def __init__(self, code: str, why: str, field: str) -> None:
        super().__init__(f"coupon {code}: {why}")
        self.code, self.why, self.field = code, why, field


class InsufficientPoints(OrderError):
    slug = "insufficient-points"

    def __init__(self, asked: int, balance: int) -> None:
        super().__init__(f"{asked} points asked, {balance} in the balance")
        self.asked, self.balance = asked, balance


class PriceChanged(OrderError):
    """What the buyer was shown differs from what the server prices now: nothing is placed; the
    new quote goes back so the checkout can show it."""

    slug = "price-changed"

    def __init__(self, differences: list[tuple[str, str]], quote: object) -> None:
        super().__init__("the price changed: " + "; ".join(message for _, message in differences))
        self.differences, self.quote = differences, quote


class CancellationInProgress(OrderError):
    """The order's cancellation is being decided by fulfillment: wait for its answer."""

    slug = "cancellation-in-progress"


class NotCancellableSigned(OrderError):
    """Every unit of the paid order was signed for (and nothing virtual can be revoked): only
    after-sales (a return, a refund) can take it back."""

    slug = "not-cancellable-signed"
