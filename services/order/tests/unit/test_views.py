"""What each role sees of an order (API.md "Orders"): a merchant only its part."""

import itertools
from datetime import UTC, datetime

from tradeflow_order.api.views import merchant_order_view, order_view
from tradeflow_order.domain.model import Receiver
from tradeflow_order.domain.placement import Cart, CartLine, place
from tradeflow_order.domain.pricing import Discount

NOW = datetime(2026, 12, 5, tzinfo=UTC)


def test_a_merchant_sees_its_sub_orders_amounts_and_history_and_nothing_of_the_others():
    counter = itertools.count()
    cart = Cart("b1", "app", "CNY", Receiver("Li", "13800001234", "east", "Shanghai", "1 Road"),
                [CartLine("A", "m1", 2, 1000), CartLine("B", "m2", 1, 3000)], 400, [Discount("coupon", 500)])
    order = place(cart, lambda prefix: f"{prefix}-{next(counter)}", "buyer:b1", NOW)
    mine, theirs = order.sub_orders
    order.stock_reserved(theirs.id, {}, NOW)
    order.stock_reserved(mine.id, {}, NOW)
    seen = merchant_order_view(order, "m1")
    assert [s["id"] for s in seen["sub_orders"]] == [mine.id]
    assert (seen["goods_amount"], seen["paid_amount"]) == (mine.goods_amount, mine.paid_amount)
    assert [h["event"] for h in seen["history"]] == ["placed", "stock_reserved"]  # not the other merchant's
    assert all(h["reason"] is None and h["actor"] is None for h in seen["history"])
    assert theirs.id not in str(seen) and "B" not in [ln["sku"] for s in seen["sub_orders"] for ln in s["lines"]]
    whole = order_view(order)
    assert [h["event"] for h in whole["history"]] == ["placed", "stock_reserved", "stock_reserved"]
