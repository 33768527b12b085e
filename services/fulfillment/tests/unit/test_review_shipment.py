"""Staff review on in-memory ports: approve releases a held shipment to dispatch, reject cancels
it; both announced; a shipment not in review is refused."""

import pytest

from tradeflow_fulfillment.app.review_shipment import approve_shipment, reject_shipment
from tradeflow_fulfillment.domain.errors import IllegalTransition, ShipmentNotFound
from tradeflow_fulfillment.domain.transitions import ShipmentStatus

from .builders import AT, shipment
from .fakes import FakeTransaction, FixedClock, collaborators

S = ShipmentStatus


@pytest.fixture
async def tx() -> FakeTransaction:
    tx = FakeTransaction()
    await tx.shipments.add(shipment(S.PENDING_REVIEW, id="shp-held"))
    await tx.shipments.add(shipment(id="shp-ready"))
    return tx


async def test_approving_releases_the_shipment_to_dispatch(tx):
    s = await approve_shipment(tx, collaborators(FixedClock(AT)), "shp-held", "staff:s-1", "called the buyer")
    assert (s.status, s.history[-1].source, s.history[-1].detail) == (S.READY, "staff:s-1", "called the buyer")
    assert [(key, m.from_status, m.to_status, m.event) for key, m in tx.published] == [
        ("o-1", "pending_review", "ready", "approve")]


async def test_rejecting_cancels_it_with_the_reason(tx):
    s = await reject_shipment(tx, collaborators(FixedClock(AT)), "shp-held", "staff:s-1", "fraud suspected")
    assert (s.status, s.history[-1].detail) == (S.CANCELLED, "rejected: fraud suspected")
    assert [(m.to_status, m.event, m.source) for _, m in tx.published] == [("cancelled", "cancel", "staff:s-1")]


async def test_only_a_shipment_in_review_is_reviewed(tx):
    c = collaborators(FixedClock(AT))
    with pytest.raises(IllegalTransition, match="is ready: it cannot approve"):
        await approve_shipment(tx, c, "shp-ready", "staff:s-1")
    with pytest.raises(IllegalTransition, match="only a shipment in review"):
        await reject_shipment(tx, c, "shp-ready", "staff:s-1", "no")
    with pytest.raises(ShipmentNotFound):
        await approve_shipment(tx, c, "shp-x", "staff:s-1")
    assert tx.published == []
