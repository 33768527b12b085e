"""Staff merge held shipments by hand, on in-memory ports (issue 11): the buyer's planning is
locked first; the orders are told through the usual messages — ShipmentPlanned of the target to
each order it gained, ShipmentStatusChanged to `cancelled` of the merged one to its orders — and a
refusal or an unknown shipment changes and publishes nothing."""

from datetime import timedelta

import pytest

from tradeflow_contracts.fulfillment import ShipmentPlanned, ShipmentStatusChanged
from tradeflow_fulfillment.app.merge_shipments import merge_shipments
from tradeflow_fulfillment.domain.errors import CannotMerge, ShipmentNotFound
from tradeflow_fulfillment.domain.model import ShipmentLine
from tradeflow_fulfillment.domain.transitions import ShipmentStatus

from .builders import AT, WINDOW, shipment
from .fakes import FakeTransaction, FixedClock, collaborators

S = ShipmentStatus
LATER = AT + 2 * WINDOW


def held(id: str, order_id: str, status=S.READY, weight_grams: int = 500):
    line = ShipmentLine(f"{order_id}-l", order_id, f"{order_id}-s1", "m-1", "SKU-A", 1, 1000, weight_grams, 1000)
    return shipment(status, id=id, lines=[line])


@pytest.fixture
async def tx() -> FakeTransaction:
    tx = FakeTransaction()
    for s in (held("shp-1", "o-1"), held("shp-2", "o-2", S.PENDING_REVIEW), held("shp-3", "o-3", weight_grams=19_500)):
        await tx.shipments.add(s)
    return tx


async def test_the_orders_are_told_where_their_goods_go_now(tx):
    merged = await merge_shipments(tx, collaborators(FixedClock(LATER)), "shp-1", ["shp-2"], "staff:s-1", "asked")
    assert (merged.order_ids, merged.status, tx.shipments.locked) == (("o-1", "o-2"), S.PENDING_REVIEW, ["b-1"])
    told = [(key, type(m).__name__, m.shipment_id, getattr(m, "to_status", None) or m.status)
            for key, m in tx.published]
    assert told == [
        ("o-2", "ShipmentPlanned", "shp-1", "pending_review"),  # its goods are in shp-1 now, which waits for review
        ("o-1", "ShipmentStatusChanged", "shp-1", "pending_review"),
        ("o-2", "ShipmentStatusChanged", "shp-1", "pending_review"),
        ("o-2", "ShipmentStatusChanged", "shp-2", "cancelled")]  # shp-2 holds nothing of it any more
    planned = tx.published[0][1]
    assert isinstance(planned, ShipmentPlanned) and (planned.merged, [ln.line_id for ln in planned.lines]) == (
        True, ["o-2-l"])
    cancelled = tx.published[-1][1]
    assert isinstance(cancelled, ShipmentStatusChanged) and (cancelled.from_status, cancelled.order_ids) == (
        "pending_review", ["o-2"])


async def test_once_merged_the_orders_goods_are_found_in_the_target_only(tx):
    await merge_shipments(tx, collaborators(FixedClock(LATER)), "shp-1", ["shp-2"], "staff:s-1")
    assert [s.id for s in await tx.shipments.holding("o-2")] == ["shp-1"]


async def test_a_refusal_or_an_unknown_shipment_changes_and_publishes_nothing(tx):
    c = collaborators(FixedClock(LATER + timedelta(minutes=1)))
    with pytest.raises(CannotMerge) as refused:
        await merge_shipments(tx, c, "shp-1", ["shp-2", "shp-3"], "staff:s-1")
    assert (refused.value.slug, refused.value.shipment_id) == ("merge-over-parcel-limit", "shp-3")  # 20.5 kg, all three
    with pytest.raises(ShipmentNotFound):
        await merge_shipments(tx, c, "shp-1", ["shp-9"], "staff:s-1")
    assert ([s.order_ids for s in tx.shipments.rows.values()], tx.published) == ([("o-1",), ("o-2",), ("o-3",)], [])
