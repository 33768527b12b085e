"""Request bodies of the order API (API.md "Orders"); pydantic gives 422s with field detail."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReceiverIn(Strict):
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=5, max_length=32)
    region: str = Field(min_length=1, max_length=64)
    city: str = Field(min_length=1, max_length=64)
    address: str = Field(min_length=1, max_length=300)


class LineIn(Strict):
    sku: str = Field(min_length=1, max_length=64)
    merchant_id: str = Field(min_length=1, max_length=64)
    quantity: int = Field(gt=0, le=10_000)
    unit_price_amount: int = Field(ge=0)
    kind: Literal["physical", "virtual"] = "physical"
    fragile: bool = False


class DiscountIn(Strict):
    kind: Literal["coupon", "promotion", "points", "member"]
    amount: int = Field(ge=0)
    skus: list[str] | None = Field(default=None, min_length=1)


class PlaceOrderIn(Strict):
    channel: str = Field(default="app", min_length=1, max_length=32)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    receiver: ReceiverIn
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    shipping_amount: int = Field(default=0, ge=0)
    discounts: list[DiscountIn] = Field(default_factory=list, max_length=20)
    buyer_id: str | None = Field(default=None, description="staff placing an order on behalf of a buyer")


class ReasonIn(Strict):
    reason: str = Field(min_length=1, max_length=500)


class OptionalReasonIn(Strict):
    reason: str | None = Field(default=None, max_length=500)
