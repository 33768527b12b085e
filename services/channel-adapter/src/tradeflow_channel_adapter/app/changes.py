"""A channel's changes to its orders — cancellation, line refund, address change — each kept once
(by its key) in `channel_news` and acted on when its order allows:

* **cancellation**: an order in review is cancelled there; a placed one is cancelled by the order
  service (`CancelChannelOrder`, stage-aware: when its goods already left, `ChannelOrderNotCancelled`
  turns it into a refund of every line); one not yet placed (or not yet received) waits, parked.
* **refund**: a paid order's lines get an after-sales refund-only case (`OpenChannelCase`, on the
  order's facts the adapter saw paid), which moves no money and revokes the entitlement or stops
  the parcel; a refund that arrives before its order (or before it is paid) waits, parked, and is
  applied when the order is. A completed case gives the units'
  credit back to the channel.
* **address change** (`domain.address_change`): parked until its order is placed; an order in review
  takes the new receiver at once; of a placed order, it waits in review for staff
  (`address_changes.py`: a parcel may be on its way); of an order refused, rejected or cancelled,
  there is nothing to change.
"""

from tradeflow_channel_adapter.app.ports import ChannelAdapterTransaction, Collaborators, ParkedNews
from tradeflow_channel_adapter.app.receipts import Receipt
from tradeflow_channel_adapter.domain.address_change import AddressChangeStep, address_change_step
from tradeflow_channel_adapter.domain.channel import Channel
from tradeflow_channel_adapter.domain.external import (
    ChannelNews,
    ExternalAddressChange,
    ExternalCancellation,
    ExternalRefund,
)
from tradeflow_channel_adapter.domain.ledger import ChannelOrder, OrderStatus, check_refund
from tradeflow_contracts import channels as ch

PARKED, SENT, REVIEW, DONE, REFUSED = "parked", "sent", "review", "done", "refused"
NEWS_ID = "cn"
"""The prefix of a change's id (`cn_…`), which fulfillment's answer to an address change names."""
WAITING = "waiting for its order"


def news_key(news: ChannelNews) -> tuple[str, str]:
    """(kind, key): the change is acted on once per key."""
    if isinstance(news, ExternalCancellation):
        return "cancellation", f"cancel:{news.external_order_id}"
    if isinstance(news, ExternalRefund):
        return "refund", f"refund:{news.external_refund_id}"
    if isinstance(news, ExternalAddressChange):
        r = news.receiver
        return "address_change", f"address:{news.external_order_id}:{r.name}|{r.phone}|{r.region}|{r.city}|{r.address}"
    raise TypeError(f"not a change: {news!r}")


async def receive_change(tx: ChannelAdapterTransaction, c: Collaborators, channel: Channel, news: ChannelNews
                         ) -> Receipt:
    if isinstance(news, ExternalRefund):
        check_refund(news)
    kind, key = news_key(news)
    parked = ParkedNews(c.ids.new_id(NEWS_ID), channel.code, news.external_order_id, kind, news, PARKED)
    if not await tx.news.add(parked, key, c.clock.now()):
        return Receipt(kind, news.external_order_id, "", "known", duplicate=True)
    record = await tx.orders.by_external(channel.code, news.external_order_id, lock=True)
    status, detail = await apply(tx, c, parked, record)
    return Receipt(kind, news.external_order_id, parked.id, status, detail=detail)


async def apply(tx: ChannelAdapterTransaction, c: Collaborators, parked: ParkedNews,
                record: ChannelOrder | None) -> tuple[str, str | None]:
    """Act on the change as far as its order allows; (its new status, why)."""
    now = c.clock.now()
    status, detail, case_id = PARKED, WAITING, None
    news = parked.news
    if isinstance(news, ExternalAddressChange):
        status, detail = await _change_address(tx, c, record, news)
    elif record is None or record.status is OrderStatus.ACCEPTED or (
            isinstance(news, ExternalRefund) and record.status in (OrderStatus.REVIEW, OrderStatus.PLACED)
            and not record.paid):
        pass  # waits: applied when the order is placed (a refund: once the order is paid)
    elif isinstance(news, ExternalCancellation):
        status, detail = await _cancel(tx, c, record, news)
    elif isinstance(news, ExternalRefund):
        status, detail, case_id = await _refund(tx, c, parked, record, news)
    await tx.news.mark(parked.id, status, now, detail=detail, case_id=case_id)
    if isinstance(news, ExternalCancellation) and record is not None and record.status is OrderStatus.CANCELLED:
        await apply_parked(tx, c, record)  # what else waited for the order ends with it
    return status, detail


async def _cancel(tx, c: Collaborators, record: ChannelOrder, news: ExternalCancellation) -> tuple[str, str | None]:
    if record.status is OrderStatus.REVIEW:
        record.cancelled()
        await tx.orders.save(record, c.clock.now())
        return DONE, "cancelled in review (never placed)"
    if record.status is not OrderStatus.PLACED:
        return DONE, f"nothing to cancel: the order is {record.status}"
    assert record.order_id is not None
    await tx.publish(ch.CancelChannelOrder(order_id=record.order_id, channel=record.channel,
                                           external_order_id=record.external_order_id, reason=news.reason,
                                           requested_by=f"channel:{record.channel}"), key=record.order_id)
    return SENT, None


async def _change_address(tx, c: Collaborators, record: ChannelOrder | None, news: ExternalAddressChange
                          ) -> tuple[str, str | None]:
    step = address_change_step(None if record is None else record.status)
    if step is AddressChangeStep.WAIT:
        return PARKED, WAITING
    assert record is not None
    if step is AddressChangeStep.APPLY:
        record.change_receiver(news.receiver)
        await tx.orders.save(record, c.clock.now())
        return DONE, "the order in review (never placed) takes the new receiver"
    if step is AddressChangeStep.STAFF:
        return REVIEW, "the order is placed: staff re-review the change (a parcel may be on its way)"
    return DONE, f"nothing to change: the order is {record.status}"


async def _refund(tx, c: Collaborators, parked: ParkedNews, record: ChannelOrder, news: ExternalRefund
                  ) -> tuple[str, str | None, str | None]:
    if record.status is not OrderStatus.PLACED:
        return DONE, f"nothing fulfilled to take back: the order is {record.status}", None
    unknown = [ln.external_line_id for ln in news.lines if ln.external_line_id not in record.line_ids]
    if unknown:
        return REFUSED, f"lines not in the order: {', '.join(unknown)}", None
    assert record.order_id is not None
    case_id = f"{ch.CHANNEL_CASE_PREFIX}{parked.id}"
    await tx.publish(ch.OpenChannelCase(
        case_id=case_id, order_id=record.order_id, channel=record.channel, external_refund_id=news.external_refund_id,
        lines=[ch.ChannelCaseLine(line_id=record.line_ids[ln.external_line_id], quantity=ln.quantity)
               for ln in news.lines],
        channel_refund_amount=news.amount, reason=news.reason, requested_by=f"channel:{record.channel}",
        at=c.clock.now(), facts_version=record.facts_version), key=record.order_id)
    return SENT, None, case_id


async def apply_parked(tx: ChannelAdapterTransaction, c: Collaborators, record: ChannelOrder) -> None:
    """The order is placed, paid (or reviewed): the changes that waited for it, in the order they came."""
    for parked in await tx.news.parked(record.channel, record.external_order_id):
        await apply(tx, c, parked, record)
