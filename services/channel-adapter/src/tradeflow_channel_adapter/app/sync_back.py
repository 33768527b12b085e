"""Sync back (DOMAIN §6): what the channel is told of its order — each shipment that left (its
carrier in the channel's words and its waybill), each delivery, the virtual goods granted, the
order completed or cancelled — once each (by its key), through the `sync_calls` outbox: a job
sends the calls in order, retrying with backoff until the channel acknowledges
(`GET /channels/sync?failing=true` shows the ones failing)."""

from dataclasses import dataclass
from datetime import timedelta

from tradeflow_channel_adapter.app.ports import (
    ChannelAdapterTransaction,
    ChannelCalls,
    Collaborators,
    SyncCall,
    Transactions,
)
from tradeflow_channel_adapter.domain.channel import Kind
from tradeflow_channel_adapter.domain.external import ExternalStatus, ShipmentNews, SyncUpdate
from tradeflow_channel_adapter.domain.ledger import ChannelOrder
from tradeflow_contracts.order_facts import OrderChanged

LEFT = frozenset({"shipped", "in_transit", "out_for_delivery"})


def updates(record: ChannelOrder, m: OrderChanged) -> list[tuple[str, SyncUpdate]]:
    """(key, update) for everything the facts say that the channel is told once."""
    external = {line_id: ext for ext, line_id in record.line_ids.items()}
    found: list[tuple[str, SyncUpdate]] = []
    for s in m.shipments:
        lines = [(external.get(ln.line_id, ln.line_id), ln.quantity) for ln in s.lines]
        news = ShipmentNews(s.shipment_id, s.status, s.carrier, s.waybill, lines)
        if s.status in LEFT or s.status == "signed":
            found.append((f"shipped:{s.shipment_id}", SyncUpdate(record.external_order_id, ExternalStatus.SHIPPED,
                                                                  news, m.changed_at)))
        if s.status == "signed":
            found.append((f"signed:{s.shipment_id}", SyncUpdate(record.external_order_id, ExternalStatus.DELIVERED,
                                                                 news, m.changed_at)))
    virtual = [ln for ln in m.lines if ln.kind == "virtual" and ln.cancelled_quantity < ln.quantity]
    if virtual and all(ln.entitlement_id for ln in virtual):
        found.append(("granted", SyncUpdate(record.external_order_id, ExternalStatus.DELIVERED, None, m.changed_at)))
    if m.status == "completed":
        found.append(("completed", SyncUpdate(record.external_order_id, ExternalStatus.COMPLETED, None, m.changed_at)))
    if m.status == "cancelled":
        found.append(("cancelled", SyncUpdate(record.external_order_id, ExternalStatus.CANCELLED, None, m.changed_at)))
    return found


async def sync_facts(tx: ChannelAdapterTransaction, c: Collaborators, record: ChannelOrder, m: OrderChanged) -> None:
    """Keep the calls the facts call for — none for an offline channel: it has no system to call."""
    channel = await tx.channels.get(record.channel)
    if channel is None or channel.kind is Kind.OFFLINE:
        return
    now = c.clock.now()
    for key, update in updates(record, m):
        await tx.sync.add(SyncCall(c.ids.new_id("sc"), record.channel, record.id, f"{record.id}:{key}", update,
                                   next_attempt_at=now))


@dataclass(frozen=True)
class Backoff:
    first: timedelta
    most: timedelta

    def after(self, attempts: int) -> timedelta:
        return min(self.first * (2 ** max(attempts - 1, 0)), self.most)


async def send_due(transactions: Transactions, calls: ChannelCalls, backoff: Backoff, clock, *,
                   limit: int = 20, lease: timedelta = timedelta(seconds=30)) -> int:
    """One round of the sync-back job: the due calls, sent; each acknowledged or put off with
    backoff. Returns how many were tried."""
    async with transactions.begin() as tx:
        due = await tx.sync.claim_due(clock.now(), limit, lease)
        channels = {code: await tx.channels.get(code) for code in {call.channel for call in due}}
    for call in due:
        channel = channels.get(call.channel)
        error = "the channel is not configured" if channel is None else await _send(calls, channel, call)
        async with transactions.begin() as tx:
            if error is None:
                await tx.sync.acked(call.id, clock.now())
            else:
                await tx.sync.failed(call.id, error, clock.now() + backoff.after(call.attempts + 1))
    return len(due)


async def _send(calls: ChannelCalls, channel, call: SyncCall) -> str | None:
    try:
        return await calls.send(channel, call.update)
    except Exception as exc:  # noqa: BLE001 — any failure of the call is retried later, and shown
        return f"{type(exc).__name__}: {exc}"
