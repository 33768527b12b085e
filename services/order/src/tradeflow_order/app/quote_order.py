"""Price a buyer's checkout from the price book without placing or holding anything
(`POST /orders/quote`, and the first half of placing an order)."""

from tradeflow_order.app.ports import Collaborators, OrderTransaction
from tradeflow_order.domain.catalog import CouponUses
from tradeflow_order.domain.model import DeliveryMethod
from tradeflow_order.domain.quoting import Checkout, PriceBook, Quote, price_checkout


async def quote(tx: OrderTransaction, c: Collaborators, checkout: Checkout, *, lock: bool = False) -> Quote:
    """With `lock` (placing), the coupons' rows stay locked until the transaction ends, so their
    uses are counted one placement at a time."""
    buyer_id = checkout.buyer.buyer_id
    skus = await tx.catalog.skus({line.sku for line in checkout.lines})
    freight = ({} if checkout.delivery_method is DeliveryMethod.SELF_PICKUP
               else await tx.catalog.freight_templates({sku.merchant_id for sku in skus.values()}))
    coupons = await tx.catalog.coupons(set(checkout.coupon_codes), lock=lock) if checkout.coupon_codes else {}
    uses: dict[str, CouponUses] = {code: await tx.catalog.coupon_uses(code, buyer_id) for code in sorted(coupons)}
    balance = await tx.catalog.points_balance(buyer_id) if checkout.points_amount else 0
    book = PriceBook(skus, freight, coupons, uses, balance, c.clock.now())
    return price_checkout(checkout, book, c.ids.new_id)
