"""What staff decide about a case's money (DOMAIN §5, §7; issue 12), each with a recorded reason.

* **Override** (`override_refund`): the case's refund set by hand, within what its lines paid and
  have not got back (`refund.override`), before the refund is asked of payment: at requested,
  approved, awaiting_return, return_in_transit, received, inspected_ok or inspected_failed (or
  parked at one of them). Not on an exchange (turn it into a refund first). Setting it again
  replaces it.
* **After a failed inspection** (`refund_partially`): staff refund part of it (an override, then
  the refund is asked) — or `reject` the case and the parcel goes back to the buyer.
* **Goodwill** (`grant_goodwill`): customer service adds a shipping subsidy or a coupon, at any
  time, recorded on the case on its own. It is never part of what the order's lines get back, so
  it never counts against "never more than paid"; the app pays or issues it apart from the refund.
"""

from datetime import datetime

from tradeflow_after_sales.domain.errors import IllegalTransition, InvalidCase
from tradeflow_after_sales.domain.events import GoodwillGranted, RefundOverridden
from tradeflow_after_sales.domain.model import Goodwill, GoodwillKind, RefundOverride
from tradeflow_after_sales.domain.opening import required
from tradeflow_after_sales.domain.order_snapshot import OrderSnapshot
from tradeflow_after_sales.domain.refund import override
from tradeflow_after_sales.domain.states import CaseEvent, CaseStatus, CaseType

S, E = CaseStatus, CaseEvent

OVERRIDABLE = frozenset({S.REQUESTED, S.APPROVED, S.AWAITING_RETURN, S.RETURN_IN_TRANSIT, S.RECEIVED,
                         S.INSPECTED_OK, S.INSPECTED_FAILED})
"""Where the refund may still be set by hand: payment has not been asked for it."""


class StaffDecisions:
    """Mixed into `AfterSalesCase`: uses its type, status, lines, `_resting_status`, `_move`,
    `_record` and events."""

    def override_refund(self, order: OrderSnapshot, amount: int, reason: str, actor: str, now: datetime) -> None:
        reason = required(reason, "reason")
        if self._type is CaseType.EXCHANGE or self._resting_status not in OVERRIDABLE:
            raise IllegalTransition(f"case {self.id} ({self._type}, {self._status}): its refund can no longer "
                                    "be set by hand")
        rule_amount = sum(line.refund.rule_amount for line in self._lines)
        self._lines = override(order, self.id, self._lines, amount)
        self._override = RefundOverride(amount, reason, actor, now)
        self._record(now, self._status, E.OVERRIDE, actor, f"refund {amount}: {reason}")
        self._events.append(RefundOverridden(amount, rule_amount, reason, actor, now))

    def refund_partially(self, order: OrderSnapshot, amount: int, reason: str, actor: str, now: datetime) -> None:
        """After a failed inspection: refund `amount` (within what is refundable) and ask for it."""
        if self._status is not S.INSPECTED_FAILED:
            raise IllegalTransition(f"case {self.id} is {self._status}: a partial refund follows a failed inspection")
        self._target(E.START_REFUND)  # before anything changes: all of it or nothing
        self.override_refund(order, amount, reason, actor, now)
        self._move(E.START_REFUND, actor, now, reason)

    def grant_goodwill(self, kind: GoodwillKind, amount: int, reason: str, actor: str, now: datetime,
                       coupon_code: str | None = None) -> Goodwill:
        reason = required(reason, "reason")
        if amount <= 0:
            raise InvalidCase("goodwill must be a positive amount", "amount")
        if coupon_code is not None and kind is not GoodwillKind.COUPON:
            raise InvalidCase("only a coupon has a code", "coupon_code")
        goodwill = Goodwill(GoodwillKind(kind), amount, reason, actor, now, coupon_code)
        self._goodwill.append(goodwill)
        self._record(now, self._status, E.GOODWILL, actor, f"{kind} {amount}: {reason}")
        self._events.append(GoodwillGranted(goodwill))
        return goodwill
