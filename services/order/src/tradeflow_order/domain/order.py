"""The order aggregate and its state machine (DOMAIN §1 States), driven by the order saga.

`status` is the customer-facing state and moves only along `TRANSITIONS`; `step` is where the
saga stands, and its moves are the table in `app/order_saga.py`. State is private: only the
methods below change it, each recording who, when and why in the history, and the domain events
(pulled with `pull_events()`) that become outbox messages.

At the payment deadline the order does not cancel at once: the payment service first asks the
provider whether the buyer paid after all (a webhook may have been lost). The saga waits in
`closing_payment` (status still pending_payment) and cancels only when the payment is closed
(PaymentClosed); a PaymentSucceeded instead pays the order. A success after cancellation is
refunded, never kept.

Once paid and handed over, a cancellation is fulfillment's to decide (`cancellation.py`): the
order asks and waits in `cancelling`. Every refund it asks for names its lines' shares
(`refunds.py`), so refunds are attributed to lines exactly.
"""

from datetime import datetime

from tradeflow_order.domain import events as ev
from tradeflow_order.domain.after_sales import AfterSales, ServesAfterSales
from tradeflow_order.domain.cancellation import Cancellation, CancelsAfterPayment
from tradeflow_order.domain.channel_cancellation import CancelsForChannel
from tradeflow_order.domain.delivery import FollowsDelivery
from tradeflow_order.domain.errors import IllegalTransition
from tradeflow_order.domain.model import HistoryEntry, Hold, Line, Receiver, SubOrder, Terms, WarehouseShare
from tradeflow_order.domain.refunds import AskedRefund, KeepsRefunds
from tradeflow_order.domain.states import OrderStatus, OrderStep, PaymentStatus, Reservation
from tradeflow_order.domain.tracking import OrderShipment

DEADLINE_PASSED = "payment deadline passed"
REVIEW_EXPIRED = "review deadline passed"

S = OrderStatus
TRANSITIONS: dict[tuple[OrderStatus, str], OrderStatus] = {
    (S.PENDING_PAYMENT, "pay"): S.AWAITING_SHIPMENT,
    (S.PENDING_PAYMENT, "cancel"): S.CANCELLED,
    (S.AWAITING_SHIPMENT, "cancel"): S.CANCELLED,
    (S.PARTIALLY_SHIPPED, "cancel"): S.CANCELLED,  # paid: only when fulfillment stopped every unit
    (S.SHIPPED, "cancel"): S.CANCELLED,
    (S.AWAITING_SHIPMENT, "ship_part"): S.PARTIALLY_SHIPPED,
    (S.AWAITING_SHIPMENT, "ship"): S.SHIPPED,
    (S.PARTIALLY_SHIPPED, "ship"): S.SHIPPED,
    (S.AWAITING_SHIPMENT, "complete"): S.COMPLETED,  # virtual goods only: every entitlement granted
    (S.SHIPPED, "confirm_receipt"): S.COMPLETED,
    (S.AWAITING_SHIPMENT, "close"): S.CLOSED,
    (S.PARTIALLY_SHIPPED, "close"): S.CLOSED,
    (S.SHIPPED, "close"): S.CLOSED,
    (S.COMPLETED, "close"): S.CLOSED,
}


