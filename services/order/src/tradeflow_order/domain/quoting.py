"""The server prices a buyer's checkout from the price book (API.md "Orders", "Catalog").

Per line: the SKU's current unit price, kind and flags (an unknown SKU or one priced in another
currency is refused, naming the line). Per sub-order (merchant): shipping from the merchant's
freight template by the weight of its physical lines and the receiver's region (self-pickup, a
merchant without a template, or virtual goods only: none), apportioned over its physical lines.
Then each coupon, in the order given, over the goods in its scope, and the points over all
lines — each apportioned by `pricing.allocate_discount`. The buyer's expectations (a unit price
the page showed, the paid amount it showed) are checked last: any difference is `PriceChanged`
with the new quote, and nothing is placed.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tradeflow_order.domain.catalog import CatalogSku, Coupon, CouponUses, FreightTemplate
from tradeflow_order.domain.errors import CouponUnavailable, InsufficientPoints, InvalidOrder, PriceChanged
from tradeflow_order.domain.model import (
    AppliedCoupon,
    DeliveryMethod,
    Invoice,
    Line,
    OrderType,
    PricedBy,
    Terms,
)
from tradeflow_order.domain.placement import Buyer, NewId
from tradeflow_order.domain.pricing import Charge, Discount, allocate_discount, allocate_shipping, room


@dataclass(frozen=True)
class CheckoutLine:
    sku: str
    quantity: int
    shown_unit_price_amount: int | None = None  # what the page showed, if the client says


@dataclass(frozen=True)
class Checkout:
    buyer: Buyer
    lines: list[CheckoutLine]
    type: OrderType = OrderType.NORMAL
    delivery_method: DeliveryMethod = DeliveryMethod.EXPRESS
    invoice: Invoice | None = None
    coupon_codes: list[str] = field(default_factory=list)
    points_amount: int = 0
    expected_paid_amount: int | None = None


@dataclass(frozen=True)
class PriceBook:
    """What pricing one checkout reads: its SKUs, its merchants' freight templates, its coupons
    with their current uses, the buyer's points balance, and the time."""

    skus: dict[str, CatalogSku]
    freight: dict[str, FreightTemplate]
    coupons: dict[str, Coupon]
    coupon_uses: dict[str, CouponUses]
    points_balance: int
    now: datetime


@dataclass
class Quote:
    buyer: Buyer
    lines: list[Line]
    terms: Terms

    @property
    def goods_amount(self) -> int:
        return sum(ln.goods_amount for ln in self.lines)

    @property
    def shipping_amount(self) -> int:
        return sum(ln.shipping_amount for ln in self.lines)

    @property
    def discount_amount(self) -> int:
        return sum(ln.discount_amount for ln in self.lines)

    @property
    def paid_amount(self) -> int:
        return sum(ln.paid_amount for ln in self.lines)


def price_checkout(checkout: Checkout, book: PriceBook, new_id: NewId) -> Quote:
    """The checkout priced to the cent, or the refusal that names what is wrong."""
    if not checkout.lines:
        raise InvalidOrder("an order needs at least one line", "lines")
    lines = [_line(new_id("ln"), c, index, book, checkout.buyer.currency) for index, c in enumerate(checkout.lines)]
    _check_type(checkout.type, lines)
    allocate_shipping(_shipping(lines, checkout, book))
    coupons = [_apply_coupon(lines, code, index, checkout, book) for index, code in enumerate(checkout.coupon_codes)]
    _spend_points(lines, checkout.points_amount, book.points_balance)
    terms = Terms(checkout.type, checkout.delivery_method, checkout.invoice, PricedBy.CATALOG, tuple(coupons),
                  checkout.points_amount)
    return Quote(checkout.buyer, lines, terms)


def check_expectations(checkout: Checkout, quote: Quote) -> None:
    """PriceChanged when what the buyer was shown is not what the order would cost."""
    differences = [
        (f"lines.{i}.unit_price_amount", f"{c.sku} costs {ln.unit_price_amount}, not {c.shown_unit_price_amount}")
        for i, (c, ln) in enumerate(zip(checkout.lines, quote.lines, strict=True))
        if c.shown_unit_price_amount is not None and c.shown_unit_price_amount != ln.unit_price_amount]
    if checkout.expected_paid_amount is not None and checkout.expected_paid_amount != quote.paid_amount:
        differences.append(("expected_paid_amount",
                            f"the order costs {quote.paid_amount}, not {checkout.expected_paid_amount}"))
    if differences:
        raise PriceChanged(differences, quote)


