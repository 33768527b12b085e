"""Refusals of the use cases that are not rules of the aggregate (lookup and access)."""


class NotPayable(Exception):
    """The order has no payable: unknown, or the order service has not asked for payment yet."""


class NotPayableYet(Exception):
    """The order's payment was not requested within the wait: just placed under load, its stock
    still being reserved, or an order that does not exist (this service cannot tell). Ask again
    after `retry_after` seconds."""

    def __init__(self, order_id: str, waited: float, retry_after: int) -> None:
        super().__init__(f"order {order_id} has not asked for payment (waited {waited:g} s); "
                         f"ask again in {retry_after} s")
        self.retry_after = retry_after


class PaymentNotFound(Exception):
    """No payment has this id."""


class NotYourPayment(Exception):
    """The caller is neither the order's buyer nor staff."""
