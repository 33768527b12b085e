"""The order aggregate and its state machine (DOMAIN §1 States), driven by the order saga.

`status` is the customer-facing state and moves only along `TRANSITIONS`; `step` is where the
saga stands (reserving → [held] → awaiting_payment → [closing_payment] → handed_over, or
cancelled).

At the payment deadline the order does not cancel at once: the payment service first asks the
provider whether the buyer paid after all (a webhook may have been lost). The saga waits in
`closing_payment` (status still pending_payment) and cancels only when the payment is closed
(PaymentClosed); a PaymentSucceeded instead pays the order. A success after cancellation is
refunded, never kept. Every change
is recorded in the history with who, when and why, and as a domain event for the outbox.
"""

from dataclasses import dataclass, field
from datetime import datetime

from tradeflow_order.domain import events as ev
from tradeflow_order.domain.errors import IllegalTransition
from tradeflow_order.domain.model import HistoryEntry, Hold, Receiver, SubOrder

DEADLINE_PASSED = "payment deadline passed"

TRANSITIONS: dict[tuple[str, str], str] = {
    ("pending_payment", "pay"): "awaiting_shipment",
    ("pending_payment", "cancel"): "cancelled",
    ("awaiting_shipment", "cancel"): "cancelled",
    ("awaiting_shipment", "ship"): "shipped",
    ("shipped", "deliver"): "completed",
    ("awaiting_shipment", "close"): "closed",
    ("shipped", "close"): "closed",
    ("completed", "close"): "closed",
}


