"""A channel's order received (ChannelOrderReceived, channel.events): place it as a zero-amount
order of type `channel` (`domain/channel_placement.py`) and answer in the same transaction,
through the outbox, keyed by the channel's order (`channel_order_id`):

* placed → ChannelOrderPlaced with the order's id and each channel line's line id; the order's
  saga starts as any order's (stock reserved; a zero payment asked for, which the payment service
  makes at once; OrderPaid to fulfillment) and its facts (OrderChanged) are told from now on;
* refused (a SKU the catalog does not know, another currency, physical goods without receiver,
  …) → ChannelOrderRefused with the reason and the field; nothing is placed. It is an answer, not
  a failure: nothing is dead-lettered;
* the same (channel, external order id) again → nothing placed, ChannelOrderPlaced again with the
  first order's ids. The buyer's placements are serialized first, and the pair is unique in the
  database, so even a concurrent repeat cannot place twice (it is retried and answered).

The buyer's unpaid-units cap and the risk hold do not apply: the channel took and checked it.
A shortage of stock goes the usual way: the saga cancels the order (OrderCancelled, OrderChanged).
"""

from datetime import datetime

from tradeflow_contracts.channels import ChannelOrderPlaced, ChannelOrderReceived, ChannelOrderRefused, PlacedLine
from tradeflow_order.app.order_facts import order_changed
from tradeflow_order.app.place_order import start_order
from tradeflow_order.app.ports import Collaborators, OrderTransaction
from tradeflow_order.domain.channel_placement import ChannelOrder, ChannelOrderLine, place_channel_order
from tradeflow_order.domain.errors import InvalidOrder
from tradeflow_order.domain.model import Receiver
from tradeflow_order.domain.order import Order


async def record_channel_order_received(tx: OrderTransaction, message: ChannelOrderReceived,
                                        c: Collaborators) -> None:
    now = c.clock.now()
    await tx.orders.lock_buyer(message.buyer_id)
    if (known := await tx.orders.find_external(message.channel, message.external_order_id)) is not None:
        await _answer_placed(tx, message, known, now)
        return
    request = channel_order(message)
    skus = await tx.catalog.skus({line.sku for line in request.lines})
    try:
        order = place_channel_order(request, skus, c.ids.new_id, f"channel:{message.channel}", now)
    except InvalidOrder as refusal:
        await tx.publish(ChannelOrderRefused(
            channel_order_id=message.channel_order_id, channel=message.channel,
            external_order_id=message.external_order_id, reason=str(refusal), field=refusal.field, at=now),
            key=message.channel_order_id)
        return
    order.after_sales.version += 1  # a channel order's facts are told from its placement on
    await start_order(tx, c, order, f"channel:{message.channel}", now)
    await tx.publish(order_changed(order, now), key=order.id)
    await _answer_placed(tx, message, order, now)


def channel_order(message: ChannelOrderReceived) -> ChannelOrder:
    r = message.receiver
    return ChannelOrder(
        message.channel, message.external_order_id, message.external_status, message.buyer_id, message.currency,
        Receiver(r.name, r.phone, r.region, r.city, r.address) if r is not None else None, message.delivery_method,
        tuple(ChannelOrderLine(ln.external_line_id, ln.sku, ln.quantity, ln.channel_unit_price_amount,
                               ln.channel_paid_amount) for ln in message.lines))


async def _answer_placed(tx: OrderTransaction, message: ChannelOrderReceived, order: Order, now: datetime) -> None:
    await tx.publish(ChannelOrderPlaced(
        channel_order_id=message.channel_order_id, channel=message.channel,
        external_order_id=message.external_order_id, order_id=order.id, at=now,
        lines=[PlacedLine(external_line_id=ln.channel.external_line_id, line_id=ln.id)
               for ln in order.lines if ln.channel is not None]), key=message.channel_order_id)
