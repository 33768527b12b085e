"""Domain events the after-sales case records (`AfterSalesCase.pull_events()`); the app layer
turns them into outbox messages and saga steps through one explicit map. They name no case id:
the unit of work knows whose events it pulls."""

from dataclasses import dataclass
from datetime import datetime

from tradeflow_after_sales.domain.model import Goodwill, ReturnParcel
from tradeflow_after_sales.domain.states import CaseEvent, CaseStatus, CaseType


@dataclass(frozen=True)
class CaseOpened:
    type: CaseType
    refund_amount: int
    at: datetime


@dataclass(frozen=True)
class CaseMoved:
    """Every change of status, on its named event (park: `reason` says why)."""

    from_status: CaseStatus
    to_status: CaseStatus
    event: CaseEvent
    at: datetime
    actor: str
    reason: str | None = None


@dataclass(frozen=True)
class ReturnParcelReported:
    parcel: ReturnParcel


@dataclass(frozen=True)
class RefundOverridden:
    """Staff set the case's refund: `amount` from `rule_amount`, for `reason`."""

    amount: int
    rule_amount: int
    reason: str
    actor: str
    at: datetime


@dataclass(frozen=True)
class GoodwillGranted:
    goodwill: Goodwill


@dataclass(frozen=True)
class CaseTypeChanged:
    """An exchange turned into a refund, or a refund_only whose parcel could not be stopped that
    became a return; `refund_amount` is the case's refund now."""

    from_type: CaseType
    to_type: CaseType
    refund_amount: int
    reason: str
    at: datetime


CaseDomainEvent = (CaseOpened | CaseMoved | ReturnParcelReported | RefundOverridden | GoodwillGranted
                   | CaseTypeChanged)
