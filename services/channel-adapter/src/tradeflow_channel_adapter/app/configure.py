"""Staff manage channels: their configuration, SKU maps and the review queue (API.md Channels)."""

from tradeflow_channel_adapter.app.changes import apply_parked
from tradeflow_channel_adapter.app.errors import ChannelNotFound, ChannelOrderNotFound, UnknownSku
from tradeflow_channel_adapter.app.intake import settle
from tradeflow_channel_adapter.app.ports import ChannelAdapterTransaction, Collaborators
from tradeflow_channel_adapter.domain.accounts import normalise_phone
from tradeflow_channel_adapter.domain.channel import Channel
from tradeflow_channel_adapter.domain.ledger import ChannelOrder, NotInReview, OrderStatus


async def put_channel(tx: ChannelAdapterTransaction, c: Collaborators, channel: Channel) -> bool:
    """Create or replace a channel's configuration (its orders keep the credit they hold); True when created."""
    return await tx.channels.put(channel, c.clock.now())


async def channel_of(tx: ChannelAdapterTransaction, code: str, *, lock: bool = False) -> Channel:
    channel = await tx.channels.get(code, lock=lock)
    if channel is None:
        raise ChannelNotFound(code)
    return channel


async def map_sku(tx: ChannelAdapterTransaction, c: Collaborators, code: str, channel_sku: str, sku: str,
                  by: str) -> None:
    await channel_of(tx, code)
    if sku not in await tx.catalog.get_many({sku}):
        raise UnknownSku(sku)
    await tx.sku_map.put(code, channel_sku, sku, by, c.clock.now())


async def retry_review(tx: ChannelAdapterTransaction, c: Collaborators, code: str, order_id: str) -> ChannelOrder:
    """Settle an order in review again (after its mapping or the channel's credit was fixed). The
    channel's row is locked before the order's, as the poller locks them."""
    channel = await channel_of(tx, code, lock=True)
    record = await _in_channel(tx, code, order_id)
    if record.status is not OrderStatus.REVIEW:
        raise NotInReview(record.id, record.status)
    await settle(tx, c, channel, record, normalise_phone(record.news.phone, record.news.names.phone))
    return record


async def reject_review(tx: ChannelAdapterTransaction, c: Collaborators, code: str, order_id: str,
                        reason: str) -> ChannelOrder:
    record = await _in_channel(tx, code, order_id)
    record.reject(reason)
    await tx.orders.save(record, c.clock.now())
    await apply_parked(tx, c, record)
    return record


async def _in_channel(tx: ChannelAdapterTransaction, code: str, order_id: str) -> ChannelOrder:
    record = await tx.orders.get(order_id, lock=True)
    if record is None or record.channel != code:
        raise ChannelOrderNotFound(order_id)
    return record
