"""The warehouse simulator on a real port, reporting to a callback endpoint on another real port."""

import httpx
import pytest
from simulator_calls import WMS_SECRET, dispatch_body

from tradeflow_simulators.signing import SignatureRejected
from tradeflow_simulators.wms import WMS_SIGNATURE
from tradeflow_testing.polling import poll_until


async def accepted(wms: httpx.AsyncClient, number: str) -> dict:
    response = await wms.post("/wms/dispatches", json=dispatch_body(number))
    assert response.status_code == 201, response.text
    return response.json()


async def deliveries(wms: httpx.AsyncClient, number: str) -> list[dict]:
    return (await wms.get("/sim/webhooks", params={"dispatch_number": number})).json()["items"]


async def all_delivered(wms: httpx.AsyncClient, number: str, count: int) -> list[dict]:
    return await poll_until(lambda: deliveries(wms, number),
                            lambda items: len(items) == count and all(d["state"] == "delivered" for d in items),
                            10, f"{count} webhooks of {number} delivered")


async def test_refuses_provider_calls_without_the_api_key(wms_sim):
    response = await wms_sim.post("/wms/dispatches", json=dispatch_body("D-KEY"),
                                  headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


async def test_accepts_a_dispatch_and_tells_its_status(wms_sim):
    assert (await accepted(wms_sim, "D-1"))["status"] == "accepted"
    status = (await wms_sim.get("/wms/dispatches/D-1")).json()
    assert status["status"] == "accepted" and status["interception"] == "none" and status["waybill"] == "SF-D-1"
    assert status["lines"] == dispatch_body("D-1")["lines"]
    unknown = await wms_sim.get("/wms/dispatches/D-NONE")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "dispatch_not_found"


async def test_refuses_a_dispatch_number_it_took_before_even_with_the_same_body(wms_sim):
    await accepted(wms_sim, "D-2")
    again = await wms_sim.post("/wms/dispatches", json=dispatch_body("D-2"))
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "duplicate_dispatch_number" and error["dispatch_number"] == "D-2"
    assert "once" in error["message"] and error["dispatch_status"] == "accepted"


async def test_names_each_invalid_field(wms_sim):
    body = dispatch_body("D-BAD", lines=[{"line_id": "l1", "sku": "A", "quantity": 0}], color="red")
    response = await wms_sim.post("/wms/dispatches", json=body)
    assert response.status_code == 422
    assert {f["field"] for f in response.json()["error"]["fields"]} == {"lines.0.quantity", "color"}
    twice = dispatch_body("D-BAD", lines=[{"line_id": "l1", "sku": "A", "quantity": 1}] * 2)
    assert (await wms_sim.post("/wms/dispatches", json=twice)).status_code == 422


async def test_ship_reports_picked_packed_shipped_in_order_signed_with_the_warehouse_secret(wms_sim, receiver):
    await accepted(wms_sim, "D-3")
    decided = await wms_sim.post("/sim/dispatches/D-3", json={"outcome": "ship"})
    assert decided.status_code == 202 and decided.json()["status"] == "shipped"
    await all_delivered(wms_sim, "D-3", 3)
    events = receiver.events(dispatch_number="D-3")
    assert [e["type"] for e in events] == ["picked", "packed", "shipped"]
    assert all(e["shipment_id"] == "shp-D-3" and e["event_id"].startswith("evt_") for e in events)
    assert events[0]["occurred_at"] < events[1]["occurred_at"] < events[2]["occurred_at"]
    shipped = events[2]
    assert shipped["shipped_at"] == shipped["occurred_at"] and shipped["waybill"] == "SF-D-3"
    assert shipped["lines"] == dispatch_body("D-3")["lines"]
    for body, headers in receiver.received:
        WMS_SIGNATURE.verify(WMS_SECRET, headers, body)
        with pytest.raises(SignatureRejected):
            WMS_SIGNATURE.verify("another-secret", headers, body)
    assert (await wms_sim.get("/wms/dispatches/D-3")).json()["shipped_at"] == shipped["shipped_at"]


async def test_an_interception_after_shipping_is_refused(wms_sim):
    await accepted(wms_sim, "D-4")
    await wms_sim.post("/sim/dispatches/D-4", json={"outcome": "ship"})
    refused = await wms_sim.post("/wms/dispatches/D-4/intercept")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "dispatch_already_shipped"
    again = await wms_sim.post("/sim/dispatches/D-4", json={"outcome": "ship"})
    assert again.status_code == 409


async def test_an_interception_is_answered_later_by_webhook_and_the_dispatch_ships_no_more(wms_sim, receiver):
    await accepted(wms_sim, "D-5")
    asked = await wms_sim.post("/wms/dispatches/D-5/intercept")
    assert asked.status_code == 202 and asked.json()["interception"] == "requested"
    assert await deliveries(wms_sim, "D-5") == [], "the answer is not in the reply"
    await wms_sim.post("/sim/dispatches/D-5", json={"outcome": "intercept_ok"})
    await all_delivered(wms_sim, "D-5", 1)
    assert [e["type"] for e in receiver.events(dispatch_number="D-5")] == ["intercepted"]
    status = (await wms_sim.get("/wms/dispatches/D-5")).json()
    assert (status["status"], status["interception"]) == ("intercepted", "succeeded")
    shipping = await wms_sim.post("/sim/dispatches/D-5", json={"outcome": "ship"})
    assert shipping.status_code == 409 and shipping.json()["error"]["code"] == "dispatch_intercepted"


async def test_a_failed_interception_is_reported_and_the_dispatch_still_ships(wms_sim, receiver):
    await accepted(wms_sim, "D-6")
    nobody_asked = await wms_sim.post("/sim/dispatches/D-6", json={"outcome": "intercept_ok"})
    assert nobody_asked.status_code == 409 and nobody_asked.json()["error"]["code"] == "no_interception_requested"
    await wms_sim.post("/wms/dispatches/D-6/intercept")
    failed = await wms_sim.post("/sim/dispatches/D-6", json={"outcome": "intercept_fail"})
    assert failed.json()["interception"] == "failed"
    await wms_sim.post("/sim/dispatches/D-6", json={"outcome": "ship"})
    await all_delivered(wms_sim, "D-6", 4)
    assert [e["type"] for e in receiver.events(dispatch_number="D-6")] == ["intercept_failed", "picked", "packed",
                                                                           "shipped"]


async def test_retries_a_webhook_until_the_receiver_answers_2xx_and_the_next_waits_for_it(wms_sim, receiver):
    receiver.failures = 2
    await accepted(wms_sim, "D-7")
    await wms_sim.post("/sim/dispatches/D-7", json={"outcome": "ship"})
    picked, packed, shipped = await all_delivered(wms_sim, "D-7", 3)
    assert [a["status_code"] for a in picked["attempts"]] == [503, 503, 200]
    assert [a["status_code"] for a in packed["attempts"]] == [200]
    assert [e["type"] for e in receiver.events()] == ["picked", "packed", "shipped"]
    assert picked["headers"]["X-WMS-Signature"] and shipped["next_attempt_at"] is None


async def test_duplicate_sends_every_webhook_twice_with_the_same_event(wms_sim, receiver):
    await accepted(wms_sim, "D-8")
    await wms_sim.post("/sim/dispatches/D-8", json={"outcome": "ship", "duplicate": True})
    await all_delivered(wms_sim, "D-8", 6)
    events = receiver.events(dispatch_number="D-8")
    assert [e["type"] for e in events] == ["picked", "picked", "packed", "packed", "shipped", "shipped"]
    assert events[0] == events[1] and events[4]["event_id"] == events[5]["event_id"]
    assert len({e["event_id"] for e in events}) == 3


async def test_out_of_order_sends_them_reversed(wms_sim, receiver):
    await accepted(wms_sim, "D-9")
    await wms_sim.post("/sim/dispatches/D-9", json={"outcome": "ship", "out_of_order": True})
    await all_delivered(wms_sim, "D-9", 3)
    events = receiver.events(dispatch_number="D-9")
    assert [e["type"] for e in events] == ["shipped", "packed", "picked"]
    assert events[0]["occurred_at"] > events[2]["occurred_at"], "occurred_at still tells the real order"


async def test_auto_mode_ships_every_accepted_dispatch_by_itself_but_not_an_ignored_one(wms_sim, receiver):
    await accepted(wms_sim, "D-IGN")
    await wms_sim.post("/wms/dispatches/D-IGN/intercept")
    ignored = await wms_sim.post("/sim/dispatches/D-IGN", json={"outcome": "ignore"})
    assert ignored.status_code == 202 and ignored.json()["webhooks"] == []
    await accepted(wms_sim, "D-AUTO")
    mode = await wms_sim.post("/sim/mode", json={"auto": True, "step_seconds": 0.02})
    assert mode.json() == {"auto": True, "step_seconds": 0.02}
    await all_delivered(wms_sim, "D-AUTO", 3)
    await wms_sim.post("/sim/mode", json={"auto": False})
    assert [e["type"] for e in receiver.events(dispatch_number="D-AUTO")] == ["picked", "packed", "shipped"]
    assert (await wms_sim.get("/wms/dispatches/D-AUTO")).json()["status"] == "shipped"
    assert await deliveries(wms_sim, "D-IGN") == [], "an ignored dispatch is never reported on"
    assert (await wms_sim.get("/wms/dispatches/D-IGN")).json()["interception"] == "requested"
    assert (await wms_sim.get("/sim/mode")).json()["auto"] is False


async def test_auto_mode_intercepts_a_dispatch_asked_before_it_shipped(wms_sim, receiver):
    await accepted(wms_sim, "D-STOP")
    await wms_sim.post("/wms/dispatches/D-STOP/intercept")
    await wms_sim.post("/sim/mode", json={"auto": True, "step_seconds": 0.02})
    await all_delivered(wms_sim, "D-STOP", 1)
    await wms_sim.post("/sim/mode", json={"auto": False})
    assert [e["type"] for e in receiver.events(dispatch_number="D-STOP")] == ["intercepted"]
