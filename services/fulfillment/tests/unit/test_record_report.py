"""The warehouse's and the carrier's reports on in-memory ports: applied and announced once per
event, late or foreign ones recorded only, the goods' leaving announced to inventory once, and
reports the shipment cannot take yet refused (so that they are sent again)."""

from datetime import timedelta

import pytest

from tradeflow_contracts.fulfillment import ShipmentStatusChanged
from tradeflow_contracts.inventory import DeductStock, ShipmentUnits
from tradeflow_fulfillment.app.record_report import (
    CARRIER_EVENTS,
    WAREHOUSE_EVENTS,
    ProviderReport,
    ReportResult,
    record_report,
)
from tradeflow_fulfillment.domain.errors import NotDispatchedYet, ShipmentNotFound
from tradeflow_fulfillment.domain.model import ShipmentLine
from tradeflow_fulfillment.domain.transitions import REPORTS, ShipmentEvent, ShipmentStatus

from .builders import AT, shipment
from .fakes import FakeTransaction

S, E = ShipmentStatus, ShipmentEvent
LINES = [ShipmentLine("l-1", "o-1", "o-1-s1", "m-1", "SKU-A", 2, 2000, 500, 1000),
         ShipmentLine("l-9", "o-2", "o-2-s1", "m-2", "SKU-B", 1, 1000, 500, 1000)]


@pytest.fixture
async def tx() -> FakeTransaction:
    """shp-1 (o-1 and o-2) dispatched under shp-1-1 with waybill WB-1."""
    tx = FakeTransaction()
    await tx.shipments.add(shipment(S.DISPATCHED, S.DISPATCHED, lines=LINES))
    return tx


def wms(type_: str, event_id: str | None = None, dispatch_number: str = "shp-1-1", shipment_id: str = "shp-1"):
    return ProviderReport("wms", event_id or f"evt-{type_}", type_, shipment_id, dispatch_number, AT)


def tms(type_: str, event_id: str | None = None, waybill: str = "WB-1"):
    return ProviderReport("tms", event_id or f"evt-{type_}", type_, "shp-1", waybill, AT + timedelta(hours=1))


async def record(tx, *reports) -> list[ReportResult]:
    return [await record_report(tx, r, AT) for r in reports]


def published(tx, kind) -> list:
    return [(key, m) for key, m in tx.published if isinstance(m, kind)]


def test_every_provider_event_names_a_report_or_an_interception_answer():
    answers = {E.INTERCEPT_OK, E.INTERCEPT_FAIL}
    assert set(WAREHOUSE_EVENTS.values()) == {E.PICKED, E.PACKED, E.SHIPPED, E.RETURN_RECEIVED} | answers
    assert set(CARRIER_EVENTS.values()) == set(REPORTS) - {E.PICKED, E.PACKED, E.SHIPPED} | answers


async def test_a_report_moves_the_shipment_and_is_announced_to_each_order(tx):
    assert await record(tx, wms("picked")) == [ReportResult.APPLIED]
    assert tx.shipments.rows["shp-1"].status is S.PICKED
    assert [(key, m.from_status, m.to_status, m.source, m.at) for key, m in published(tx, ShipmentStatusChanged)] == [
        ("o-1", "dispatched", "picked", "wms", AT), ("o-2", "dispatched", "picked", "wms", AT)]


async def test_the_same_event_again_is_a_duplicate_and_changes_nothing(tx):
    await record(tx, wms("picked"))
    before = (len(tx.published), len(tx.shipments.rows["shp-1"].history))
    assert await record(tx, wms("picked")) == [ReportResult.DUPLICATE]
    assert (len(tx.published), len(tx.shipments.rows["shp-1"].history)) == before


async def test_shipped_sends_inventory_the_shipments_units_once(tx):
    results = await record(tx, wms("shipped"), wms("packed"), tms("picked_up"), tms("signed"))
    assert results == [ReportResult.APPLIED, ReportResult.RECORDED, ReportResult.APPLIED, ReportResult.APPLIED]
    [(key, deduct)] = published(tx, DeductStock)
    assert key == "shp-1" and deduct == DeductStock(shipment_id="shp-1", lines=[
        ShipmentUnits(order_id="o-1", sub_order_id="o-1-s1", line_id="l-1", sku="SKU-A", warehouse="WH-1",
                      quantity=2),
        ShipmentUnits(order_id="o-2", sub_order_id="o-2-s1", line_id="l-9", sku="SKU-B", warehouse="WH-1",
                      quantity=1)])
    assert tx.shipments.rows["shp-1"].status is S.SIGNED


async def test_stock_leaves_even_when_the_carrier_reports_before_the_warehouse_said_shipped(tx):
    await record(tx, tms("in_transit"), wms("shipped"))
    assert len(published(tx, DeductStock)) == 1


async def test_out_of_order_reports_are_recorded_not_applied(tx):
    assert await record(tx, tms("signed"), tms("in_transit"), tms("out_for_delivery")) == [
        ReportResult.APPLIED, ReportResult.RECORDED, ReportResult.RECORDED]
    s = tx.shipments.rows["shp-1"]
    assert s.status is S.SIGNED and [h.applied for h in s.history] == [True, False, False]
    assert [m.to_status for _, m in published(tx, ShipmentStatusChanged)] == ["signed", "signed"]  # o-1, o-2


async def test_a_report_about_a_former_waybill_is_recorded_not_applied(tx):
    assert await record(tx, tms("signed", waybill="WB-0")) == [ReportResult.RECORDED]
    assert tx.shipments.rows["shp-1"].status is S.DISPATCHED and published(tx, ShipmentStatusChanged) == []


async def test_a_report_on_an_unknown_or_not_yet_dispatched_shipment_is_refused(tx):
    with pytest.raises(ShipmentNotFound):
        await record(tx, wms("picked", shipment_id="shp-x"))
    await tx.shipments.add(shipment(id="shp-2"))
    with pytest.raises(NotDispatchedYet):
        await record(tx, wms("picked", "evt-2", dispatch_number="shp-2-1", shipment_id="shp-2"))
