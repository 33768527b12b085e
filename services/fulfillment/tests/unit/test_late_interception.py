"""An interception's success that arrives after fulfillment gave the stop up at its deadline (the
order was answered "going on", intercept-timeout): the warehouse holds the parcel → it goes again
under a new dispatch number, so it reaches the buyer; the carrier stopped the shipped parcel → it
comes back, is restocked when received, and is flagged for staff (the buyer was promised it)."""

from tradeflow_contracts.inventory import RestockReturned
from tradeflow_fulfillment.app.dispatch_shipments import dispatch_due
from tradeflow_fulfillment.app.intercept_shipments import intercept_due
from tradeflow_fulfillment.app.record_report import ProviderReport, ReportResult, record_report
from tradeflow_fulfillment.domain.model import Flag
from tradeflow_fulfillment.domain.transitions import ShipmentEvent as E

from .builders import AT, shipment
from .fakes import FakeTransaction, logistics
from .test_stop_fulfillment import DEADLINE, O1, POLICY, S, answers, clock, given, going_on, stop, tms, wms

__all__ = ["clock"]  # the fixture


async def given_up(tx, clock, status, progress):
    """A stop of o-1's shipment in `status`, sent, and given up at its deadline: the shipment goes
    on at `progress` (intercept_failed, or the stage it was reported at)."""
    outside = logistics()
    await given(tx, shipment(status, status, lines=[O1]))
    await stop(tx, clock)
    await intercept_due(tx, outside, clock, POLICY)
    clock.at += DEADLINE
    await intercept_due(tx, outside, clock, POLICY)
    assert tx.shipments.rows["shp-1"].status is progress
    return outside


async def test_a_late_warehouse_interception_dispatches_the_parcel_again_under_a_new_number(clock):
    tx = FakeTransaction()
    outside = await given_up(tx, clock, S.PACKED, S.PACKED)
    assert await record_report(tx, wms("intercepted"), AT) is ReportResult.APPLIED
    s = tx.shipments.rows["shp-1"]
    assert (s.status, s.awaits_redispatch) == (S.INTERCEPTED, True)
    late = s.history[-1]
    assert (late.event, late.source, late.applied, "late" in late.detail) == (E.INTERCEPT_OK, "wms", True, True)
    assert await dispatch_due(tx, outside, clock, POLICY) == 1
    assert (s.status, s.dispatch_numbers) == (S.DISPATCHED, ("shp-1-1", "shp-1-2"))
    assert [i.dispatch_number for i in outside.warehouse.received] == ["shp-1-2"]
    [answer] = answers(tx)  # the order was answered once: its units go on, and they do
    assert going_on(answer) == [("l-1", 2, "shp-1", "intercept-timeout")]
    assert Flag.PROMISED_GOING_ON not in s.flags


async def test_a_late_carrier_interception_brings_the_parcel_back_flagged_for_staff(clock):
    tx = FakeTransaction()
    await given_up(tx, clock, S.IN_TRANSIT, S.IN_TRANSIT)
    assert await record_report(tx, tms("intercepted"), AT) is ReportResult.APPLIED
    s = tx.shipments.rows["shp-1"]
    assert (s.status, Flag.PROMISED_GOING_ON in s.flags) == (S.RETURNING, True)
    assert [h.event for h in s.history[-2:]] == [E.INTERCEPT_OK, E.RETURN]
    await record_report(tx, wms("return_received"), AT)
    assert s.status is S.RETURNED
    [restock] = [m for _, m in tx.published if isinstance(m, RestockReturned)]
    assert [(u.line_id, u.quantity) for u in restock.lines] == [("l-1", 2)]
    assert len(answers(tx)) == 1


async def test_a_late_success_from_who_does_not_hold_the_parcel_is_only_recorded(clock):
    tx = FakeTransaction()
    await given_up(tx, clock, S.IN_TRANSIT, S.IN_TRANSIT)
    assert await record_report(tx, wms("intercepted"), AT) is ReportResult.RECORDED
    s = tx.shipments.rows["shp-1"]
    assert (s.status, s.history[-1].applied) == (S.IN_TRANSIT, False)


async def test_a_late_failure_changes_nothing(clock):
    tx = FakeTransaction()
    await given_up(tx, clock, S.DISPATCHED, S.INTERCEPT_FAILED)
    assert await record_report(tx, wms("intercept_failed"), AT) is ReportResult.RECORDED
    assert tx.shipments.rows["shp-1"].status is S.INTERCEPT_FAILED


async def test_a_late_warehouse_interception_of_a_shipment_left_intercept_failed_goes_again(clock):
    tx = FakeTransaction()
    outside = await given_up(tx, clock, S.DISPATCHED, S.INTERCEPT_FAILED)
    assert await record_report(tx, wms("intercepted"), AT) is ReportResult.APPLIED
    assert await dispatch_due(tx, outside, clock, POLICY) == 1
    assert tx.shipments.rows["shp-1"].dispatch_numbers == ("shp-1-1", "shp-1-2")


async def test_a_success_with_no_stop_ever_given_up_is_only_recorded(clock):
    tx = await given(FakeTransaction(), shipment(S.PACKED, S.PACKED, lines=[O1]))
    assert await record_report(tx, wms("intercepted"), AT) is ReportResult.RECORDED
    assert tx.shipments.rows["shp-1"].status is S.PACKED


async def test_the_late_success_acts_once(clock):
    tx = FakeTransaction()
    await given_up(tx, clock, S.DISPATCHED, S.INTERCEPT_FAILED)
    await record_report(tx, wms("intercepted"), AT)
    s = tx.shipments.rows["shp-1"]
    assert not s.stop_given_up
    again = ProviderReport("wms", "evt-again", "intercepted", "shp-1", "shp-1-1", AT)
    assert await record_report(tx, again, AT) is ReportResult.RECORDED
    assert s.status is S.INTERCEPTED
