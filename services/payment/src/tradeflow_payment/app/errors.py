"""Refusals of the use cases that are not rules of the aggregate (lookup and access)."""


class NotPayable(Exception):
    """The order has no payable: unknown, or the order service has not asked for payment yet."""


class PaymentNotFound(Exception):
    """No payment has this id."""


class NotYourPayment(Exception):
    """The caller is neither the order's buyer nor staff."""
