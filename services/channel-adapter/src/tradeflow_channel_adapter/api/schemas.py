"""The channel adapter API's request bodies (API.md Channels), built from the kit's strict field
types: money is integer minor units, text has no control characters and a length limit, unknown
fields are refused — each a 422 naming the field."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Path
from pydantic import Field

from tradeflow_kit.fields import Amount, CurrencyCode, Id, RequestModel, text

Code = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$", description="the channel's code")]
ChannelSku = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[^\s/]+$")]
StatusWord = Literal["paid", "shipped", "delivered", "completed", "cancelled", "refunded"]


class VocabularyIn(RequestModel):
    statuses: dict[text(64), StatusWord] = Field(default_factory=dict, max_length=100)
    """The channel's status words → the standard ones."""
    carriers: dict[text(64), text(64)] = Field(default_factory=dict, max_length=100)
    """Our carrier codes → the channel's carrier names."""
    money: Literal["minor", "decimal"] = "minor"
    address: Literal["split", "joined"] = "split"


class PriceListIn(RequestModel):
    markup_bp: Annotated[int, Field(strict=True, ge=0, le=1_000_000)] = 10000
    """The channel's price = the base price × markup_bp / 10000 (10000: the base price)."""
    explicit: dict[text(128), Amount] = Field(default_factory=dict, max_length=10000)
    """Local SKU → the channel's unit price (wins over the markup)."""


class ChannelIn(RequestModel):
    kind: Literal["marketplace_push", "marketplace_pull", "erp", "offline"]
    secret: text(256, min_length=16)
    currency: CurrencyCode = "CNY"
    vocabulary: VocabularyIn = VocabularyIn()
    price_list: PriceListIn = PriceListIn()
    credit_limit_amount: Amount | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    member_limit_amount: Amount | None = None
    api_base_url: Annotated[str, Field(max_length=512, pattern=r"^https?://\S+$")] | None = None
    active: bool = True


class SkuMapIn(RequestModel):
    sku: Id


class ReasonIn(RequestModel):
    reason: text(500)


class ApproveIn(RequestModel):
    reason: text(500) = "the channel changed the address"


class ImportIn(RequestModel):
    rows: list[dict[text(64), text(1000, min_length=0)]] = Field(min_length=1, max_length=5000)
    """CSV rows as column → value (`tradeflow channel import` sends a file in batches)."""
    first_row: Annotated[int, Field(strict=True, ge=1)] = 1
    """The file row number of the first row (for the report)."""


class MergeIn(RequestModel):
    into: Id
    """The account the merged one's members move to."""
    reason: text(500)
