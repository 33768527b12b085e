"""After-sales service settings (env prefix AFTER_SALES_), beyond the shared ones. Durations are in
seconds, so tests and demos can make them short (see README "After-sales")."""

from datetime import timedelta

from pydantic import Field

from tradeflow_after_sales.domain.eligibility import AfterSalesWindows
from tradeflow_after_sales.domain.order_snapshot import OrderType
from tradeflow_kit.settings import settings_class


class Settings(settings_class("after-sales")):
    window_seconds: float = Field(7 * 86400, gt=0)  # a completed order's window, counted from signing
    window_seconds_by_type: str = ""  # per order type, e.g. "virtual=86400,pre_sale=1296000"
    return_deadline_seconds: float = Field(7 * 86400, gt=0)  # the buyer sends the parcel back by then
    review_overdue_seconds: float = Field(48 * 3600, gt=0)  # a requested case older than this is overdue
    merchant_review: bool = False  # merchants may approve/reject cases on their own sub-orders
    reply_timeout_seconds: float = Field(600, gt=0)  # a step not answered by then is asked again
    retry_max_attempts: int = Field(5, gt=0)  # failures of a step before the case needs attention
    retry_first_backoff_seconds: float = Field(30, gt=0)  # doubling after each failure …
    retry_max_backoff_seconds: float = Field(1800, gt=0)  # … up to this
    deadline_poll_seconds: float = Field(1.0, gt=0)  # how often the saga's deadlines are looked for
    order_wait_seconds: float = Field(5.0, ge=0)  # POST /after-sales waits this long for an order not known yet
    order_settle_seconds: float = Field(1.0, ge=0)  # … and this long for newer facts after a refusal for its state

    def windows(self) -> AfterSalesWindows:
        by_type = {}
        for entry in filter(None, (e.strip() for e in self.window_seconds_by_type.split(","))):
            kind, _, seconds = entry.partition("=")
            by_type[OrderType(kind.strip())] = timedelta(seconds=float(seconds))
        return AfterSalesWindows(timedelta(seconds=self.window_seconds), by_type)
