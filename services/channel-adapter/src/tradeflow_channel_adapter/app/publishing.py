"""The messages the channel adapter sends, built from its ledger."""

from datetime import datetime

from tradeflow_channel_adapter.domain.external import Address
from tradeflow_channel_adapter.domain.ledger import ChannelOrder, MappedLine
from tradeflow_contracts import channels as ch
from tradeflow_contracts.orders import Receiver


def channel_order_received(record: ChannelOrder, lines: list[MappedLine], now: datetime) -> ch.ChannelOrderReceived:
    news, r = record.news, record.news.receiver
    assert record.account_id is not None
    return ch.ChannelOrderReceived(
        channel_order_id=record.id, channel=record.channel, external_order_id=news.external_order_id,
        external_status=news.status.value, buyer_id=record.account_id, currency=news.currency,
        receiver=None if r is None else receiver_of(r),
        lines=[ch.ChannelOrderLine(external_line_id=m.line.external_line_id, sku=m.sku, quantity=m.line.quantity,
                                   channel_unit_price_amount=m.line.unit_price_amount,
                                   channel_paid_amount=m.line.paid_amount) for m in lines],
        paid_on_channel_at=news.paid_at, received_at=now)


def receiver_of(address: Address) -> Receiver:
    return Receiver(name=address.name, phone=address.phone, region=address.region, city=address.city,
                    address=address.address)