@dataclass
class Order:
    id: str
    buyer_id: str
    channel: str
    currency: str
    receiver: Receiver
    created_at: datetime
    sub_orders: list[SubOrder]
    status: str = "pending_payment"
    payment_status: str = "unpaid"
    step: str = "reserving"
    hold: Hold | None = None
    cancel_reason: str | None = None
    payment_deadline: datetime | None = None
    refunded_amount: int = 0
    history: list[HistoryEntry] = field(default_factory=list)
    events: list = field(default_factory=list)

    # -- amounts: sums of the sub-orders, which are sums of their lines -------------------------
    @property
    def goods_amount(self) -> int:
        return sum(s.goods_amount for s in self.sub_orders)

    @property
    def shipping_amount(self) -> int:
        return sum(s.shipping_amount for s in self.sub_orders)

    @property
    def discount_amount(self) -> int:
        return sum(s.discount_amount for s in self.sub_orders)

    @property
    def paid_amount(self) -> int:
        return sum(s.paid_amount for s in self.sub_orders)

    # -- the saga's steps ------------------------------------------------------------------------
    def placed(self, actor: str, now: datetime) -> None:
        self._record(now, None, "placed", actor)
        self.events.append(ev.OrderWasPlaced())
        for sub in self.sub_orders:
            if any(line.kind == "physical" for line in sub.lines):
                self.events.append(ev.StockReservationRequested(sub.id))
            else:  # virtual goods hold no stock
                sub.reservation = "reserved"

    def stock_reserved(self, sub_order_id: str, warehouses: dict[str, str], now: datetime) -> None:
        sub = self.sub_order(sub_order_id)
        if sub.reservation == "reserved":  # a repeated reply changes nothing
            return
        if self.step == "cancelled":  # cancelled meanwhile: give the stock back
            self.events.append(ev.StockReleaseRequested(sub.id, self.cancel_reason or "order no longer needs it"))
            sub.reservation = "released"
            return
        sub.reservation = "reserved"
        for line in sub.lines:
            line.warehouse = warehouses.get(line.id, line.warehouse)
        self._record(now, self.status, "stock_reserved", "inventory", sub_order_id)

    @property
    def all_reserved(self) -> bool:
        return all(s.reservation == "reserved" for s in self.sub_orders)

    def stock_rejected(self, sub_order_id: str, reason: str, now: datetime) -> None:
        self.sub_order(sub_order_id).reservation = "rejected"
        if self.step == "reserving":
            self.cancel(f"out of stock: {reason}", "inventory", now)

    def put_on_hold(self, reason: str, now: datetime) -> None:
        self._require_step("reserving", "put on hold")
        self.step, self.hold = "held", Hold(reason, now)
        self._record(now, self.status, "held", "risk", reason)

    def approve(self, actor: str, reason: str | None, deadline: datetime, now: datetime) -> None:
        self._require_step("held", "approve")
        self.hold = None
        self._record(now, self.status, "approved", actor, reason)
        self.await_payment(deadline, now)

    def await_payment(self, deadline: datetime, now: datetime) -> None:
        self.step, self.payment_deadline = "awaiting_payment", deadline
        self.events.append(ev.PaymentRequested(self.paid_amount, deadline))
        self._record(now, self.status, "payment_requested", "saga")

    def payment_failed(self, reason: str, now: datetime) -> None:
        self._record(now, self.status, "payment_failed", "payment", reason)

    def pay(self, now: datetime) -> None:
        """A payment succeeded. Too late (cancelled) → it is refunded, never kept."""
        if self.status == "cancelled":
            self.payment_status = "paid"
            self._request_refund(self.paid_amount, "paid after the order was cancelled", now)
            return
        if self.step not in ("awaiting_payment", "closing_payment"):
            raise IllegalTransition(f"cannot pay order {self.id}: the order is {self.step}, not awaiting_payment")
        self._transition("pay", "payment", now)
        self.step, self.payment_status, self.payment_deadline = "handed_over", "paid", None
        for sub in self.sub_orders:
            sub.status = self.status
        self.events.append(ev.OrderWasPaid())

    def cancel(self, reason: str, actor: str, now: datetime) -> None:
        """Cancel before shipment, compensating every step taken so far."""
        was_paid = self.payment_status == "paid"
        self._transition("cancel", actor, now, reason)
        if self.step == "awaiting_payment":
            self.events.append(ev.PaymentCloseRequested(reason))
        self.step, self.hold, self.cancel_reason, self.payment_deadline = "cancelled", None, reason, None
        for sub in self.sub_orders:
            sub.status = "cancelled"
            if sub.reservation in ("pending", "reserved"):
                self.events.append(ev.StockReleaseRequested(sub.id, reason))
                sub.reservation = "released"
        refund = self.paid_amount if was_paid and self.paid_amount > 0 else 0
        if refund:
            self._request_refund(refund, reason, now)
        self.events.append(ev.OrderWasCancelled(reason, refund))

    def reject(self, actor: str, reason: str, now: datetime) -> None:
        self._require_step("held", "reject")
        self.cancel(f"rejected in review: {reason}", actor, now)

    def payment_deadline_passed(self, now: datetime) -> None:
        """Ask the payment service to close the payment (it asks the provider first); the order
        stays pending_payment until PaymentClosed (cancel) or PaymentSucceeded (pay) arrives."""
        self._require_step("awaiting_payment", "time out")
        self.step = "closing_payment"
        self.events.append(ev.PaymentCloseRequested(DEADLINE_PASSED))
        self._record(now, self.status, "payment_closing", "saga", DEADLINE_PASSED)

    def payment_closed(self, reason: str, now: datetime) -> None:
        """The payment service closed the payment: no money can arrive any more (a late capture
        is still refunded). Cancels an order waiting in closing_payment; otherwise the close only
        confirms a cancellation made before (buyer, review), and changes nothing."""
        if self.step == "closing_payment":
            self.cancel(reason or DEADLINE_PASSED, "saga", now)

    def refund_failed(self, reason: str, now: datetime) -> None:
        """Recorded for staff to act on; the money stays where it is."""
        self._record(now, self.status, "refund_failed", "payment", reason)

    def refunded(self, refunded_total: int, now: datetime) -> None:
        self.refunded_amount = refunded_total
        self.payment_status = "refunded" if refunded_total >= self.paid_amount else "partially_refunded"
        self._record(now, self.status, "refunded", "payment", f"{refunded_total} refunded")

    # -- helpers ------------------------------------------------------------------------------
    def sub_order(self, sub_order_id: str) -> SubOrder:
        for sub in self.sub_orders:
            if sub.id == sub_order_id:
                return sub
        raise IllegalTransition(f"order {self.id} has no sub-order {sub_order_id}")

    def _request_refund(self, amount: int, reason: str, now: datetime) -> None:
        self.events.append(ev.RefundRequested(f"{self.id}-refund-{len(self.history)}", amount, reason))
        self._record(now, self.status, "refund_requested", "saga", reason)

    def _transition(self, event: str, actor: str, now: datetime, reason: str | None = None) -> None:
        target = TRANSITIONS.get((self.status, event))
        if target is None:
            raise IllegalTransition(f"cannot {event} an order that is {self.status}")
        before, self.status = self.status, target
        self._record(now, before, event, actor, reason)

    def _require_step(self, step: str, action: str) -> None:
        if self.step != step:
            raise IllegalTransition(f"cannot {action} order {self.id}: the order is {self.step}, not {step}")

    def _record(self, now: datetime, before: str | None, event: str, actor: str, reason: str | None = None) -> None:
        self.history.append(HistoryEntry(now, before, self.status, event, actor, reason))
