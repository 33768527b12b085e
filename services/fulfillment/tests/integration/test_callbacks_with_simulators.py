"""The warehouse's and the carrier's signed webhooks on PostgreSQL, sent by the real simulators:
picked, packed, shipped move the shipment and send inventory DeductStock once; the carrier takes
it to signed; duplicates and out-of-order reports change nothing wrong; anything not signed by
the provider is a 401, and a report the shipment cannot take yet is refused to come again."""

import json
import time
import uuid
from datetime import UTC, datetime

import pytest

from tradeflow_simulators.signing import SignatureScheme

from .conftest import goods
from .simulated import Stack, answers, simulated_stack  # noqa: F401 — the `stack` fixture

DEDUCT, CHANGED = "inventory.deduct-stock", "fulfillment.shipment-status-changed"


@pytest.fixture
async def dispatched(stack: Stack) -> dict:
    """o-1's shipment of 2 × a and 1 × b, dispatched: {id, dispatch_number, waybill}."""
    [shipment_id] = await stack.plan("o-1", ("m-1", [goods("a", 2), goods("b")]))
    await stack.dispatch()
    return await stack.shipment(shipment_id)


def reports(shipment: dict) -> list[tuple[str, str, bool]]:
    """(event, status after, applied) of the warehouse's and carrier's reports in its history."""
    return [(e["event"], e["status"], e["applied"]) for e in shipment["events"] if e["source"] in ("wms", "tms")]


async def ship(stack: Stack, shipment: dict, **how) -> list[dict]:
    """The warehouse ships it (control API); the webhooks it sent, once all are answered."""
    n = shipment["dispatch_number"]
    decided = await stack.wms.post(f"/sim/dispatches/{n}", json={"outcome": "ship"} | how)
    assert decided.status_code == 202, decided.text
    return await stack.delivered(stack.wms, dispatch_number=n)


async def carrier(stack: Stack, shipment: dict, *events: str, **how) -> list[dict]:
    for event in events:
        told = await stack.tms.post(f"/sim/waybills/{shipment['waybill']}", json={"event": event} | how)
        assert told.status_code == 202, told.text
    return await stack.delivered(stack.tms, waybill=shipment["waybill"])


async def test_picked_packed_shipped_move_it_and_inventory_is_told_to_deduct_once(stack: Stack, dispatched):
    assert answers(await ship(stack, dispatched)) == [("picked", 200), ("packed", 200), ("shipped", 200)]
    s = await stack.shipment(dispatched["id"])
    assert reports(s) == [("picked", "picked", True), ("packed", "packed", True), ("shipped", "shipped", True)]
    assert [p["to_status"] for _, p in await stack.messages(CHANGED)] == ["dispatched", "picked", "packed", "shipped"]
    [(key, deduct)] = await stack.messages(DEDUCT)
    assert (key, deduct["shipment_id"]) == (s["id"], s["id"])
    assert deduct["lines"] == [
        {"order_id": "o-1", "sub_order_id": "o-1-m-1", "line_id": "a", "sku": "SKU-a", "warehouse": "WH-1",
         "quantity": 2},
        {"order_id": "o-1", "sub_order_id": "o-1-m-1", "line_id": "b", "sku": "SKU-b", "warehouse": "WH-1",
         "quantity": 1}]


async def test_the_carrier_takes_it_from_picked_up_to_signed(stack: Stack, dispatched):
    await ship(stack, dispatched)
    delivered = await carrier(stack, dispatched, "picked_up", "in_transit", "out_for_delivery", "signed")
    assert {code for _, code in answers(delivered)} == {200}
    s = await stack.shipment(dispatched["id"])
    assert s["status"] == "signed"
    assert reports(s)[3:] == [("picked_up", "in_transit", True), ("in_transit", "in_transit", False),
                              ("out_for_delivery", "out_for_delivery", True), ("signed", "signed", True)]
    assert len(await stack.messages(DEDUCT)) == 1


async def test_in_auto_mode_the_warehouse_and_the_carrier_take_it_to_signed_by_themselves(stack: Stack):
    for sim in (stack.wms, stack.tms):
        assert (await sim.post("/sim/mode", json={"auto": True, "step_seconds": 0.05})).status_code == 200
    [shipment_id] = await stack.plan("o-1", ("m-1", [goods("a")]))
    await stack.dispatch()
    s = await stack.wait_status(shipment_id, "signed")
    # Each provider's reports come in its order, the two providers' not: the carrier's picked_up
    # may overtake the warehouse's shipped (then shipped is late, and stock leaves all the same).
    assert sorted(event for event, _, _ in reports(s)) == sorted(
        ["picked", "packed", "shipped", "picked_up", "in_transit", "out_for_delivery", "signed"])
    assert [e for e, _, applied in reports(s) if applied and e in ("picked_up", "out_for_delivery", "signed")] == [
        "picked_up", "out_for_delivery", "signed"]
    assert len(await stack.messages(DEDUCT)) == 1


