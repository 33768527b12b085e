"""A carrier's interception that succeeds after fulfillment gave the stop up at its deadline, on
the real database: recorded, the parcel marked coming back, and flagged for staff in the shipment
view (the order was told its units go on)."""

from datetime import timedelta

from tradeflow_fulfillment.app.record_report import ProviderReport, ReportResult, record_report
from tradeflow_fulfillment.domain.model import Receiver, ShipmentLine
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus
from tradeflow_testing.access import bearer

S, E = ShipmentStatus, ShipmentEvent
LINE = ShipmentLine("l-1", "o-1", "o-1-m-1", "m-1", "SKU-A", 2, 2000, 700, 900)


async def test_a_late_carrier_interception_comes_back_flagged_in_the_staff_view(transactions, collaborators,
                                                                                 clock, client):
    at = clock.at
    s = Shipment.plan("shp-1", buyer_id="buyer-1", receiver=Receiver("A", "1", "east", "HZ", "2 Rd"),
                      warehouse="WH-1", carrier="SF", lines=[LINE], at=at, window=timedelta(0),
                      rules=collaborators.rules.parcels)
    s.dispatch(s.next_dispatch_number, "SF", "WB-1", at)
    s.report(E.SHIPPED, at, "wms")
    assert s.stop("o-1", "changed my mind", at, at + timedelta(minutes=2)) is None
    s.interception_sent()
    s.interception_expired(at + timedelta(minutes=2))
    async with transactions.begin() as tx:
        await tx.shipments.add(s)
    report = ProviderReport("tms", "evt-late", "intercepted", "shp-1", "WB-1", at + timedelta(minutes=3))
    async with transactions.begin() as tx:
        assert await record_report(tx, report, at + timedelta(minutes=3)) is ReportResult.APPLIED
    view = (await client.get("/fulfillment/shipments/shp-1", headers=bearer("staff-1", "staff"))).json()
    assert (view["status"], view["flags"]) == ("returning", ["promised_going_on"])
    assert [(h["event"], h["status"], h["source"]) for h in view["events"][-2:]] == [
        ("intercept_ok", "intercepted", "tms"), ("return", "returning", "fulfillment")]
