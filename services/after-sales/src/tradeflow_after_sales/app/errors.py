"""Refusals of the use cases that are not rules of the case itself."""

from tradeflow_after_sales.domain.errors import AfterSalesError


class OrderNotKnown(AfterSalesError):
    """No `OrderChanged` of the order has reached after-sales (unknown order, or not yet told)."""

    slug = "order-not-found"


class NotYourCase(AfterSalesError):
    """The case (or the order) is someone else's: another buyer's, or a merchant's not in it."""

    slug = "forbidden"
