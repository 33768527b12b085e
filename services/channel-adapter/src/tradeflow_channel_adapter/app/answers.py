"""What the platform answers about channel orders, each in the message's own transaction: the
order placed or refused, a cancellation refused (its goods left: every line is refunded as a
case instead), a channel case's progress, the order's facts (followed and synced back).

Each locks its ledger order and nothing of the channel: credit given back is given back on the
order (the channel's credit used is what its orders hold), so an answer holding a ledger order
never waits for the channel's row, which the poller and intake hold while they lock ledger
orders (one lock order, no deadlock)."""

from tradeflow_channel_adapter.app.address_changes import end_address_changes
from tradeflow_channel_adapter.app.changes import DONE, NEWS_ID, REFUSED, SENT, apply, apply_parked
from tradeflow_channel_adapter.app.ports import ChannelAdapterTransaction, Collaborators, ParkedNews
from tradeflow_channel_adapter.app.sync_back import sync_facts
from tradeflow_channel_adapter.domain.external import ExternalRefund, RefundedLine
from tradeflow_channel_adapter.domain.ledger import OrderStatus
from tradeflow_contracts import channels as ch
from tradeflow_contracts.after_sales import CaseStatusChanged
from tradeflow_contracts.order_facts import CatalogSkuChanged, OrderChanged
from tradeflow_money import units_between


async def record_catalog_sku(tx: ChannelAdapterTransaction, m: CatalogSkuChanged, _c: Collaborators) -> None:
    await tx.catalog.record(m)


async def record_placed(tx: ChannelAdapterTransaction, m: ch.ChannelOrderPlaced, c: Collaborators) -> None:
    record = await tx.orders.get(m.channel_order_id, lock=True)
    if record is None or record.status is not OrderStatus.ACCEPTED:
        return  # a repeat (already placed), or not ours
    record.placed(m.order_id, {ln.external_line_id: ln.line_id for ln in m.lines})
    if record.order_status == "cancelled":  # its facts came first: already cancelled (out of stock)
        record.cancelled()
    await tx.orders.save(record, c.clock.now())
    await apply_parked(tx, c, record)


async def record_refused(tx: ChannelAdapterTransaction, m: ch.ChannelOrderRefused, c: Collaborators) -> None:
    record = await tx.orders.get(m.channel_order_id, lock=True)
    if record is None or record.status is not OrderStatus.ACCEPTED:
        return
    record.refused(f"{m.field}: {m.reason}" if m.field else m.reason)
    await tx.orders.save(record, c.clock.now())
    await apply_parked(tx, c, record)


async def record_not_cancelled(tx: ChannelAdapterTransaction, m: ch.ChannelOrderNotCancelled, c: Collaborators
                               ) -> None:
    """The channel cancelled an order whose goods left: the channel refunded it, so every unit not
    refunded yet comes back as a refund case (its parcels stopped or returned) — the buyer keeps
    neither."""
    record = await tx.orders.by_order(m.order_id, lock=True)
    if record is None or record.status is not OrderStatus.PLACED:
        return
    now, changes = c.clock.now(), await tx.news.of_order(record.channel, record.external_order_id)
    await _settle_cancellations(tx, changes, f"the order's goods left ({m.reason}): what is left is refunded", now)
    refund = remaining_refund(record.news.lines, [n.news for n in changes if isinstance(n.news, ExternalRefund)
                                                  and n.status != REFUSED], record.external_order_id, m.status)
    if refund is None:
        return
    parked = ParkedNews(c.ids.new_id(NEWS_ID), record.channel, record.external_order_id, "refund", refund, "parked")
    if await tx.news.add(parked, f"refund:{refund.external_refund_id}", now):
        await apply(tx, c, parked, record)


def remaining_refund(lines, earlier: list[ExternalRefund], external_order_id: str, status: str
                     ) -> ExternalRefund | None:
    """The units (and what the buyer paid the channel for them) no earlier refund took back."""
    taken: dict[str, int] = {}
    for refund in earlier:
        for ln in refund.lines:
            taken[ln.external_line_id] = taken.get(ln.external_line_id, 0) + ln.quantity
    left = [(ln, ln.quantity - taken.get(ln.external_line_id, 0)) for ln in lines]
    left = [(ln, units) for ln, units in left if units > 0]
    if not left:
        return None
    return ExternalRefund(f"cancel-{external_order_id}", external_order_id,
                          [RefundedLine(ln.external_line_id, units) for ln, units in left],
                          sum(units_between(ln.paid_amount, ln.quantity, ln.quantity - units, ln.quantity)
                              for ln, units in left),
                          f"cancelled by the channel after its goods left ({status})")


async def _settle_cancellations(tx: ChannelAdapterTransaction, changes: list[ParkedNews], detail: str, now) -> None:
    for change in changes:
        if change.kind == "cancellation" and change.status == SENT:
            await tx.news.mark(change.id, DONE, now, detail=detail)


async def record_case(tx: ChannelAdapterTransaction, m: CaseStatusChanged, c: Collaborators) -> None:
    """A channel case moved: completed gives the refunded units' credit back; refused is kept with
    its reason for staff."""
    parked = await tx.news.by_case(m.case_id)
    if parked is None or parked.status in (DONE, REFUSED):
        return
    now = c.clock.now()
    if m.to_status == "completed":
        record = await tx.orders.by_external(parked.channel, parked.external_order_id, lock=True)
        if record is not None and isinstance(parked.news, ExternalRefund):
            record.refunded({ln.external_line_id: ln.quantity for ln in parked.news.lines})
            await tx.orders.save(record, now)
        await tx.news.mark(parked.id, DONE, now, detail="the case completed", case_id=m.case_id)
    elif m.to_status == "refused":
        await tx.news.mark(parked.id, REFUSED, now, detail=m.reason or "refused by after-sales", case_id=m.case_id)
    elif not m.open:
        await tx.news.mark(parked.id, DONE, now, detail=f"the case ended {m.to_status}", case_id=m.case_id)


async def record_order_changed(tx: ChannelAdapterTransaction, m: OrderChanged, c: Collaborators) -> None:
    """The platform order's newest facts: kept (older ones only synced, never kept), a cancelled
    order's credit given back, refunds that waited for its payment applied (or, cancelled, ended,
    as are address changes waiting for staff), the channel told."""
    record = (await tx.orders.by_external(m.channel, m.external_order_id, lock=True) if m.external_order_id
              else await tx.orders.by_order(m.order_id, lock=True))  # its facts may come before its placement
    if record is None or record.order_id not in (None, m.order_id):
        return
    was_paid = record.paid
    if record.follow(m.version, m.status):
        cancelled = m.status == "cancelled" and record.status is OrderStatus.PLACED
        if cancelled:
            record.cancelled()
            changes = await tx.news.of_order(record.channel, record.external_order_id)
            await _settle_cancellations(tx, changes, "the order was cancelled", c.clock.now())
            await end_address_changes(tx, changes, "nothing to change: the order was cancelled", c.clock.now())
        await tx.orders.save(record, c.clock.now())
        if (record.paid and not was_paid) or cancelled:  # cancelled: what waited for its payment ends
            await apply_parked(tx, c, record)
    await sync_facts(tx, c, record, m)


def a_channel_order(m: OrderChanged) -> bool:
    return m.type == "channel"


def a_channel_case(m: CaseStatusChanged) -> bool:
    return m.case_id.startswith(ch.CHANNEL_CASE_PREFIX)
