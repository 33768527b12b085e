"""A cart placed, its stock reserved and paid: the order the tests of what follows payment start from."""

import itertools
from datetime import datetime, timedelta

from tradeflow_order.domain.order import Order
from tradeflow_order.domain.placement import Cart, place


def paid_order(cart: Cart, now: datetime) -> Order:
    """Placed by buyer b1 at `now`, every sub-order reserved, paid; its events pulled."""
    counter = itertools.count()
    order = place(cart, lambda prefix: f"{prefix}-{next(counter)}", "buyer:b1", now)
    for sub in order.sub_orders:
        order.stock_reserved(sub.id, {}, now)
    order.await_payment(now + timedelta(minutes=30), now)
    order.pay(now)
    order.pull_events()
    return order