class Order(CancelsAfterPayment, FollowsDelivery, KeepsRefunds, ServesAfterSales, CancelsForChannel):
    def __init__(self, *, id: str, buyer_id: str, channel: str, currency: str, receiver: Receiver,
                 created_at: datetime, sub_orders: list[SubOrder], status: OrderStatus = S.PENDING_PAYMENT,
                 payment_status: PaymentStatus = PaymentStatus.UNPAID, step: OrderStep = OrderStep.RESERVING,
                 hold: Hold | None = None, cancel_reason: str | None = None,
                 payment_deadline: datetime | None = None, refunded_amount: int = 0,
                 history: list[HistoryEntry] | None = None, terms: Terms = Terms(),
                 shipments: list[OrderShipment] | None = None, auto_confirm_at: datetime | None = None,
                 cancellation: Cancellation | None = None, refunds: list[AskedRefund] | None = None,
                 after_sales: AfterSales | None = None) -> None:
        self.id, self.buyer_id, self.channel, self.currency = id, buyer_id, channel, currency
        self.receiver, self.created_at, self.sub_orders, self.terms = receiver, created_at, sub_orders, terms
        self._status, self._payment_status, self._step = S(status), PaymentStatus(payment_status), OrderStep(step)
        self._hold, self._cancel_reason, self._payment_deadline = hold, cancel_reason, payment_deadline
        self._refunded_amount = refunded_amount
        self.shipments, self._auto_confirm_at = list(shipments or []), auto_confirm_at
        self._cancellation, self._refunds = cancellation, list(refunds or [])
        self.after_sales = after_sales or AfterSales()
        self._history = list(history or [])
        self._saved_history = len(self._history)
        self._events: list[ev.OrderEvent] = []

    status = property(lambda self: self._status)
    payment_status = property(lambda self: self._payment_status)
    step = property(lambda self: self._step)
    hold = property(lambda self: self._hold)
    cancel_reason = property(lambda self: self._cancel_reason)
    payment_deadline = property(lambda self: self._payment_deadline)
    refunded_amount = property(lambda self: self._refunded_amount)
    auto_confirm_at = property(lambda self: self._auto_confirm_at)  # when receipt is confirmed for the buyer
    cancellation = property(lambda self: self._cancellation)  # a paid order's, once asked

    @property
    def lines(self) -> list[Line]:
        return [line for sub in self.sub_orders for line in sub.lines]

    def line(self, line_id: str) -> Line:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise IllegalTransition(f"order {self.id} has no line {line_id}")

    @property
    def history(self) -> tuple[HistoryEntry, ...]:
        return tuple(self._history)

    def pull_events(self) -> list[ev.OrderEvent]:
        events, self._events = self._events, []
        return events

    def pull_new_history(self) -> list[HistoryEntry]:
        """The entries recorded since the order was loaded or last pulled (history is append-only)."""
        new, self._saved_history = self._history[self._saved_history:], len(self._history)
        return new

    # -- amounts: sums of the sub-orders, which are sums of their lines -------------------------
    goods_amount = property(lambda self: sum(s.goods_amount for s in self.sub_orders))
    shipping_amount = property(lambda self: sum(s.shipping_amount for s in self.sub_orders))
    discount_amount = property(lambda self: sum(s.discount_amount for s in self.sub_orders))
    paid_amount = property(lambda self: sum(s.paid_amount for s in self.sub_orders))

    def _last_at(self, *events: str) -> datetime | None:
        """When the history last recorded one of these events (paid, completed)."""
        return next((h.at for h in reversed(self._history) if h.event in events), None)

    @property
    def settled(self) -> bool:
        """Nothing more happens to the order by itself: completed or closed, or cancelled with no
        money left to refund (cancelled after payment, it settles once refunded)."""
        return self._status in (S.COMPLETED, S.CLOSED) or (
            self._status is S.CANCELLED and self._payment_status in (PaymentStatus.UNPAID, PaymentStatus.REFUNDED))

    @property
    def all_reserved(self) -> bool:
        return all(s.reservation is Reservation.RESERVED for s in self.sub_orders)

    # -- the saga's steps ------------------------------------------------------------------------
    def placed(self, actor: str, now: datetime) -> None:
        self._record(now, None, "placed", actor)
        self._events.append(ev.OrderWasPlaced())
        for sub in self.sub_orders:
            if any(line.kind == "physical" for line in sub.lines):
                self._events.append(ev.StockReservationRequested(sub.id))
            else:  # virtual goods hold no stock
                sub.reservation = Reservation.RESERVED

    def stock_reserved(self, sub_order_id: str, warehouses: dict[str, tuple[WarehouseShare, ...]],
                       now: datetime) -> None:
        """Stock is held for the sub-order: each line's units in one warehouse or, split, in several.
        A reservation of no sub-order of the order (an after-sales case's replacement) is not its."""
        sub = self._own_sub_order(sub_order_id)
        if sub is None or sub.reservation is Reservation.RESERVED:  # a repeated reply changes nothing
            return
        if self._step is OrderStep.CANCELLED:  # cancelled meanwhile: give the stock back
            self._events.append(ev.StockReleaseRequested(sub.id, self._cancel_reason or "order no longer needs it"))
            sub.reservation = Reservation.RELEASED
            return
        sub.reservation = Reservation.RESERVED
        for line in sub.lines:
            line.warehouses = warehouses.get(line.id, line.warehouses)
        self._record(now, self._status, "stock_reserved", "inventory", sub_order_id)

    def pre_sale_stock_arrived(self, sub_order_id: str, now: datetime) -> None:
        """The goods a pre-sale sub-order waited for were received: its units are on hand now."""
        if (sub := self._own_sub_order(sub_order_id)) is None:
            return
        waiting = [line for line in sub.lines if any(w.incoming for w in line.warehouses)]
        if not waiting or sub.reservation is not Reservation.RESERVED:  # a repeat, or released meanwhile
            return
        for line in waiting:
            line.warehouses = tuple(WarehouseShare(w.code, w.quantity) for w in line.warehouses)
        self._record(now, self._status, "pre_sale_stock_arrived", "inventory", sub_order_id)

    def stock_rejected(self, sub_order_id: str, reason: str, now: datetime) -> None:
        if (sub := self._own_sub_order(sub_order_id)) is None:
            return
        sub.reservation = Reservation.REJECTED
        if self._step is OrderStep.RESERVING:
            self.cancel(f"out of stock: {reason}", "inventory", now)

    def put_on_hold(self, reason: str, now: datetime) -> None:
        self._require_step(OrderStep.RESERVING, "put on hold")
        self._step, self._hold = OrderStep.HELD, Hold(reason, now)
        self._record(now, self._status, "held", "risk", reason)

    def approve(self, actor: str, reason: str | None, deadline: datetime, now: datetime) -> None:
        self._require_step(OrderStep.HELD, "approve")
        self._hold = None
        self._record(now, self._status, "approved", actor, reason)
        self.await_payment(deadline, now)

    def await_payment(self, deadline: datetime, now: datetime) -> None:
        if self._step not in (OrderStep.RESERVING, OrderStep.HELD):
            raise IllegalTransition(f"cannot ask order {self.id} for payment: the order is {self._step}")
        self._step, self._payment_deadline = OrderStep.AWAITING_PAYMENT, deadline
        self._events.append(ev.PaymentRequested(self.paid_amount, deadline))
        self._record(now, self._status, "payment_requested", "saga")

    def payment_failed(self, reason: str, now: datetime) -> None:
        self._record(now, self._status, "payment_failed", "payment", reason)

    def pay(self, now: datetime) -> None:
        """A payment succeeded. Too late (cancelled) → it is refunded, never kept."""
        if self._status is S.CANCELLED:
            self._payment_status = PaymentStatus.PAID
            if self.paid_amount:  # each capture in full, whatever was refunded before
                self._request_refund({ln.id: ln.paid_amount for ln in self.lines}, "paid after the order was cancelled",
                                     now)
            return
        if self._step not in (OrderStep.AWAITING_PAYMENT, OrderStep.CLOSING_PAYMENT):
            raise IllegalTransition(f"cannot pay order {self.id}: the order is {self._step}, not awaiting_payment")
        self._payment_status = PaymentStatus.PAID  # before the transition: its history entry says paid
        self._transition("pay", "payment", now)
        self._step, self._payment_deadline = OrderStep.HANDED_OVER, None
        for sub in self.sub_orders:
            sub.status = self._status
        self._events.append(ev.OrderWasPaid())

    def cancel_as_asked(self, reason: str, actor: str, now: datetime) -> None:
        """The buyer or staff cancel: at once before payment; once paid, fulfillment decides."""
        if self._step in (OrderStep.HANDED_OVER, OrderStep.CANCELLING):
            self.request_cancellation(reason, actor, now)
        else:
            self.cancel(reason, actor, now)

    def cancel(self, reason: str, actor: str, now: datetime) -> None:
        """Cancel before shipment, compensating every step taken so far."""
        if self._status in (S.PARTIALLY_SHIPPED, S.SHIPPED):  # only fulfillment stops what has shipped
            raise IllegalTransition(f"cannot cancel an order that is {self._status}")
        self._cancel_everything(reason, actor, now)

    def _cancel_everything(self, reason: str, actor: str, now: datetime) -> None:
        """Stock released, an open payment closed, what was paid and not refunded refunded."""
        was_paid = self._payment_status is not PaymentStatus.UNPAID
        self._transition("cancel", actor, now, reason)
        if self._step is OrderStep.AWAITING_PAYMENT:
            self._events.append(ev.PaymentCloseRequested(reason))
        self._step, self._hold, self._cancel_reason, self._payment_deadline = OrderStep.CANCELLED, None, reason, None
        for sub in self.sub_orders:
            sub.status = S.CANCELLED
            if sub.reservation in (Reservation.PENDING, Reservation.RESERVED):
                self._events.append(ev.StockReleaseRequested(sub.id, reason))
                sub.reservation = Reservation.RELEASED
        shares = self._rest_to_refund() if was_paid else {}
        if sum(shares.values()):
            self._request_refund(shares, reason, now)
            for line in self.lines:
                line.cancelled_amount += shares.get(line.id, 0)
        self._events.append(ev.OrderWasCancelled(reason, sum(shares.values())))
        self._release_benefits(now)

    def reject(self, actor: str, reason: str, now: datetime) -> None:
        self._require_step(OrderStep.HELD, "reject")
        self.cancel(f"rejected in review: {reason}", actor, now)

    def review_deadline_passed(self, now: datetime) -> None:
        """Nobody approved or rejected the held order in time: it is cancelled and its stock
        released, like an order nobody paid."""
        self._require_step(OrderStep.HELD, "time out the review of")
        self.cancel(REVIEW_EXPIRED, "saga", now)

    def payment_deadline_passed(self, now: datetime) -> None:
        """Ask the payment service to close the payment (it asks the provider first); the order
        stays pending_payment until PaymentClosed (cancel) or PaymentSucceeded (pay) arrives."""
        self._require_step(OrderStep.AWAITING_PAYMENT, "time out")
        self._step = OrderStep.CLOSING_PAYMENT
        self._events.append(ev.PaymentCloseRequested(DEADLINE_PASSED))
        self._record(now, self._status, "payment_closing", "saga", DEADLINE_PASSED)

    def payment_closed(self, reason: str, now: datetime) -> None:
        """The payment service closed the payment: no money can arrive any more (a late capture
        is still refunded). Cancels an order waiting in closing_payment; otherwise the close only
        confirms a cancellation made before (buyer, review), and changes nothing."""
        if self._step is OrderStep.CLOSING_PAYMENT:
            self.cancel(reason or DEADLINE_PASSED, "saga", now)

    # -- helpers ------------------------------------------------------------------------------
    def _release_benefits(self, now: datetime) -> None:
        if self.terms.coupons or self.terms.points_amount:
            self._events.append(ev.BenefitsReleased(now))

    def sub_order(self, sub_order_id: str) -> SubOrder:
        if (sub := self._own_sub_order(sub_order_id)) is None:
            raise IllegalTransition(f"order {self.id} has no sub-order {sub_order_id}")
        return sub

    def _own_sub_order(self, sub_order_id: str) -> SubOrder | None:
        return next((sub for sub in self.sub_orders if sub.id == sub_order_id), None)

    def _can(self, event: str) -> bool:
        return (self._status, event) in TRANSITIONS

    def _transition(self, event: str, actor: str, now: datetime, reason: str | None = None) -> None:
        target = TRANSITIONS.get((self._status, event))
        if target is None:
            raise IllegalTransition(f"cannot {event} an order that is {self._status}")
        before, self._status = self._status, target
        self._record(now, before, event, actor, reason)

    def _require_step(self, step: OrderStep, action: str) -> None:
        if self._step is not step:
            raise IllegalTransition(f"cannot {action} order {self.id}: the order is {self._step}, not {step}")

    def _record(self, now: datetime, before: OrderStatus | None, event: str, actor: str,
                reason: str | None = None) -> None:
        self._history.append(HistoryEntry(now, before, self._status, event, actor, reason, self._payment_status))
