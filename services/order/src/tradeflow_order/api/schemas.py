"""Request bodies of the order API (API.md "Orders"); pydantic gives 422s with field detail.

Built from the kit's strict types (`tradeflow_kit.fields`): integer-only money within BIGINT,
ISO 4217 currency, text without control characters and within limits, unknown fields refused.
What an order implies must fit too: each line's quantity × unit price, the goods total with
shipping, and the discounts' sum are checked here, each on the field that overflows it.
"""

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from tradeflow_kit.fields import Amount, CurrencyCode, Flag, Id, Quantity, RequestModel, check_fits_bigint, text

MAX_LINE_QUANTITY = 10_000


class ReceiverIn(RequestModel):
    name: text(100)
    phone: text(32, min_length=5)
    region: text(64)
    city: text(64)
    address: text(300, multiline=True)


class LineIn(RequestModel):
    """A buyer names the SKU and quantity (and may say the unit price the page showed); staff and
    channels placing with explicit prices also give the merchant, unit price and kind."""

    sku: Id
    quantity: Annotated[Quantity, Field(le=MAX_LINE_QUANTITY)]
    unit_price_amount: Amount | None = None
    merchant_id: Id | None = None
    kind: Literal["physical", "virtual"] | None = None
    fragile: Flag | None = None

    @model_validator(mode="after")
    def _line_total_fits(self) -> "LineIn":
        check_fits_bigint(self.goods_amount, "quantity × unit_price_amount")
        return self

    @property
    def goods_amount(self) -> int:
        return self.quantity * (self.unit_price_amount or 0)


class DiscountIn(RequestModel):
    kind: Literal["coupon", "promotion", "points", "member"]
    amount: Amount
    skus: list[Id] | None = Field(default=None, min_length=1, max_length=200)


class InvoiceIn(RequestModel):
    title: text(200)
    tax_id: text(64) | None = None


class PlaceOrderIn(RequestModel):
    """API.md "Orders": the server prices SKUs and quantities from the catalog; `shipping_amount`,
    `discounts` and lines with `merchant_id` are explicit prices (staff only)."""

    channel: text(32) = "app"
    currency: CurrencyCode
    type: Literal["normal", "pre_sale", "virtual", "channel"] = "normal"
    receiver: ReceiverIn
    delivery_method: Literal["express", "self_pickup", "merchant_delivery"] = "express"
    invoice: InvoiceIn | None = None
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    coupon_codes: list[Id] = Field(default_factory=list, max_length=10)
    points_amount: Amount = 0
    expected_paid_amount: Amount | None = None
    shipping_amount: Amount | None = None
    discounts: list[DiscountIn] | None = Field(default=None, max_length=20)
    buyer_id: Id | None = Field(default=None, description="staff placing an order on behalf of a buyer")

    @property
    def explicit_prices(self) -> bool:
        return (self.shipping_amount is not None or self.discounts is not None
                or any(line.merchant_id is not None for line in self.lines))

    @field_validator("lines")
    @classmethod
    def _goods_total_fits(cls, lines: list[LineIn]) -> list[LineIn]:
        check_fits_bigint(sum(line.goods_amount for line in lines), "the lines' total")
        return lines

    @field_validator("shipping_amount")
    @classmethod
    def _order_total_fits(cls, shipping: int | None, info: ValidationInfo) -> int | None:
        goods = sum(line.goods_amount for line in info.data.get("lines", []))
        check_fits_bigint(goods + (shipping or 0), "the goods total with shipping")
        return shipping

    @field_validator("discounts")
    @classmethod
    def _discounts_fit(cls, discounts: list[DiscountIn] | None) -> list[DiscountIn] | None:
        check_fits_bigint(sum(d.amount for d in discounts or []), "the discounts' total")
        return discounts


class ReasonIn(RequestModel):
    reason: text(500, multiline=True)


class OptionalReasonIn(RequestModel):
    reason: text(500, multiline=True) | None = None