def _line(line_id: str, c: CheckoutLine, index: int, book: PriceBook, currency: str) -> Line:
    if c.quantity <= 0:
        raise InvalidOrder("quantity must be positive", f"lines.{index}.quantity")
    sku = book.skus.get(c.sku)
    if sku is None:
        raise InvalidOrder(f"unknown SKU {c.sku}", f"lines.{index}.sku")
    if sku.currency != currency:
        raise InvalidOrder(f"{c.sku} is priced in {sku.currency}, the order in {currency}", f"lines.{index}.sku")
    return Line(line_id, sku.sku, sku.merchant_id, c.quantity, sku.unit_price_amount, sku.kind, sku.fragile,
                title=sku.title, sku_version=sku.version, weight_grams=sku.weight_grams, volume_cm3=sku.volume_cm3,
                oversize=sku.oversize)


def _check_type(order_type: OrderType, lines: Sequence[Line]) -> None:
    if order_type is OrderType.VIRTUAL and any(ln.kind != "virtual" for ln in lines):
        raise InvalidOrder("a virtual order holds virtual goods only", "type")
    if order_type is OrderType.PRE_SALE and all(ln.kind == "virtual" for ln in lines):
        raise InvalidOrder("a pre-sale order needs physical goods to wait for", "type")
    if order_type is OrderType.CHANNEL:
        raise InvalidOrder("channel orders are placed by a channel with its prices", "type")


def _shipping(lines: list[Line], checkout: Checkout, book: PriceBook) -> list[Charge]:
    """One fee per merchant, over its physical lines."""
    if checkout.delivery_method is DeliveryMethod.SELF_PICKUP:
        return []
    charges = []
    for merchant in dict.fromkeys(ln.merchant_id for ln in lines):
        template = book.freight.get(merchant)
        shipped = [ln for ln in lines if ln.merchant_id == merchant and ln.kind == "physical"]
        if template is None or not shipped:
            continue
        weight = sum(book.skus[ln.sku].weight_grams * ln.quantity for ln in shipped)
        goods = sum(ln.goods_amount for ln in lines if ln.merchant_id == merchant)
        charges.append(Charge(template.fee(weight, goods, checkout.buyer.receiver.region), shipped))
    return charges


def _apply_coupon(lines: list[Line], code: str, index: int, checkout: Checkout, book: PriceBook) -> AppliedCoupon:
    where = f"coupon_codes.{index}"
    if code in checkout.coupon_codes[:index]:
        raise InvalidOrder(f"coupon {code} is named twice", where)
    coupon = book.coupons.get(code)
    if coupon is None:
        raise InvalidOrder(f"unknown coupon {code}", where)
    if coupon.currency != checkout.buyer.currency:
        raise InvalidOrder(f"coupon {code} is in {coupon.currency}, the order in {checkout.buyer.currency}", where)
    _check_available(coupon, book.coupon_uses.get(code, CouponUses(0, 0)), book.now, where)
    in_scope = [ln for ln in lines if coupon.covers(ln.sku, ln.merchant_id)]
    if not in_scope:
        raise CouponUnavailable(code, "it applies to none of these goods", where)
    goods = sum(ln.goods_amount for ln in in_scope)
    if not coupon.reaches_min_spend(goods):
        raise CouponUnavailable(code, f"it needs {coupon.min_spend_amount} of goods in its scope, "
                                      f"these are {goods}", where)
    amount = min(coupon.discount(goods), room(in_scope))
    allocate_discount(lines, Discount("coupon", amount, coupon.skus, coupon.merchant_id), where)
    return AppliedCoupon(code, amount)


def _check_available(coupon: Coupon, uses: CouponUses, now: datetime, where: str) -> None:
    if not coupon.valid_at(now):
        raise CouponUnavailable(coupon.code, "it is not valid now", where)
    if coupon.total_quantity is not None and uses.total >= coupon.total_quantity:
        raise CouponUnavailable(coupon.code, "it is used up", where)
    if coupon.per_buyer_limit is not None and uses.by_buyer >= coupon.per_buyer_limit:
        raise CouponUnavailable(coupon.code, f"a buyer may use it {coupon.per_buyer_limit} time(s)", where)


def _spend_points(lines: list[Line], points: int, balance: int) -> None:
    if points <= 0:
        return
    if points > balance:
        raise InsufficientPoints(points, balance)
    if points > (most := room(lines)):
        raise InvalidOrder(f"at most {most} points can be spent on this order (its goods after coupons)",
                           "points_amount")
    allocate_discount(lines, Discount("points", points), "points_amount")

