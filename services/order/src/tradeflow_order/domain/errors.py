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
