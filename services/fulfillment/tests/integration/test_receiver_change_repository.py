"""Receiver changes on PostgreSQL: a change reads back as written (receiver, outcomes, shipments
waited for); it is found pending for its order and waiting for its shipment until settled, and
then neither."""

from datetime import UTC, datetime

from tradeflow_fulfillment.domain.model import Receiver
from tradeflow_fulfillment.domain.receiver_change import ReceiverChange, ShipmentOutcome

AT = datetime(2026, 12, 6, 9, tzinfo=UTC)
WEST = Receiver("Li Lei", "13800001111", "west", "Chengdu", "9 Jinli St")


async def test_a_change_round_trips_and_is_found_while_it_waits(transactions):
    change = ReceiverChange.request("chg-1", "o-1", WEST, "moved", "channel:tmall", AT)
    change.decide("shp-1", True, "changed")
    change.wait_for("shp-2")
    async with transactions.begin() as tx:
        await tx.receiver_changes.save(change)
        await tx.receiver_changes.save(ReceiverChange.request("chg-9", "o-9", WEST, "x", "y", AT))
    async with transactions.begin() as tx:
        read = await tx.receiver_changes.get("chg-1")
        assert (read.order_id, read.receiver, read.reason, read.requested_by, read.requested_at) == (
            "o-1", WEST, "moved", "channel:tmall", AT)
        assert (read.outcomes, read.waiting, read.settled) == ((ShipmentOutcome("shp-1", True, "changed"),),
                                                               ("shp-2",), False)
        assert [c.change_id for c in await tx.receiver_changes.pending("o-1")] == ["chg-1"]
        assert [c.change_id for c in await tx.receiver_changes.waiting_for("shp-2")] == ["chg-1"]
        assert await tx.receiver_changes.waiting_for("shp-1") == []
        assert read.decide_waiting("shp-2", False, "intercept-timeout") and read.settle(AT)
        await tx.receiver_changes.save(read)
    async with transactions.begin() as tx:
        settled = await tx.receiver_changes.get("chg-1")
        assert (settled.settled_at, settled.changed, settled.waiting) == (AT, False, ())
        assert await tx.receiver_changes.pending("o-1") == [] and await tx.receiver_changes.waiting_for("shp-2") == []
        assert await tx.receiver_changes.get("chg-2") is None
