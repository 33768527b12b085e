"""The after-sales API's request bodies (API.md "After-sales"). Rules of the case itself (a blank
reason, a quantity not positive, a link that is not one) are the domain's: 422 invalid-case with
the field named."""

from typing import Literal

from pydantic import BaseModel, Field


class ClaimedLineIn(BaseModel):
    line_id: str
    quantity: int


class ReplacementIn(BaseModel):
    line_id: str
    sku: str
    unit_price_amount: int = Field(ge=0)


class OpenCaseIn(BaseModel):
    order_id: str
    type: Literal["refund_only", "return_and_refund", "exchange"]
    lines: list[ClaimedLineIn]
    reason: str
    description: str = ""
    evidence: list[str] = Field(default_factory=list)
    replacements: list[ReplacementIn] = Field(default_factory=list)
    channel_refund_amount: int | None = None
    buyer_id: str | None = None  # staff on the buyer's behalf: checked against the order


class ReasonIn(BaseModel):
    reason: str


class OptionalReasonIn(BaseModel):
    reason: str | None = None


class ParcelIn(BaseModel):
    carrier: str
    waybill: str


class OverrideIn(BaseModel):
    refund_amount: int
    reason: str


class RefundDecisionIn(BaseModel):
    refund_amount: int | None = None  # None: the case's refund as it stands (the rule's, or an override)
    reason: str


class GoodwillIn(BaseModel):
    kind: Literal["shipping_subsidy", "coupon"]
    amount: int
    reason: str
    coupon_code: str | None = None
