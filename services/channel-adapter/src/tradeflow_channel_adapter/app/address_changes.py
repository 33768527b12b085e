"""Staff re-review a channel's address change of a placed order (DOMAIN §4 反审核, §7: who and why
kept): approved, fulfillment is asked to send the order's goods to the new receiver
(`ChangeReceiver`, keyed by the order) and re-reviews each of its shipments — the change is `sent`
until fulfillment answers once (`ReceiverChangeSettled`): `done` when every shipment now goes to
the new receiver, else `refused` naming what each shipment did (`domain.address_change.settled`);
rejected, it is `refused` with staff's reason. The order cancelled meanwhile, there is nothing to
change: the change is `done`."""

from dataclasses import replace
from datetime import datetime

from tradeflow_channel_adapter.app.changes import DONE, NEWS_ID, REFUSED, REVIEW, SENT
from tradeflow_channel_adapter.app.errors import ChangeNotFound, ChangeNotInReview
from tradeflow_channel_adapter.app.ports import ChannelAdapterTransaction, Collaborators, ParkedNews
from tradeflow_channel_adapter.app.publishing import receiver_of
from tradeflow_channel_adapter.domain.address_change import settled
from tradeflow_channel_adapter.domain.external import ExternalAddressChange
from tradeflow_channel_adapter.domain.ledger import OrderStatus
from tradeflow_contracts.fulfillment import ChangeReceiver, ReceiverChangeSettled

ADDRESS_CHANGE = "address_change"


async def approve_address_change(tx: ChannelAdapterTransaction, c: Collaborators, code: str, change_id: str,
                                 by: str, reason: str) -> ParkedNews:
    now, order_of = c.clock.now(), (await _in_review(tx, code, change_id, lock=False)).external_order_id
    # The order before its change, as the order's cancellation locks them (`answers.py`): no deadlock.
    record = await tx.orders.by_external(code, order_of, lock=True)
    change = await _in_review(tx, code, change_id)  # locked, and still in review
    assert isinstance(change.news, ExternalAddressChange)
    if record is None or record.status is not OrderStatus.PLACED or record.order_id is None:
        status = "not received" if record is None else record.status
        return await _marked(tx, change, DONE, f"nothing to change: the order is {status}", now)
    await tx.publish(ChangeReceiver(change_id=change.id, order_id=record.order_id,
                                    receiver=receiver_of(change.news.receiver), reason=reason, requested_by=by,
                                    requested_at=now), key=record.order_id)
    return await _marked(tx, change, SENT, f"approved by {by}: fulfillment re-reviews the order's shipments", now)


async def reject_address_change(tx: ChannelAdapterTransaction, c: Collaborators, code: str, change_id: str,
                                by: str, reason: str) -> ParkedNews:
    change = await _in_review(tx, code, change_id)
    return await _marked(tx, change, REFUSED, f"rejected by {by}: {reason}", c.clock.now())


async def record_receiver_settled(tx: ChannelAdapterTransaction, m: ReceiverChangeSettled, c: Collaborators
                                  ) -> None:
    change = await tx.news.get(m.change_id, lock=True)
    if change is None or change.kind != ADDRESS_CHANGE or change.status != SENT:
        return  # a repeated answer, already recorded
    done, detail = settled(m.changed, [(o.shipment_id, o.detail) for o in m.outcomes])
    await tx.news.mark(change.id, DONE if done else REFUSED, c.clock.now(), detail=detail)


async def end_address_changes(tx: ChannelAdapterTransaction, changes: list[ParkedNews], detail: str, now: datetime
                              ) -> None:
    """The order is cancelled: its address changes waiting for staff have nothing left to change."""
    for change in changes:
        if change.kind == ADDRESS_CHANGE and change.status == REVIEW:
            await tx.news.mark(change.id, DONE, now, detail=detail)


def a_channel_change(m: ReceiverChangeSettled) -> bool:
    """Only the adapter asks fulfillment to change a receiver, naming its change's id."""
    return m.change_id.startswith(f"{NEWS_ID}_")


async def _in_review(tx: ChannelAdapterTransaction, code: str, change_id: str, *, lock: bool = True) -> ParkedNews:
    change = await tx.news.get(change_id, lock=lock)
    if change is None or change.channel != code:
        raise ChangeNotFound(change_id)
    if change.kind != ADDRESS_CHANGE or change.status != REVIEW:
        raise ChangeNotInReview(change.id, change.kind, change.status)
    return change


async def _marked(tx: ChannelAdapterTransaction, change: ParkedNews, status: str, detail: str, now: datetime
                  ) -> ParkedNews:
    await tx.news.mark(change.id, status, now, detail=detail)
    return replace(change, status=status, detail=detail)
