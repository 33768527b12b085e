"""Intake: what a channel tells us — pushed, pulled or imported — each once.

An order is read into the ledger once per (channel, external order id) — a repeat is answered
with the first (`duplicate`) — then settled: its SKUs mapped, its buyer linked to an account and
its price-list amount charged to the channel's credit under the channel's row lock (held to the
end of the transaction, taken before any existing ledger order is locked: `ChannelRepository.get`), then
published as `ChannelOrderReceived`; or it waits in review with the reason (unmapped-sku,
unknown-sku, currency-mismatch, no-receiver, over-credit, over-member-limit, credit-not-valid,
channel-status: it arrives cancelled or refunded).
Cancellations, refunds and address changes go to `changes.py`.
"""

from tradeflow_channel_adapter.app.changes import receive_change
from tradeflow_channel_adapter.app.ports import ChannelAdapterTransaction, Collaborators
from tradeflow_channel_adapter.app.publishing import channel_order_received
from tradeflow_channel_adapter.app.receipts import Receipt
from tradeflow_channel_adapter.domain.channel import Channel
from tradeflow_channel_adapter.domain.controls import judge
from tradeflow_channel_adapter.domain.external import ChannelNews, ExternalOrder, ExternalStatus
from tradeflow_channel_adapter.domain.ledger import ChannelOrder, OrderStatus, check_order, map_lines

NOT_TO_FULFIL = (ExternalStatus.CANCELLED, ExternalStatus.REFUNDED)


async def receive(tx: ChannelAdapterTransaction, c: Collaborators, channel: Channel, news: ChannelNews,
                  source: str) -> Receipt:
    """Take one piece of news in. BadNews (what the channel sent is wrong) is raised before
    anything is written, so a caller may go on with the next."""
    if not isinstance(news, ExternalOrder):
        return await receive_change(tx, c, channel, news)
    phone = check_order(news, channel.currency)
    existing = await tx.orders.by_external(channel.code, news.external_order_id)
    if existing is None:
        record = ChannelOrder(c.ids.new_id("co"), channel.code, source, news, OrderStatus.REVIEW)
        if await tx.orders.add(record, c.clock.now()) is not None:
            await settle(tx, c, channel, record, phone)
            return _receipt(record)
        existing = await tx.orders.by_external(channel.code, news.external_order_id)
    assert existing is not None
    return _receipt(existing, duplicate=True)


async def settle(tx: ChannelAdapterTransaction, c: Collaborators, channel: Channel, record: ChannelOrder,
                 phone: str | None) -> None:
    """Map, link, charge and publish the order — or put it in review with the reason."""
    now = c.clock.now()
    locked = await tx.channels.get(channel.code, lock=True)  # every order of the channel waits here
    channel = locked or channel
    if record.news.status in NOT_TO_FULFIL:
        record.to_review("channel-status", f"the channel says the order is {record.news.status.value}: "
                                           "it is not fulfilled (staff reject it)")
        return await tx.orders.save(record, now)
    mapping = map_lines(record.news, await tx.sku_map.of_channel(channel.code))
    if mapping.unmapped:
        record.to_review("unmapped-sku", f"channel SKUs without a mapping: {', '.join(mapping.unmapped)}")
        return await tx.orders.save(record, now)
    catalog = await tx.catalog.get_many({m.sku for m in mapping.lines})
    problem = _catalog_problem(record, channel, mapping.lines, catalog)
    if problem is not None:
        record.to_review(*problem)
        return await tx.orders.save(record, now)
    account_id = record.account_id or await tx.accounts.link(channel.code, record.member_id, phone,
                                                             c.ids.new_id("acct"), now)
    unit_credit = {m.line.external_line_id: channel.price_list.unit_price(m.sku, catalog[m.sku].unit_price_amount)
                   for m in mapping.lines}
    amount = sum(unit_credit[m.line.external_line_id] * m.line.quantity for m in mapping.lines)
    verdict = judge(channel.controls, amount=amount, used=await tx.orders.credit_used(channel.code),
                    member_used=await tx.orders.member_used(channel.code, record.member_id), now=now)
    record.account_id = account_id
    if not verdict.ok:
        record.to_review(verdict.reason or "controls", verdict.detail or "")
        return await tx.orders.save(record, now)
    record.accept(account_id, unit_credit)
    await tx.orders.save(record, now)
    await tx.publish(channel_order_received(record, mapping.lines, now), key=record.id)


def _catalog_problem(record: ChannelOrder, channel: Channel, lines, catalog) -> tuple[str, str] | None:
    unknown = sorted({m.sku for m in lines if m.sku not in catalog})
    if unknown:
        return "unknown-sku", f"mapped to SKUs the catalog does not know: {', '.join(unknown)}"
    other = sorted({m.sku for m in lines if catalog[m.sku].currency != channel.currency})
    if other:
        return "currency-mismatch", f"SKUs not priced in {channel.currency}: {', '.join(other)}"
    if record.news.receiver is None and any(catalog[m.sku].kind == "physical" for m in lines):
        return "no-receiver", "physical goods need a receiver"
    return None


def _receipt(record: ChannelOrder, *, duplicate: bool = False) -> Receipt:
    return Receipt("order", record.external_order_id, record.id, record.status, duplicate,
                   record.review_reason, record.review_detail)
