"""A channel cancelled its order (CancelChannelOrder, order.commands): the order is cancelled as
POST /orders/{id}/cancel cancels it, by stage, in the message's own transaction
(`domain/channel_cancellation.py` decides; the actor is the command's `requested_by`). Answered
OrderCancelled — at once before payment, or when fulfillment stopped everything — or
ChannelOrderNotCancelled (goods left, completed, closed, fulfillment could not stop everything),
both keyed by the order. A repeat answers again; nothing is refused by raising, but an order that
does not exist (dead-lettered: the channel adapter only cancels orders it was told of)."""

from tradeflow_contracts.channels import CancelChannelOrder
from tradeflow_order.app.advance import advance
from tradeflow_order.app.ports import Collaborators, OrderTransaction


async def record_cancel_channel_order(tx: OrderTransaction, message: CancelChannelOrder, c: Collaborators) -> None:
    await advance(tx, c, message.order_id, f"{message.TYPE} by {message.requested_by}",
                  lambda order, now: order.cancel_for_channel(message.channel, message.external_order_id,
                                                              message.reason, message.requested_by, now))
