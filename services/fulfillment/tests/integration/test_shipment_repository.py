"""A shipment read back is the shipment written: lines, flags, dispatch numbers, how far its goods
got and its whole history — also after later changes are saved."""

from datetime import timedelta

import pytest

from tradeflow_fulfillment.domain.errors import ShipmentNotFound
from tradeflow_fulfillment.domain.model import Flag, Receiver, ShipmentLine
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus

S, E = ShipmentStatus, ShipmentEvent


async def test_a_shipment_round_trips_through_its_tables(transactions, collaborators, clock):
    at = clock.at
    lines = [ShipmentLine("l-1", "o-1", "o-1-m-1", "m-1", "SKU-A", 2, 2_500_000, 700, 900, fragile=True)]
    planned = Shipment.plan("shp-1", buyer_id="buyer-1", receiver=Receiver("A", "1", "east", "HZ", "2 Rd"),
                            warehouse="WH-1", carrier="SF", lines=lines, at=at, window=timedelta(minutes=10),
                            rules=collaborators.rules.parcels)
    async with transactions.begin() as tx:
        await tx.shipments.add(planned)
    async with transactions.begin() as tx:
        s = await tx.shipments.get("shp-1")
        assert (s.status, s.flags, s.lines, s.value_amount) == (
            S.PENDING_REVIEW, {Flag.FRAGILE, Flag.HIGH_VALUE}, tuple(lines), 2_500_000)
        s.approve(at, "staff:s-1")
        s.dispatch(s.next_dispatch_number, "ZTO", "WB-1", at)
        s.report(E.PACKED, at, "wms")
        s.report(E.PICKED, at + timedelta(minutes=1), "wms")  # late: recorded, not applied
        await tx.shipments.save(s)
    async with transactions.begin() as tx:
        again = await tx.shipments.get("shp-1")
    assert (again.status, again.progress, again.carrier, again.waybill, again.dispatch_numbers) == (
        S.PACKED, S.PACKED, "ZTO", "WB-1", ("shp-1-1",))
    assert [(h.event, h.status, h.applied) for h in again.history] == [
        (E.PLAN, S.PENDING_REVIEW, True), (E.APPROVE, S.READY, True), (E.DISPATCH, S.DISPATCHED, True),
        (E.PACKED, S.PACKED, True), (E.PICKED, S.PACKED, False)]
    assert again.planned_at == at and again.dispatch_after == at + timedelta(minutes=10)


async def test_an_unknown_shipment_is_not_found(transactions):
    async with transactions.begin() as tx:
        with pytest.raises(ShipmentNotFound, match="no shipment shp-x"):
            await tx.shipments.get("shp-x")
