"""Cancellation after payment on PostgreSQL: an interception and an order's stop read back as
written; the interceptor claims by due time (skipping locked ones), the dispatcher claims what an
interception left to go again, and every shipment holding an order's lines is found."""

from datetime import timedelta

from tradeflow_fulfillment.domain.interception import Change, GoingOn, Stopped
from tradeflow_fulfillment.domain.model import Receiver, ShipmentLine
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.stopping import OrderStop, Units
from tradeflow_fulfillment.domain.transitions import ShipmentStatus

S = ShipmentStatus
RECEIVER = Receiver("A", "1", "east", "HZ", "2 Rd")


def line(order_id: str, line_id: str = "l-1") -> ShipmentLine:
    return ShipmentLine(line_id, order_id, f"{order_id}-s1", "m-1", "SKU-A", 1, 1000, 500, 900)


async def dispatched(transactions, collaborators, id: str, *orders: str) -> Shipment:
    at = collaborators.clock.now()
    s = Shipment.plan(id, buyer_id="b-1", receiver=RECEIVER, warehouse="WH-1", carrier="SF",
                      lines=[line(o, f"l-{o}") for o in orders], at=at, window=timedelta(0),
                      rules=collaborators.rules.parcels)
    s.dispatch(s.next_dispatch_number, "SF", f"WB-{id}", at)
    async with transactions.begin() as tx:
        await tx.shipments.add(s)
    return s


async def test_an_interception_round_trips_and_the_interceptor_claims_it_when_due(transactions, collaborators,
                                                                                    clock):
    await dispatched(transactions, collaborators, "shp-1", "o-1")
    deadline = clock.at + timedelta(minutes=2)
    async with transactions.begin() as tx:
        s = await tx.shipments.get("shp-1", lock=True)
        assert s.stop("o-1", "changed my mind", clock.at, deadline) is None
        await tx.shipments.save(s)
    async with transactions.begin() as tx:
        claimed = await tx.shipments.claim_interception(clock.at)
        assert claimed.interception == s.interception
        assert (claimed.status, claimed.interception.by, claimed.interception.deadline) == (S.INTERCEPTING, "wms",
                                                                                             deadline)
        async with transactions.begin() as other:  # another interceptor skips the locked row
            assert await other.shipments.claim_interception(clock.at) is None
        claimed.interception_sent()
        await tx.shipments.save(claimed)
    async with transactions.begin() as tx:
        assert await tx.shipments.claim_interception(deadline - timedelta(seconds=1)) is None  # sent: waits
        assert (await tx.shipments.claim_interception(deadline)).id == "shp-1"  # the deadline is due


async def test_what_an_interception_left_is_claimed_to_go_again(transactions, collaborators, clock):
    await dispatched(transactions, collaborators, "shp-2", "o-1", "o-2")
    async with transactions.begin() as tx:
        s = await tx.shipments.get("shp-2", lock=True)
        s.stop("o-1", "changed my mind", clock.at, clock.at + timedelta(minutes=2))
        s.interception_result(True, clock.at, "wms")
        assert s.settle_interception(clock.at) == {"o-1": Stopped()}
        await tx.shipments.save(s)
    async with transactions.begin() as tx:
        due = await tx.shipments.claim_due(clock.at)
        assert (due.id, due.status, due.order_ids, due.awaits_redispatch) == ("shp-2", S.INTERCEPTED, ("o-2",), True)


async def test_every_shipment_holding_an_order_is_found_in_id_order(transactions, collaborators):
    for id, orders in (("shp-b", ("o-1",)), ("shp-a", ("o-2", "o-1")), ("shp-c", ("o-2",))):
        await dispatched(transactions, collaborators, id, *orders)
    async with transactions.begin() as tx:
        assert [s.id for s in await tx.shipments.holding("o-1")] == ["shp-a", "shp-b"]


async def test_an_order_stop_round_trips_and_is_updated_in_place(transactions, clock):
    stop = OrderStop.request("o-1", "changed my mind", "buyer:b-1", clock.at)
    stop.decide([Units("l-1", "o-1-s1", 2, "shp-1", "WH-1")], Stopped(returning=True))
    stop.decide([Units("l-2", "o-1-s1", 1, entitlement_id="ent-1")], Stopped())
    stop.wait_for("shp-2", [Units("l-3", "o-1-s1", 1, "shp-2", "WH-2")])
    async with transactions.begin() as tx:
        assert await tx.stops.get("o-1") is None
        await tx.stops.save(stop)
    async with transactions.begin() as tx:
        again = await tx.stops.get("o-1")
        assert (again.outcomes, again.waiting, again.reason) == (stop.outcomes, stop.waiting, "changed my mind")
        assert again.decide_waiting("shp-2", GoingOn("intercept-failed", "could not stop it"))
        again.answer(clock.at)
        await tx.stops.save(again)
    async with transactions.begin() as tx:
        last = await tx.stops.get("o-1")
    assert (last.decided, last.answered_at, len(last.outcomes)) == (True, clock.at, 3)


async def test_a_re_review_under_way_keeps_its_change_and_the_units_to_pack_apart(transactions, collaborators, clock):
    await dispatched(transactions, collaborators, "shp-4", "o-1", "o-2")
    change = Change(Receiver("B", "2", "west", "CD", "9 St"), "YTO", (("l-o-1", 1),))
    async with transactions.begin() as tx:
        s = await tx.shipments.get("shp-4", lock=True)
        s.re_review(change, "moved", "staff:s-1", clock.at, clock.at + timedelta(minutes=2))
        await tx.shipments.save(s)
    async with transactions.begin() as tx:
        again = await tx.shipments.get("shp-4")
    assert (again.status, again.interception.change) == (S.INTERCEPTING, change)
