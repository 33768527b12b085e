"""Request body → what the domain prices: a buyer's `Checkout` (the server prices it from the
catalog) or a `Cart` with explicit prices (staff on behalf of a buyer).

A buyer may not send prices the server sets (shipping, discounts, a line's merchant, kind or
flags): each such field is a 422 naming it. Explicit prices need every line's merchant and unit
price, and take no coupons or points (those are the catalog's).
"""

from tradeflow_kit.auth import Principal, Role
from tradeflow_kit.problems import Problem
from tradeflow_order.api.schemas import PlaceOrderIn
from tradeflow_order.domain.model import DeliveryMethod, Invoice, OrderType, PricedBy, Receiver, Terms
from tradeflow_order.domain.placement import Buyer, Cart, CartLine
from tradeflow_order.domain.pricing import Discount
from tradeflow_order.domain.quoting import Checkout, CheckoutLine

SET_BY_THE_SERVER = "set by the server from the catalog; only staff send explicit prices"


def order_request(body: PlaceOrderIn, buyer_id: str, who: Principal) -> Cart | Checkout:
    buyer = Buyer(buyer_id, body.channel, body.currency, Receiver(**body.receiver.model_dump()))
    if body.explicit_prices and Role.STAFF in who.roles:
        return _cart(body, buyer)
    _refuse([(f, SET_BY_THE_SERVER) for f in _server_fields(body)])
    return Checkout(buyer, [CheckoutLine(ln.sku, ln.quantity, ln.unit_price_amount) for ln in body.lines],
                    OrderType(body.type), DeliveryMethod(body.delivery_method), _invoice(body),
                    list(body.coupon_codes), body.points_amount, body.expected_paid_amount)


def _cart(body: PlaceOrderIn, buyer: Buyer) -> Cart:
    missing = [(f"lines.{i}.{name}", "required with explicit prices") for i, ln in enumerate(body.lines)
               for name in ("merchant_id", "unit_price_amount") if getattr(ln, name) is None]
    refused = [(name, "not with explicit prices (coupons, points and expectations are the catalog's)")
               for name in ("coupon_codes", "points_amount", "expected_paid_amount") if getattr(body, name)]
    if body.type == OrderType.CHANNEL:
        refused.append(("type", "channel orders are placed by the channel adapter"))
    _refuse(missing + refused)
    return Cart(buyer.buyer_id, buyer.channel, buyer.currency, buyer.receiver,
                [CartLine(ln.sku, ln.merchant_id, ln.quantity, ln.unit_price_amount, ln.kind or "physical",
                          bool(ln.fragile)) for ln in body.lines],
                body.shipping_amount or 0,
                [Discount(d.kind, d.amount, frozenset(d.skus) if d.skus else None) for d in body.discounts or []],
                Terms(OrderType(body.type), DeliveryMethod(body.delivery_method), _invoice(body), PricedBy.STAFF))


def _server_fields(body: PlaceOrderIn) -> list[str]:
    fields = [name for name in ("shipping_amount", "discounts") if getattr(body, name) is not None]
    return fields + [f"lines.{i}.{name}" for i, ln in enumerate(body.lines)
                     for name in ("merchant_id", "kind", "fragile") if getattr(ln, name) is not None]


def _invoice(body: PlaceOrderIn) -> Invoice | None:
    return Invoice(body.invoice.title, body.invoice.tax_id) if body.invoice else None


def _refuse(errors: list[tuple[str, str]]) -> None:
    if errors:
        raise Problem(422, "validation-failed", "Request validation failed",
                      detail=f"{len(errors)} field(s) are invalid",
                      errors=[{"field": f, "message": m} for f, m in errors])
