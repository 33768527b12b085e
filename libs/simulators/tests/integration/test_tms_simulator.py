"""The carrier simulator on a real port, reporting to a callback endpoint on another real port."""

import re

import httpx
import pytest
from simulator_calls import TMS_SECRET, WMS_SECRET, issued, waybill_body

from tradeflow_simulators.signing import SignatureRejected
from tradeflow_simulators.tms import TMS_SIGNATURE
from tradeflow_testing.polling import poll_until


async def deliveries(tms: httpx.AsyncClient, waybill: str) -> list[dict]:
    return (await tms.get("/sim/webhooks", params={"waybill": waybill})).json()["items"]


async def all_delivered(tms: httpx.AsyncClient, waybill: str, count: int) -> list[dict]:
    return await poll_until(lambda: deliveries(tms, waybill),
                            lambda items: len(items) == count and all(d["state"] == "delivered" for d in items),
                            10, f"{count} webhooks of {waybill} delivered")


async def test_refuses_provider_calls_without_the_api_key(tms_sim):
    response = await tms_sim.post("/tms/waybills", json=waybill_body("shp-key"), headers={"Authorization": "x"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


async def test_issues_a_waybill_per_shipment_and_the_same_request_again_gets_the_same_one(tms_sim):
    first = await issued(tms_sim, "shp-1")
    assert re.fullmatch(r"SF\d{12}", first)
    again = await tms_sim.post("/tms/waybills", json=waybill_body("shp-1"))
    assert again.status_code == 200 and again.json()["waybill"] == first
    other_carrier = await issued(tms_sim, "shp-1", carrier="YTO")
    assert other_carrier.startswith("YTO") and other_carrier != first
    changed = await tms_sim.post("/tms/waybills", json=waybill_body("shp-1", weight_grams=9000))
    assert changed.status_code == 409
    assert changed.json()["error"] | {"message": ""} == {"code": "shipment_has_waybill", "waybill": first,
                                                         "message": ""}
    tracked = (await tms_sim.get(f"/tms/waybills/{first}")).json()
    assert (tracked["status"], tracked["shipment_id"], tracked["weight_grams"]) == ("created", "shp-1", 1500)


async def test_reports_one_event_per_call_in_the_order_sent_signed_with_the_carrier_secret(tms_sim, receiver):
    waybill = await issued(tms_sim, "shp-2")
    for event in ("in_transit", "picked_up", "signed", "out_for_delivery"):
        answered = await tms_sim.post(f"/sim/waybills/{waybill}", json={"event": event})
        assert answered.status_code == 202, answered.text
    await all_delivered(tms_sim, waybill, 4)
    events = receiver.events(waybill=waybill)
    assert [e["type"] for e in events] == ["in_transit", "picked_up", "signed", "out_for_delivery"]
    assert all(e["carrier"] == "SF" and e["shipment_id"] == "shp-2" for e in events)
    assert events[2]["signed_at"] == events[2]["occurred_at"]
    tracked = (await tms_sim.get(f"/tms/waybills/{waybill}")).json()
    assert tracked["status"] == "signed" and tracked["signed_at"] == events[2]["signed_at"], "never moves back"
    for body, headers in receiver.received:
        TMS_SIGNATURE.verify(TMS_SECRET, headers, body)
        with pytest.raises(SignatureRejected):
            TMS_SIGNATURE.verify(WMS_SECRET, headers, body)


async def test_an_interception_after_signing_is_refused(tms_sim):
    waybill = await issued(tms_sim, "shp-3")
    await tms_sim.post(f"/sim/waybills/{waybill}", json={"event": "signed"})
    refused = await tms_sim.post(f"/tms/waybills/{waybill}/intercept")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "waybill_signed"


async def test_an_intercepted_parcel_goes_no_further_and_its_shipment_may_get_a_new_waybill(tms_sim, receiver):
    waybill = await issued(tms_sim, "shp-4")
    nobody_asked = await tms_sim.post(f"/sim/waybills/{waybill}", json={"event": "intercept_ok"})
    assert nobody_asked.status_code == 409 and nobody_asked.json()["error"]["code"] == "no_interception_requested"
    asked = await tms_sim.post(f"/tms/waybills/{waybill}/intercept")
    assert asked.status_code == 202 and asked.json()["interception"] == "requested"
    await tms_sim.post(f"/sim/waybills/{waybill}", json={"event": "intercept_fail"})
    await tms_sim.post(f"/tms/waybills/{waybill}/intercept")
    await tms_sim.post(f"/sim/waybills/{waybill}", json={"event": "intercept_ok"})
    await all_delivered(tms_sim, waybill, 2)
    assert [e["type"] for e in receiver.events(waybill=waybill)] == ["intercept_failed", "intercepted"]
    further = await tms_sim.post(f"/sim/waybills/{waybill}", json={"event": "in_transit"})
    assert further.status_code == 409 and further.json()["error"]["code"] == "waybill_intercepted"
    assert await issued(tms_sim, "shp-4") != waybill


async def test_duplicate_sends_the_webhook_twice_with_the_same_event(tms_sim, receiver):
    waybill = await issued(tms_sim, "shp-5")
    await tms_sim.post(f"/sim/waybills/{waybill}", json={"event": "picked_up", "duplicate": True})
    await all_delivered(tms_sim, waybill, 2)
    first, second = receiver.events(waybill=waybill)
    assert first == second and first["type"] == "picked_up"


async def test_auto_mode_moves_a_handed_over_parcel_to_signed_and_leaves_the_others_at_the_warehouse(
        tms_sim, receiver):
    moving, waiting = await issued(tms_sim, "shp-6"), await issued(tms_sim, "shp-7")
    handed = await tms_sim.post(f"/sim/waybills/{moving}/handover")
    assert handed.status_code == 202 and handed.json()["handed_over_at"]
    await tms_sim.post("/sim/mode", json={"auto": True, "step_seconds": 0.02})
    await all_delivered(tms_sim, moving, 4)
    await tms_sim.post("/sim/mode", json={"auto": False})
    assert [e["type"] for e in receiver.events(waybill=moving)] == ["picked_up", "in_transit", "out_for_delivery",
                                                                    "signed"]
    assert (await tms_sim.get(f"/tms/waybills/{moving}")).json()["status"] == "signed"
    assert (await tms_sim.get(f"/tms/waybills/{waiting}")).json()["status"] == "created"
    assert await deliveries(tms_sim, waiting) == []
