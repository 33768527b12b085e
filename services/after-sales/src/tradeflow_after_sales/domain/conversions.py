"""The two moves that change a case's type (issue 12).

* **An exchange turned into a refund** (`convert_to_refund`, staff): the replacement is out of
  stock. Allowed until the replacement ships — at requested, approved, awaiting_return,
  return_in_transit, received, inspected_ok or inspected_failed, or parked at one of them (the
  case resumes there). The case becomes a return_and_refund in the same status (the goods still
  come back), each line's refund fixed by the rule on the order as it is now (`refund.quote`).
* **A refund_only before shipment that becomes a return** (`shipment_not_stopped`, the saga):
  fulfillment could no longer stop the line's parcel. Only for a case opened before shipment, while
  approved (or parked there): it becomes a return_and_refund awaiting the return parcel by the
  deadline, and the shipping share is forfeited as for any case after shipment (an amount staff
  set stays). A channel's refund_only (`by_channel`) opened after its goods left becomes a return
  the same way, at once: the channel gave the money back, so the goods come back.
* **A part stop** (`split_off`, the saga): some units were stopped, others go on — the case keeps
  the stopped units and the ones going on continue in a new return case (`split.py`).

"Opened before shipment" (`before_shipment`) is `opening.stops_goods_first`: the order awaited
shipment, or — a channel's refund — it was partly shipped; such a case asks the order to stop its
units, and what could not be stopped becomes a return (all of it, or by a split).
"""

from dataclasses import replace
from datetime import datetime

from tradeflow_after_sales.domain.errors import IllegalTransition
from tradeflow_after_sales.domain.events import CaseOpened, CaseTypeChanged
from tradeflow_after_sales.domain.model import ClaimedLine
from tradeflow_after_sales.domain.opening import required
from tradeflow_after_sales.domain.order_snapshot import OrderSnapshot
from tradeflow_after_sales.domain.refund import quote, without_shipping
from tradeflow_after_sales.domain.split import split_lines
from tradeflow_after_sales.domain.states import CaseEvent, CaseStatus, CaseType

S, E, T = CaseStatus, CaseEvent, CaseType

CONVERTIBLE = frozenset({S.REQUESTED, S.APPROVED, S.AWAITING_RETURN, S.RETURN_IN_TRANSIT, S.RECEIVED,
                         S.INSPECTED_OK, S.INSPECTED_FAILED})
"""Where an exchange may still be turned into a refund: its replacement has not shipped."""


class Converting:
    """Mixed into `AfterSalesCase`: uses its type, status, lines, `_resting_status`, `_move`,
    `_record` and events."""

    def convert_to_refund(self, order: OrderSnapshot, reason: str, actor: str, now: datetime) -> None:
        reason = required(reason, "reason")
        if self._type is not T.EXCHANGE or self._resting_status not in CONVERTIBLE:
            raise IllegalTransition(f"case {self.id} ({self._type}, {self._status}) cannot be turned into a "
                                    "refund: only an exchange whose replacement has not shipped")
        refunds = quote(order, [ClaimedLine(line.line_id, line.quantity) for line in self._lines], self.id)
        self._lines = tuple(replace(line, refund=refunds[line.line_id], replacement=None) for line in self._lines)
        self._change_type(T.RETURN_AND_REFUND, E.CONVERT_TO_REFUND, reason, actor, now, self._resting_status)

    def shipment_not_stopped(self, reason: str, deadline: datetime, now: datetime, actor: str = "saga") -> None:
        reason = required(reason, "reason")
        if (self._type is not T.REFUND_ONLY or not (self.before_shipment or self.by_channel)
                or self._resting_status is not S.APPROVED):
            raise IllegalTransition(f"case {self.id} ({self._type}, {self._status}) cannot become a return: only "
                                    "an approved refund_only opened before shipment, or a channel's")
        overridden = self._override is not None
        self._lines = tuple(replace(line, refund=without_shipping(line.refund, overridden)) for line in self._lines)
        self._change_type(T.RETURN_AND_REFUND, E.BECOME_RETURN, reason, actor, now, S.AWAITING_RETURN)
        self._return_deadline = deadline

    def split_off(self, new_id: str, stopped: dict[str, tuple[int, int]], going_on: dict[str, int], reason: str,
                  deadline: datetime, now: datetime, actor: str = "saga"):
        """The order stopped `stopped` (line id → units, its refund for them) and the units
        `going_on` (line id → units) reach the buyer: this case keeps the stopped units (their
        refund exactly the order's) and returns the new case the others continue in — a
        return_and_refund of the same buyer, already approved, awaiting the return by `deadline`."""
        reason = required(reason, "reason")
        if self._type is not T.REFUND_ONLY or not self.before_shipment or self._resting_status is not S.APPROVED:
            raise IllegalTransition(f"case {self.id} ({self._type}, {self._status}) cannot be split: only an "
                                    "approved refund_only opened before shipment")
        kept, moved = split_lines(self._lines, stopped, going_on, self._override is not None)
        self._lines, self._continued_by = kept, new_id
        self._record(now, self._status, E.SPLIT, actor, f"{reason}; the units going on continue in case {new_id}")
        new = type(self)(id=new_id, order_id=self.order_id, buyer_id=self.buyer_id, currency=self.currency,
                         type=T.RETURN_AND_REFUND, lines=moved, reason=self.reason, requested_by=self.requested_by,
                         opened_at=now, status=S.AWAITING_RETURN, description=self.description,
                         evidence=self.evidence, return_deadline=deadline, split_from=self.id)
        new._record(now, None, E.CONTINUE, actor, f"continues case {self.id} (approved): {reason}")
        new._events.append(CaseOpened(new.type, new.refund_amount, now))
        return new

    def _change_type(self, to_type: CaseType, event: CaseEvent, reason: str, actor: str, now: datetime,
                     to_status: CaseStatus) -> None:
        from_type, self._type = self._type, to_type
        self._events.append(CaseTypeChanged(from_type, to_type, self.refund_amount, reason, now))
        if to_status is self._status:
            self._record(now, self._status, event, actor, reason)
        else:
            self._move(event, actor, now, reason, to_status=to_status)
