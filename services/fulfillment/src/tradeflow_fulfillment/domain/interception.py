"""Stopping a shipment for orders cancelled after payment (DOMAIN §4 订单取消, issue 11). Part of
the Shipment aggregate (`shipment.py`), kept apart from its table of moves.

`stop(order)` decides by the shipment's stage:
* not dispatched (in review, or ready with no dispatch begun) → the order's lines leave it at
  once: the shipment is cancelled, or — merged with other orders — goes on without them: Stopped;
* a dispatch begun but not settled (its number may have reached the warehouse) → the stop waits
  for the dispatcher, which asks the warehouse: it never got it → the lines leave (Stopped); it
  holds it → recorded as dispatched and intercepted like any dispatched shipment;
* dispatched, not shipped → ask the warehouse to intercept; shipped, not signed → ask the carrier
  (not when the parcel also carries other orders' goods: a carrier stops a parcel, not part of it);
  the answer comes by callback, before `deadline` or never: intercepted → the lines leave (the
  rest of a merged shipment is dispatched again under a new number) or, once shipped, the parcel
  comes back (Stopped, returning); refused, failed or no answer by the deadline → GoingOn;
* signed → GoingOn; cancelled, returning or returned already → Stopped.

The request to the warehouse or the carrier is sent outside any transaction by the interceptor
(`app/intercept_shipments.py`), which also fails the interception at its deadline.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from tradeflow_fulfillment.domain.errors import IllegalTransition
from tradeflow_fulfillment.domain.events import OrderLeft
from tradeflow_fulfillment.domain.model import Flag, Receiver
from tradeflow_fulfillment.domain.transitions import INTERCEPTABLE, REPORTS, ShipmentEvent, ShipmentStatus

if TYPE_CHECKING:
    from tradeflow_fulfillment.domain.shipment import Shipment

S, E = ShipmentStatus, ShipmentEvent
SOURCE, WAREHOUSE, CARRIER = "fulfillment", "wms", "tms"

NOT_CANCELLABLE_SIGNED = "not-cancellable-signed"
INTERCEPT_FAILED = "intercept-failed"
INTERCEPT_TIMEOUT = "intercept-timeout"
MERGED_PARCEL_SHIPPED = "merged-parcel-shipped"
NOT_FULFILLED_HERE = "not-fulfilled-here"  # paid before fulfillment's start point: never planned here
PARTIAL_PARCEL_ON_ITS_WAY = "partial-parcel-on-its-way"  # some units of a parcel on its way: not stopped
PARTIAL_ENTITLEMENT = "partial-entitlement"  # some units of an entitlement: it is revoked whole or not at all


@dataclass(frozen=True)
class Stopped:
    """The order's units in the shipment will not reach the buyer; `returning`: they were shipped
    and the parcel comes back (restocked when the warehouse receives it)."""

    returning: bool = False


@dataclass(frozen=True)
class GoingOn:
    """The order's units in the shipment still go to the buyer, and why they could not be stopped."""

    problem: str
    detail: str


Verdict = Stopped | GoingOn


@dataclass(frozen=True)
class Change:
    """Re-review (DOMAIN §4 反审核): staff send the shipment to another receiver — with the carrier
    for its region — once the warehouse has stopped it; it then goes again under a new number."""

    receiver: Receiver
    carrier: str
    split: tuple[tuple[str, int], ...] = ()
    """(line id, units): the warehouse asks to pack these apart (拆包裹) — the shipment is replaced
    by two, these units and the rest."""


@dataclass(frozen=True)
class Interception:
    """A stop under way: for which orders, asked of whom — the warehouse, the carrier, or nobody
    yet (`by` None: a dispatch attempt must settle first) — and until when; `sent` once they have
    the request; `retry_at`: when the interceptor may (again) try to send it."""

    orders: tuple[str, ...]
    reason: str
    requested_at: datetime
    deadline: datetime
    by: str | None = None
    sent: bool = False
    retry_at: datetime | None = None
    tries: int = 0
    last_error: str | None = None
    change: Change | None = None
    cut: tuple[tuple[str, int], ...] = ()
    """A partial stop (`partial_stop.py`): (line id, units) of the one order in `orders` to take out of
    the parcel — once the warehouse stopped it, it goes again without them; the carrier is never asked."""

    def with_order(self, order_id: str) -> "Interception":
        return self if order_id in self.orders else replace(self, orders=(*self.orders, order_id))


