"""A channel cancels its order (CancelChannelOrder, DOMAIN §6): the order is cancelled as the
platform cancels its own, by stage — before payment at once; once paid, while none of its goods
left a warehouse, fulfillment is asked to stop them (`cancellation.py`; stock released, the zero
payment "refunded" with nothing) and the order cancelled when everything stopped.

It is answered by the order's OrderCancelled, or by ChannelOrderNotCancelled (`ChannelCancelRefused`)
when it cannot be: goods left (partially shipped, shipped), completed (a course granted), closed,
another cancellation of some of its units is being decided, or fulfillment could not stop
everything — the channel then refunds it as an after-sales case. A repeat answers again: a
cancelled order OrderCancelled, a cancellation being decided for the channel nothing (its answer
follows). A part of the `Order` aggregate.
"""

from dataclasses import replace
from datetime import datetime

from tradeflow_order.domain import events as ev
from tradeflow_order.domain.model import OrderType
from tradeflow_order.domain.states import CancellationState, OrderStatus, OrderStep

S = OrderStatus
REFUSED = {S.PARTIALLY_SHIPPED: "goods-left", S.SHIPPED: "goods-left", S.COMPLETED: "completed",
           S.CLOSED: "closed"}


class CancelsForChannel:
    """Mixed into `Order`: uses its terms, status, step, cancellation, `cancel`,
    `request_cancellation`, `case_cancel_waiting` and its events."""

    def cancel_for_channel(self, channel: str, external_order_id: str, reason: str, actor: str,
                           now: datetime) -> None:
        external = self.terms.external
        if self.terms.type is not OrderType.CHANNEL or external is None or (
                self.channel, external.order_id) != (channel, external_order_id):
            self._events.append(ev.ChannelCancelRefused(
                f"not-the-channels-order: order {self.id} is not {channel}'s order {external_order_id}", now,
                channel, external_order_id))
        elif self._status is S.CANCELLED:
            self._events.append(ev.OrderWasCancelled(self._cancel_reason or reason,
                                                     sum(line.cancelled_amount for line in self.lines)))
        elif self._status in REFUSED:
            self._events.append(ev.ChannelCancelRefused(f"{REFUSED[self._status]}: the order is {self._status}", now))
        elif self._step is OrderStep.CANCELLING:
            self._join_cancellation(now)
        elif self._step is OrderStep.HANDED_OVER:
            self.request_cancellation(reason, actor, now)
            self._cancellation = replace(self._cancellation, by_channel=True)
        else:
            self.cancel(reason, actor, now)

    def _join_cancellation(self, now: datetime) -> None:
        """The order's own cancellation being decided answers the channel too; a case's stop of
        some units is not the order's cancellation: ask again once it is decided."""
        asked = self._cancellation
        if self.case_cancel_waiting is None and asked is not None and asked.state is CancellationState.REQUESTED:
            self._cancellation = replace(asked, by_channel=True)
        else:
            self._events.append(ev.ChannelCancelRefused(
                "cancellation-in-progress: an after-sales case's stop is being decided; ask again", now))