async def test_duplicate_and_reversed_warehouse_reports_change_nothing_wrong(stack: Stack, dispatched):
    delivered = await ship(stack, dispatched, duplicate=True, out_of_order=True)
    assert answers(delivered) == [(kind, 200) for kind in ("shipped", "shipped", "packed", "packed", "picked",
                                                           "picked")]
    s = await stack.shipment(dispatched["id"])
    assert (s["status"], reports(s)) == ("shipped", [("shipped", "shipped", True), ("packed", "shipped", False),
                                                     ("picked", "shipped", False)])
    assert len(await stack.messages(DEDUCT)) == 1
    assert [p["to_status"] for _, p in await stack.messages(CHANGED)] == ["dispatched", "shipped"]


async def test_a_late_or_repeated_carrier_report_after_signed_is_recorded_not_applied(stack: Stack, dispatched):
    await ship(stack, dispatched)
    await carrier(stack, dispatched, "signed", "in_transit")
    await carrier(stack, dispatched, "signed", duplicate=True)
    s = await stack.shipment(dispatched["id"])
    assert (s["status"], reports(s)[3:]) == ("signed", [("signed", "signed", True), ("in_transit", "signed", False),
                                                        ("signed", "signed", False)])  # a 2nd event, not the same one
    assert [p["to_status"] for _, p in await stack.messages(CHANGED)][-1:] == ["signed"]


def signed(body: dict, secret: str = "wms-dev-webhook-secret", at: float | None = None,
           provider: str = "WMS") -> tuple[bytes, dict]:
    raw = json.dumps(body).encode()
    return raw, SignatureScheme(provider).headers(secret, int(time.time() if at is None else at), raw)


def warehouse_event(shipment: dict, kind: str = "picked", **fields) -> dict:
    return {"event_id": f"evt_{uuid.uuid4().hex}", "type": kind, "dispatch_number": shipment["dispatch_number"],
            "shipment_id": shipment["id"], "warehouse": "WH-1", "occurred_at": datetime.now(UTC).isoformat()} | fields


@pytest.mark.parametrize(("secret", "at", "provider"), [
    ("not-the-secret", None, "WMS"), ("wms-dev-webhook-secret", time.time() - 301, "WMS"),
    ("wms-dev-webhook-secret", None, "TMS")], ids=["wrong secret", "stale", "unsigned for the warehouse"])
async def test_a_callback_not_signed_by_the_warehouse_is_a_401_and_changes_nothing(stack: Stack, dispatched, secret,
                                                                                   at, provider):
    raw, headers = signed(warehouse_event(dispatched), secret, at, provider)
    response = await stack.http.post("/fulfillment/wms/callbacks", content=raw, headers=headers)
    assert (response.status_code, response.headers["content-type"]) == (401, "application/problem+json")
    assert response.json()["type"].endswith("/invalid-callback-signature")
    assert (await stack.shipment(dispatched["id"]))["status"] == "dispatched"


async def test_the_carriers_callbacks_need_the_carriers_signature(stack: Stack, dispatched):
    body = {"event_id": "evt_1", "type": "signed", "waybill": dispatched["waybill"], "shipment_id": dispatched["id"],
            "carrier": "SF", "occurred_at": datetime.now(UTC).isoformat()}
    raw, headers = signed(body)  # the warehouse's secret and headers
    assert (await stack.http.post("/fulfillment/tms/callbacks", content=raw, headers=headers)).status_code == 401
    raw, headers = signed(body, "tms-dev-webhook-secret", provider="TMS")
    answer = await stack.http.post("/fulfillment/tms/callbacks", content=raw, headers=headers)
    assert (answer.status_code, answer.json()) == (200, {"event_id": "evt_1", "result": "applied"})


async def test_a_report_before_the_shipment_is_dispatched_is_refused_and_taken_when_sent_again(stack: Stack):
    [shipment_id] = await stack.plan("o-1", ("m-1", [goods("a")]))
    early = warehouse_event({"id": shipment_id, "dispatch_number": f"{shipment_id}-1"})
    raw, headers = signed(early)
    refused = await stack.http.post("/fulfillment/wms/callbacks", content=raw, headers=headers)
    assert (refused.status_code, refused.json()["type"].rsplit("/", 1)[1]) == (409, "not-dispatched-yet")
    await stack.dispatch()
    raw, headers = signed(early)  # the warehouse retries the same event
    answer = await stack.http.post("/fulfillment/wms/callbacks", content=raw, headers=headers)
    assert answer.json() == {"event_id": early["event_id"], "result": "applied"}


async def test_unknown_shipments_and_unreadable_events_are_refused(stack: Stack, dispatched):
    raw, headers = signed(warehouse_event(dispatched, shipment_id="shp-x"))
    unknown = await stack.http.post("/fulfillment/wms/callbacks", content=raw, headers=headers)
    raw, headers = signed(warehouse_event(dispatched, kind="teleported"))
    odd = await stack.http.post("/fulfillment/wms/callbacks", content=raw, headers=headers)
    assert (unknown.status_code, odd.status_code, odd.json()["errors"][0]["field"]) == (404, 422, "type")