class Intercepting:
    @property
    def interception(self: "Shipment") -> Interception | None:
        return self._interception

    def stop(self: "Shipment", order_id: str, reason: str, at: datetime, deadline: datetime) -> Verdict | None:
        """Stop the order's goods in this shipment: the verdict now, or None while it is decided
        outside (an interception, or a dispatch attempt to settle)."""
        if order_id not in self.order_ids:
            raise IllegalTransition(f"shipment {self.id} holds nothing of order {order_id}")
        if self._status is S.CANCELLED:
            return Stopped()
        if self._status in (S.RETURNING, S.RETURNED):
            return Stopped(returning=True)
        if self._status is S.SIGNED:
            return GoingOn(NOT_CANCELLABLE_SIGNED, f"shipment {self.id} was signed for: after-sales takes it back")
        if self._interception is not None:
            self._interception = self._interception.with_order(order_id)
            return None
        if self._status in (S.PENDING_REVIEW, S.READY, S.INTERCEPTED):
            if self._attempt is None:
                self.leave(order_id, reason, at)
                return Stopped()
            self._interception = Interception((order_id,), reason, at, deadline)  # the dispatcher settles it
            self._record(at, E.INTERCEPT, SOURCE, applied=False, detail=f"order {order_id}: after the dispatch "
                                                                        "under way settles")
            return None
        if self.has_shipped and len(self.order_ids) > 1:
            return GoingOn(MERGED_PARCEL_SHIPPED, f"shipment {self.id} left the warehouse with other orders' goods "
                                                  "in the same parcel: the carrier stops a parcel, not part of it")
        self._intercept(Interception((order_id,), reason, at, deadline), at)
        return None

    def intercept_dispatched(self: "Shipment", at: datetime) -> None:
        """The stop that waited for the dispatch: the warehouse holds it, so it is intercepted."""
        self._intercept(self._interception, at)

    def stop_undispatched(self: "Shipment", at: datetime) -> dict[str, Verdict]:
        """The stop that waited for the dispatch: the warehouse never got it, so the lines leave."""
        waiting, self._interception, self._attempt = self._interception, None, None
        return self._leave_all(waiting, at)

    def _intercept(self: "Shipment", interception: Interception, at: datetime) -> None:
        by = CARRIER if self.has_shipped else WAREHOUSE
        self._interception = replace(interception, by=by, sent=False, retry_at=at)
        orders = f" for {', '.join(interception.orders)}" if interception.orders else ""
        self._move(E.INTERCEPT, at, SOURCE, detail=f"asked of the {'carrier' if by == CARRIER else 'warehouse'}"
                                                  f"{orders}: {interception.reason}")

    # -- the interceptor ------------------------------------------------------------------------
    @property
    def interception_due_at(self: "Shipment") -> datetime | None:
        """When the interceptor acts next: send the request (again), or give up at the deadline."""
        i = self._interception
        if i is None or self._status is not S.INTERCEPTING:
            return None
        return i.deadline if i.sent or i.retry_at is None else min(i.retry_at, i.deadline)

    def interception_leased(self: "Shipment", until: datetime) -> None:
        """An interceptor is sending the request; nobody else until `until`."""
        self._interception = replace(self._interception, retry_at=until)

    def interception_sent(self: "Shipment") -> None:
        self._interception = replace(self._interception, sent=True, retry_at=None, last_error=None)

    def interception_not_sent(self: "Shipment", error: str, retry_at: datetime) -> None:
        """The warehouse or the carrier could not be reached: tried again from `retry_at`."""
        i = self._interception
        self._interception = replace(i, tries=i.tries + 1, retry_at=retry_at, last_error=error)

    def interception_refused(self: "Shipment", reason: str, at: datetime) -> dict[str, Verdict] | None:
        """Refused: by the warehouse (it shipped meanwhile) → the carrier is asked instead, unless
        the parcel carries other orders' goods; by the carrier → the shipment goes on."""
        i = self._interception
        if i.by == WAREHOUSE and self.waybill and not i.cut \
                and len(self.order_ids) == len(set(i.orders) & set(self.order_ids)):
            self._interception = replace(i, by=CARRIER, sent=False, retry_at=at, last_error=reason)
            self._record(at, E.INTERCEPT, SOURCE, applied=False, detail=f"the warehouse refused ({reason}): "
                                                                        "asked of the carrier")
            return None
        self._move(E.INTERCEPT_FAIL, at, SOURCE, detail=f"refused: {reason}")
        return self.settle_interception(at)

    def interception_expired(self: "Shipment", at: datetime) -> dict[str, Verdict]:
        """No answer by the deadline: the stop is given up and the shipment goes on."""
        if self._status is not S.INTERCEPTING or at < self._interception.deadline:
            raise IllegalTransition(f"shipment {self.id}: no interception past its deadline")
        self._move(E.INTERCEPT_FAIL, at, SOURCE, detail="no answer by the deadline")
        return self.settle_interception(at, timed_out=True)

    @property
    def stop_given_up(self: "Shipment") -> bool:
        """The last stop asked was given up (refused, or no answer by its deadline) and the goods
        went on — intercept_failed, or the stage they were reported at meanwhile — not signed."""
        if self._interception is not None or self._status not in INTERCEPTABLE:
            return False
        asked = (E.INTERCEPT, E.INTERCEPT_OK, E.INTERCEPT_FAIL)
        answers = [h.event for h in self._history if h.applied and h.event in asked]
        return bool(answers) and answers[-1] is E.INTERCEPT_FAIL

    def stopped_late(self: "Shipment", at: datetime, source: str) -> bool:
        """`intercept_ok` after the stop was given up (`stop_given_up`): the orders were told
        their units go on, so they still must reach the buyer. The warehouse holds
        the parcel → intercepted, it goes again under a new dispatch number (`awaits_redispatch`);
        the carrier stopped the shipped parcel → it comes back (returning, restocked when received)
        flagged `promised_going_on` for staff. From whoever was not asked it is only recorded."""
        if (source == CARRIER) is not self.has_shipped:
            self._record(at, E.INTERCEPT_OK, source, applied=False, detail="late, and not from who holds the parcel")
            return False
        self._move(E.INTERCEPT_OK, at, source, detail="late: the stop was given up and its orders told the goods "
                                                      "go on")
        if self.has_shipped:
            self._flags = self._flags | {Flag.PROMISED_GOING_ON}
            self.return_to_sender(at, SOURCE)
        return True

    # -- the answer -----------------------------------------------------------------------------
    def settle_interception(self: "Shipment", at: datetime, *, timed_out: bool = False) -> dict[str, Verdict]:
        """After the answer moved the shipment to intercepted or intercept_failed: each order's
        verdict; an intercepted shipment is cancelled, comes back, or goes on without them."""
        done, self._interception = self._interception, None
        if done is None:
            return {}
        if self._status is S.INTERCEPT_FAILED:
            self._catch_up(at)
            who = "carrier" if done.by == CARRIER else "warehouse"
            verdict = (GoingOn(INTERCEPT_TIMEOUT, f"the {who} did not answer by {done.deadline.isoformat()}")
                       if timed_out else GoingOn(INTERCEPT_FAILED, f"the {who} could not stop shipment {self.id}"))
            if done.change is not None:
                self.change_not_made(verdict.problem)
            return dict.fromkeys(done.orders, verdict)
        if self.has_shipped:
            self.return_to_sender(at, SOURCE)
            if done.change is not None:
                self.change_not_made("on its way: stopped by the carrier, the parcel comes back")
            return {order_id: Stopped(returning=True) for order_id in done.orders}
        verdicts = self._leave_all(done, at)
        if done.change is not None:
            self.change_after_interception(done.change, done.reason, at)
        return verdicts

    def _catch_up(self: "Shipment", at: datetime) -> None:
        """Not stopped: the shipment goes on from where its goods were reported meanwhile (a parcel
        signed for while the carrier was being asked is signed, not left intercept_failed)."""
        reached = next((event for event, stage in REPORTS.items() if stage is self._progress), None)
        if reached is not None and self._progress not in (S.DISPATCHED, S.INTERCEPT_FAILED):
            self._move(reached, at, SOURCE, detail="reported while it was being stopped")

    def _leave_all(self: "Shipment", done: Interception, at: datetime) -> dict[str, Verdict]:
        for order_id in done.orders:
            if order_id in self.order_ids and done.cut and order_id == done.orders[0]:
                self.cut_units(order_id, dict(done.cut), done.reason, at)
            elif order_id in self.order_ids:
                self.leave(order_id, done.reason, at)
        return {order_id: Stopped() for order_id in done.orders}

    def leave(self: "Shipment", order_id: str, reason: str, at: datetime) -> None:
        """Before the goods are on their way (not dispatched, or intercepted at the warehouse) the
        order's lines leave: the shipment is cancelled if they were all it held; otherwise it goes
        on without them (dispatched again if it was intercepted)."""
        if self.order_ids == (order_id,):
            self._attempt = None
            self.cancel(f"order {order_id} cancelled: {reason}", at, SOURCE)
            return
        if self._status not in (S.PENDING_REVIEW, S.READY, S.INTERCEPTED):
            raise IllegalTransition(f"shipment {self.id} is {self._status}: order {order_id}'s lines cannot leave it")
        self._lines = [ln for ln in self._lines if ln.order_id != order_id]
        self._record(at, E.SPLIT_OUT, SOURCE, detail=f"order {order_id} left: {reason}")
        self._events.append(OrderLeft(order_id, self._status))

