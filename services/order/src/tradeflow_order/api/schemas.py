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
    sku: Id
    merchant_id: Id
    quantity: Annotated[Quantity, Field(le=MAX_LINE_QUANTITY)]
    unit_price_amount: Amount
    kind: Literal["physical", "virtual"] = "physical"
    fragile: Flag = False

    @model_validator(mode="after")
    def _line_total_fits(self) -> "LineIn":
        check_fits_bigint(self.quantity * self.unit_price_amount, "quantity × unit_price_amount")
        return self

    @property
    def goods_amount(self) -> int:
        return self.quantity * self.unit_price_amount


class DiscountIn(RequestModel):
    kind: Literal["coupon", "promotion", "points", "member"]
    amount: Amount
    skus: list[Id] | None = Field(default=None, min_length=1, max_length=200)


class PlaceOrderIn(RequestModel):
    channel: text(32) = "app"
    currency: CurrencyCode
    receiver: ReceiverIn
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    shipping_amount: Amount = 0
    discounts: list[DiscountIn] = Field(default_factory=list, max_length=20)
    buyer_id: Id | None = Field(default=None, description="staff placing an order on behalf of a buyer")

    @field_validator("lines")
    @classmethod
    def _goods_total_fits(cls, lines: list[LineIn]) -> list[LineIn]:
        check_fits_bigint(sum(line.goods_amount for line in lines), "the lines' total")
        return lines

    @field_validator("shipping_amount")
    @classmethod
    def _order_total_fits(cls, shipping: int, info: ValidationInfo) -> int:
        goods = sum(line.goods_amount for line in info.data.get("lines", []))
        check_fits_bigint(goods + shipping, "the goods total with shipping")
        return shipping

    @field_validator("discounts")
    @classmethod
    def _discounts_fit(cls, discounts: list[DiscountIn]) -> list[DiscountIn]:
        check_fits_bigint(sum(d.amount for d in discounts), "the discounts' total")
        return discounts


class ReasonIn(RequestModel):
    reason: text(500, multiline=True)


class OptionalReasonIn(RequestModel):
    reason: text(500, multiline=True) | None = None
