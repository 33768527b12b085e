"""Cancelling a paid order (DOMAIN §4 订单取消): fulfillment decides, shipment by shipment by its
stage, what can still be stopped — a parcel not dispatched is cancelled, a dispatched one
intercepted at the warehouse, a shipped one by the carrier (it comes back); a signed one, or an
interception that fails or is not answered in time, goes on to the buyer, and after-sales is the
way for it. The order asks (`request_cancellation`, the saga waits in `cancelling`) and follows
the one answer (`fulfillment_stopped`):

* everything stopped → cancelled as before payment: the rest of what was paid refunded, the
  stock released, coupons and points given back;
* some units stopped → partially cancelled: the order goes on with the rest; the stopped units'
  paid share is refunded (`refunds.units_share`) and their stock released (a sub-order with
  nothing going on all of it, else exactly the stopped units not on their way back). Coupons and
  points stay with the order: after-sales decides about them when it settles the rest;
* nothing stopped → refused, the order goes on as it was.

After a partial or refused answer the buyer may ask again (fulfillment decides again). A part of
the `Order` aggregate, kept apart from its saga steps.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from tradeflow_order.domain import events as ev
from tradeflow_order.domain.errors import CancellationInProgress, IllegalTransition, NotCancellableSigned
from tradeflow_order.domain.model import Line, StoppedUnits
from tradeflow_order.domain.refunds import open_to_refund, units_share
from tradeflow_order.domain.states import CancellationState, OrderStatus, OrderStep, Reservation

S, C = OrderStatus, CancellationState
AFTER_PAYMENT = (S.AWAITING_SHIPMENT, S.PARTIALLY_SHIPPED, S.SHIPPED)  # handed over to fulfillment


@dataclass(frozen=True)
class GoingOnUnits:
    """Units fulfillment could not stop: they still go to the buyer (`problem` says why)."""

    line_id: str
    quantity: int
    shipment_id: str | None  # None: in no shipment of fulfillment's (`not-fulfilled-here`)
    problem: str
    detail: str


@dataclass(frozen=True)
class Cancellation:
    state: CancellationState
    reason: str
    requested_by: str
    requested_at: datetime
    decided_at: datetime | None = None
    going_on: tuple[GoingOnUnits, ...] = ()
    by_channel: bool = False  # the channel asked (CancelChannelOrder): a decision short of cancelled answers it


Stopped = tuple[str, StoppedUnits]  # (line id, units of it fulfillment stopped)


class CancelsAfterPayment:
    """Mixed into `Order`: uses its lines, shipments, status and step, `_cancel_everything`,
    `_request_refund`, `_follow_fulfillment` and the history."""

    def request_cancellation(self, reason: str, actor: str, now: datetime) -> None:
        """Ask fulfillment to stop the paid order's goods. Refused while a cancellation is being
        decided, and when every unit left was signed for and nothing virtual is left."""
        if self._step is OrderStep.CANCELLING:
            raise CancellationInProgress(f"the cancellation of order {self.id} is being decided by fulfillment")
        if self._step is not OrderStep.HANDED_OVER or self._status not in AFTER_PAYMENT:
            raise IllegalTransition(f"cannot cancel an order that is {self._status}")
        if self._all_signed_for():
            raise NotCancellableSigned(f"every parcel of order {self.id} was signed for: a return or a refund "
                                       "goes through after-sales")
        self._cancellation = Cancellation(C.REQUESTED, reason, actor, now)
        self._step = OrderStep.CANCELLING
        self._record(now, self._status, "cancel_requested", actor, reason)
        self._events.append(ev.FulfillmentStopRequested(reason, actor, now))

    def fulfillment_stopped(self, stopped: list[Stopped], going_on: list[GoingOnUnits], now: datetime) -> None:
        """Fulfillment's answer: units it stopped (cumulative by parcel: each unit counted once,
        however often it is named) and units going on. It answers an after-sales case's stop when
        one waits for it (`after_sales.py`); without a cancellation waiting, it changes nothing."""
        if self._step is not OrderStep.CANCELLING:
            return
        before = {line.id: line.cancelled_quantity for line in self.lines}
        new = self._record_stops(stopped)
        if (case := self.case_cancel_waiting) is not None:
            self._case_lines_stopped(case, before, new, going_on, now)
        elif (not going_on or all(not ln.remaining_quantity for ln in self.lines)) and self._status in AFTER_PAYMENT:
            self._all_stopped(now)
        elif new:
            self._partly_stopped(before, new, going_on, now)
        else:
            self._decided(C.REFUSED, going_on, now)
            self._record(now, self._status, "cancel_refused", "fulfillment", _going_on(self, going_on))

    def _record_stops(self, stopped: list[Stopped]) -> list[tuple[Line, StoppedUnits]]:
        """The units beyond those recorded, per line and part, recorded as stopped now."""
        reported: dict[tuple[str, tuple], StoppedUnits] = {}
        for line_id, units in stopped:
            key = (line_id, units.part)
            seen = reported.get(key)
            reported[key] = units if seen is None else replace(units, quantity=max(seen.quantity, units.quantity))
        new: list[tuple[Line, StoppedUnits]] = []
        for (line_id, _), units in reported.items():
            line = self.line(line_id)
            if recorded := _stop(line, units):
                new.append((line, recorded))
        return new

    def _all_stopped(self, now: datetime) -> None:
        for line in self.lines:  # units fulfillment did not name were never planned
            if line.remaining_quantity:
                line.stops = (*line.stops, StoppedUnits(line.remaining_quantity))
        asked = self._cancellation
        self._cancellation = replace(asked, state=C.CANCELLED, decided_at=now)
        self._cancel_everything(asked.reason, asked.requested_by, now)

    def _refund_stopped(self, before: dict[str, int], reason: str, now: datetime, refund_id: str | None = None,
                        case_id: str | None = None, worth: Callable[[Line], int] | None = None) -> dict[str, int]:
        """Refund what the units stopped since `before` are worth (`worth`; by default their paid
        share), within what each line has open, recorded as the lines' cancelled amount; the shares."""
        worth = worth or (lambda ln: units_share(ln, before[ln.id], ln.cancelled_quantity))
        shares = {ln.id: min(worth(ln), open_to_refund(ln, self._refunds))
                  for ln in self.lines if ln.cancelled_quantity > before[ln.id]}
        if shares := {line_id: share for line_id, share in shares.items() if share > 0}:
            self._request_refund(shares, reason, now, refund_id, case_id)
            for line_id, share in shares.items():
                self.line(line_id).cancelled_amount += share
        return shares

    def _partly_stopped(self, before: dict[str, int], new: list[tuple[Line, StoppedUnits]],
                        going_on: list[GoingOnUnits], now: datetime) -> None:
        reason = self._cancellation.reason
        self._decided(C.PARTIALLY_CANCELLED, going_on, now)
        stopped = "; ".join(f"{ln.sku} × {ln.cancelled_quantity - before[ln.id]}" for ln in self.lines
                            if ln.cancelled_quantity > before[ln.id])
        self._record(now, self._status, "partially_cancelled", "fulfillment",
                     f"stopped: {stopped}; going on: {_going_on(self, going_on)}")
        self._release_stopped(new, {g.line_id for g in going_on}, reason)
        self._refund_stopped(before, reason, now)
        self._settle_stopped_sub_orders(now)

    def _settle_stopped_sub_orders(self, now: datetime) -> None:
        for sub in self.sub_orders:
            if not any(ln.remaining_quantity for ln in sub.lines):
                sub.status = S.CANCELLED
        self._follow_fulfillment(now)

    def _decided(self, state: CancellationState, going_on: list[GoingOnUnits], now: datetime) -> None:
        self._cancellation = replace(self._cancellation, state=state, decided_at=now, going_on=tuple(going_on))
        self._step = OrderStep.HANDED_OVER
        if self._cancellation.by_channel:  # the channel refunds what goes on as an after-sales case
            word = "partially-cancelled" if state is C.PARTIALLY_CANCELLED else "refused"
            self._events.append(ev.ChannelCancelRefused(f"{word}: going on: {_going_on(self, going_on)}", now))

    def _release_stopped(self, new: list[tuple[Line, StoppedUnits]], going: set[str], reason: str) -> None:
        """A sub-order with nothing going on releases all it holds; another exactly the units
        stopped in their warehouse (a parcel coming back was shipped: fulfillment restocks it)."""
        for sub in self.sub_orders:
            mine = [(line, units) for line, units in new if line.id in {ln.id for ln in sub.lines}]
            if not mine:
                continue
            if not any(line.id in going for line in sub.lines):
                if sub.reservation in (Reservation.PENDING, Reservation.RESERVED):
                    self._events.append(ev.StockReleaseRequested(sub.id, reason))
                    sub.reservation = Reservation.RELEASED
                continue
            held: dict[tuple[str, str], int] = {}
            for line, units in mine:
                if units.warehouse and not units.returning:
                    held[line.id, units.warehouse] = held.get((line.id, units.warehouse), 0) + units.quantity
            if held:
                units = tuple(ev.UnitsToRelease(line_id, warehouse, n) for (line_id, warehouse), n in held.items())
                self._events.append(ev.StockReleaseRequested(sub.id, reason, units))

    def _all_signed_for(self) -> bool:
        """Every unit not cancelled is physical and in a parcel signed for."""
        if any(ln.kind != "physical" and ln.remaining_quantity for ln in self.lines):
            return False
        signed = self._units_out(signed_only=True)
        return all(signed.get(ln.id, 0) >= ln.remaining_quantity for ln in self.lines)


def _stop(line: Line, units: StoppedUnits) -> StoppedUnits | None:
    """Record units of the line as stopped — those a former answer counted for the same part, and
    any beyond the line's quantity, only once."""
    recorded = sum(e.quantity for e in line.stops if e.part == units.part)
    quantity = min(units.quantity - recorded, line.remaining_quantity)
    if quantity <= 0:
        return None
    units = replace(units, quantity=quantity)
    line.stops = (*line.stops, units)
    return units


def _going_on(order, going_on: list[GoingOnUnits]) -> str:
    return "; ".join(f"{order.line(g.line_id).sku} × {g.quantity} ({g.problem}: {g.detail})" for g in going_on)
