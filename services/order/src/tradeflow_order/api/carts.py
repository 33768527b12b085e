"""Request body → the domain's cart."""

from tradeflow_order.api.schemas import PlaceOrderIn
from tradeflow_order.domain.model import Receiver
from tradeflow_order.domain.placement import Cart, CartLine
from tradeflow_order.domain.pricing import Discount


def cart_from(body: PlaceOrderIn, buyer_id: str) -> Cart:
    return Cart(
        buyer_id=buyer_id, channel=body.channel, currency=body.currency,
        receiver=Receiver(**body.receiver.model_dump()),
        lines=[CartLine(ln.sku, ln.merchant_id, ln.quantity, ln.unit_price_amount, ln.kind, ln.fragile)
               for ln in body.lines],
        shipping_amount=body.shipping_amount,
        discounts=[Discount(d.kind, d.amount, frozenset(d.skus) if d.skus else None) for d in body.discounts])
