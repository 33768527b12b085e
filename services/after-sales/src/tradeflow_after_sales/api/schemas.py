"""The after-sales API's request bodies and query parameters (API.md "After-sales"), built from the
kit's strict field types (`tradeflow_kit.fields`): money and quantities are JSON integers within
BIGINT / INTEGER (never strings, floats or booleans), text holds no NUL or other control characters
and has a length limit, links are http(s), unknown fields are refused — each a 422 naming the field.
Rules of the case itself (a blank reason, a line not in the order) are the domain's: 422
invalid-case with the field named."""

import re
from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from tradeflow_after_sales.domain.states import CaseStatus
from tradeflow_kit.fields import Amount, Id, Quantity, RequestModel, refuse_control_characters, text

MAX_CLAIMED_LINES = 200
_LINK = re.compile(r"^https?://\S+$", re.IGNORECASE)


def _link(value: str) -> str:
    if not _LINK.match(value):
        raise PydanticCustomError("not_a_link", "must be an http(s) link")
    return value


def _known_status(value: str) -> str:
    if value not in CaseStatus._value2member_map_:
        raise PydanticCustomError("unknown_status", "must be one of: {known}",
                                  {"known": ", ".join(s.value for s in CaseStatus)})
    return value


def _no_controls_or_space(value: str) -> str:
    refuse_control_characters(value)
    if any(ch.isspace() for ch in value):
        raise PydanticCustomError("id_whitespace", "must not contain whitespace")
    return value


Reason = text(500, multiline=True)
Link = Annotated[text(2000), AfterValidator(_link)]
CaseId = Annotated[str, Path(min_length=1, max_length=128), AfterValidator(_no_controls_or_space)]
"""A case id in the path: no whitespace or control characters (a NUL is a 422, never a 500)."""
QueryId = Annotated[str | None, Query(min_length=1, max_length=128), AfterValidator(
    lambda v: v if v is None else _no_controls_or_space(v))]
StatusFilter = Annotated[str | None, Query(max_length=64), AfterValidator(
    lambda v: v if v is None else _known_status(v))]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(min_length=1, max_length=512), AfterValidator(
    lambda v: v if v is None else _no_controls_or_space(v))]


class ClaimedLineIn(RequestModel):
    line_id: Id
    quantity: Quantity


class ReplacementIn(RequestModel):
    """An exchange names only the replacement SKU: its price is the catalog's, checked on the server
    (the same merchant, at the line's unit price)."""

    line_id: Id
    sku: Id


class OpenCaseIn(RequestModel):
    order_id: Id
    type: Literal["refund_only", "return_and_refund", "exchange"]
    lines: list[ClaimedLineIn] = Field(min_length=1, max_length=MAX_CLAIMED_LINES)
    reason: Reason
    description: text(2000, min_length=0, multiline=True) = ""
    evidence: list[Link] = Field(default_factory=list, max_length=20)
    replacements: list[ReplacementIn] = Field(default_factory=list, max_length=MAX_CLAIMED_LINES)
    channel_refund_amount: Amount | None = None
    buyer_id: Id | None = None  # staff on the buyer's behalf: checked against the order


class ReasonIn(RequestModel):
    reason: Reason


class OptionalReasonIn(RequestModel):
    reason: Reason | None = None


class ParcelIn(RequestModel):
    carrier: text(64)
    waybill: text(128)


class OverrideIn(RequestModel):
    refund_amount: Amount
    reason: Reason


class RefundDecisionIn(RequestModel):
    refund_amount: Amount | None = None  # None: the case's refund as it stands (the rule's, or an override)
    reason: Reason


class GoodwillIn(RequestModel):
    kind: Literal["shipping_subsidy", "coupon"]
    amount: Amount
    reason: Reason
    coupon_code: Id | None = None
