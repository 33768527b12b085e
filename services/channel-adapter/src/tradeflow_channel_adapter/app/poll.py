"""The poller of pull channels: each active pull channel's feed is read from its persisted cursor,
a page at a time; a page's news are taken in and the next cursor saved in one transaction, so a
restart neither loses a page nor takes one twice (and a repeat would be answered as a duplicate
anyway). A record the channel worded wrongly is skipped and logged with its field, not retried
forever (nor is a page with such a record: the kind passes it over and names it): the channel
still holds it, and staff see it in the log.

Lock order: a page's transaction holds the channel's row from its start, and then locks the ledger
orders its news touch — the order every path that takes both follows (the channel's row first);
the platform's answers lock ledger orders only (`answers.py`), so none waits on the other."""

import structlog

from tradeflow_channel_adapter.app.intake import receive
from tradeflow_channel_adapter.app.ports import ChannelCalls, Collaborators, Transactions
from tradeflow_channel_adapter.domain.channel import Channel, Kind
from tradeflow_channel_adapter.domain.errors import BadNews

log = structlog.get_logger(__name__)


async def poll_channels(transactions: Transactions, calls: ChannelCalls, c: Collaborators, *,
                        max_pages: int = 10) -> int:
    """One round over every active pull channel; returns how many news were taken in."""
    async with transactions.read() as tx:
        channels = [ch for ch in await tx.channels.all() if ch.kind is Kind.MARKETPLACE_PULL and ch.active
                    and ch.api_base_url]
    taken = 0
    for channel in channels:
        try:
            taken += await poll_channel(transactions, calls, c, channel, max_pages)
        except Exception as exc:  # noqa: BLE001 — one channel down must not stop the others
            log.warning("poll.channel_failed", channel=channel.code, error=f"{type(exc).__name__}: {exc}")
    return taken


async def poll_channel(transactions: Transactions, calls: ChannelCalls, c: Collaborators, channel: Channel,
                       max_pages: int) -> int:
    """Up to `max_pages` pages of one channel's feed, from its persisted cursor."""
    taken = 0
    for _ in range(max_pages):
        async with transactions.read() as tx:
            cursor = await tx.channels.cursor(channel.code)
        page = await calls.fetch(channel, cursor)
        async with transactions.begin() as tx:
            await tx.channels.get(channel.code, lock=True)  # replicas take a channel's pages one at a time
            if await tx.channels.cursor(channel.code) != cursor:
                break  # another replica took this page
            for bad in page.unreadable:
                log.warning("poll.unreadable_record", channel=channel.code, error=str(bad), cursor=cursor)
            for news in page.news:
                try:  # BadNews is raised before anything is written
                    await receive(tx, c, channel, news, "pull")
                    taken += 1
                except BadNews as exc:
                    log.warning("poll.bad_news", channel=channel.code, field=exc.field, error=exc.message,
                                external_order_id=getattr(news, "external_order_id", None))
            if page.next_cursor is not None:
                await tx.channels.save_cursor(channel.code, page.next_cursor)
        if not (page.news or page.unreadable) or page.next_cursor in (None, cursor):
            break
    return taken
