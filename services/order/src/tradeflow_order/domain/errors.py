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
