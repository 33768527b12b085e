"""The warehouse simulator's returns desk on a real port: an after-sales case's return parcel is
registered (again: gains its waybill, else changes nothing), received and inspected by the control
API or by auto mode, each reported once by signed webhook; its book and unsent webhooks survive a
restart."""

import httpx
from simulator_calls import API_KEY, FAST_RETRIES, WMS_SECRET, client

from tradeflow_simulators import wms
from tradeflow_simulators.serving import RestartableServer
from tradeflow_simulators.wms import WMS_SIGNATURE
from tradeflow_testing.polling import poll_until

LINES = [{"line_id": "l1", "sku": "SKU-A", "quantity": 1}]


def return_body(case_id: str, **changes) -> dict:
    return {"case_id": case_id, "order_id": f"o-{case_id}", "warehouse": "WH-1", "lines": LINES} | changes


async def _delivered(sim: httpx.AsyncClient, case_id: str, count: int) -> list[dict]:
    async def items() -> list[dict]:
        return (await sim.get("/sim/webhooks", params={"case_id": case_id})).json()["items"]
    return await poll_until(items, lambda found: len(found) == count and all(d["state"] == "delivered" for d in found),
                            10, f"{count} webhooks of case {case_id} delivered")


async def test_registers_a_return_once_and_a_repeat_only_adds_the_waybill(wms_sim):
    first = await wms_sim.post("/wms/returns", json=return_body("c-1"))
    assert first.status_code == 201 and first.json()["status"] == "expected" and first.json()["waybill"] is None
    same = await wms_sim.post("/wms/returns", json=return_body("c-1"))
    assert (same.status_code, same.json()["registration"]) == (200, "unchanged")
    waybill = await wms_sim.post("/wms/returns", json=return_body("c-1", carrier="SF", waybill="SF-R1"))
    assert (waybill.status_code, waybill.json()["registration"], waybill.json()["waybill"]) == (200, "updated", "SF-R1")
    other = await wms_sim.post("/wms/returns", json=return_body("c-1", lines=[LINES[0] | {"quantity": 2}]))
    assert other.status_code == 409 and other.json()["error"]["code"] == "return_conflict"
    assert (await wms_sim.get("/wms/returns/c-1")).json()["waybill"] == "SF-R1"
    no_key = await wms_sim.post("/wms/returns", json=return_body("c-2"), headers={"Authorization": "Bearer x"})
    assert no_key.status_code == 401


async def test_inspection_before_receipt_reports_both_in_order_signed_and_inspecting_again_is_refused(
        wms_sim, receiver):
    await wms_sim.post("/wms/returns", json=return_body("c-3"))
    decided = await wms_sim.post("/sim/case-returns/c-3", json={"outcome": "inspect_fail", "note": "scratched"})
    assert decided.status_code == 202 and decided.json()["status"] == "inspected_failed"
    await _delivered(wms_sim, "c-3", 2)
    events = receiver.events(case_id="c-3")
    assert [e["type"] for e in events] == ["case_return_received", "case_return_inspected"]
    assert (events[1]["outcome"], events[1]["note"], events[1]["lines"]) == ("failed", "scratched", LINES)
    body, headers = receiver.received[-1]
    WMS_SIGNATURE.verify(WMS_SECRET, headers, body)  # raises if not signed with the webhook secret
    again = await wms_sim.post("/sim/case-returns/c-3", json={"outcome": "inspect_ok"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "return_inspected"
    unknown = await wms_sim.post("/sim/case-returns/c-none", json={"outcome": "receive"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "return_not_found"


async def test_auto_mode_receives_and_inspects_ok_a_return_once_it_has_its_waybill(wms_sim, receiver):
    await wms_sim.post("/sim/mode", json={"auto": True, "step_seconds": 0.05})
    await wms_sim.post("/wms/returns", json=return_body("c-4"))
    await wms_sim.post("/wms/returns", json=return_body("c-5", waybill="SF-R5"))
    await _delivered(wms_sim, "c-5", 2)
    assert (await wms_sim.get("/wms/returns/c-5")).json()["status"] == "inspected_ok"
    assert (await wms_sim.get("/wms/returns/c-4")).json()["status"] == "expected", "no waybill: nothing comes yet"
    assert [e["outcome"] for e in receiver.events(case_id="c-5", type="case_return_inspected")] == ["ok"]


async def test_a_restarted_warehouse_knows_its_returns_and_delivers_their_unsent_webhooks(receiver, tmp_path):
    settings = wms.WmsSimSettings(api_key=API_KEY, webhook_secret=WMS_SECRET, callback_url=receiver.url,
                                  data_file=str(tmp_path / "wms.db"), **FAST_RETRIES)
    receiver.failures = 10**9
    server = RestartableServer(lambda: wms.create_app(settings))
    try:
        async with client(server.url) as sim:
            await server.start()
            await sim.post("/wms/returns", json=return_body("c-6", waybill="SF-R6"))
            await sim.post("/sim/case-returns/c-6", json={"outcome": "receive"})
            await server.stop()
            receiver.failures = 0
            await server.start()
            held = (await sim.get("/wms/returns/c-6")).json()
            assert (held["status"], held["waybill"]) == ("received", "SF-R6")
            [delivered] = await _delivered(sim, "c-6", 1)
    finally:
        await server.stop()
    assert [e["event_id"] for e in receiver.events(case_id="c-6")] == [delivered["event_id"]]


async def test_a_cancelled_return_is_no_longer_expected_and_a_parcel_that_comes_anyway_is_held(wms_sim, receiver):
    await wms_sim.post("/wms/returns", json=return_body("c-7", waybill="SF-R7"))
    cancelled = await wms_sim.post("/wms/returns/c-7/cancel", json={"send_back": False})
    assert cancelled.status_code == 200 and (cancelled.json()["status"], cancelled.json()["cancellation"]) == (
        "cancelled", "cancelled")
    again = await wms_sim.post("/wms/returns/c-7/cancel", json={"send_back": True})
    assert (again.json()["status"], again.json()["cancellation"], again.json()["send_back"]) == (
        "cancelled", "unchanged", False)
    registered = await wms_sim.post("/wms/returns", json=return_body("c-7", waybill="SF-R7b"))
    assert registered.status_code == 409 and registered.json()["error"]["code"] == "return_cancelled"
    await wms_sim.post("/sim/mode", json={"auto": True, "step_seconds": 0.05})
    await wms_sim.post("/wms/returns", json=return_body("c-8", waybill="SF-R8"))
    await _delivered(wms_sim, "c-8", 2)  # auto mode went on with the others, not the cancelled one
    assert (await wms_sim.get("/wms/returns/c-7")).json()["status"] == "cancelled"
    assert receiver.events(case_id="c-7") == []
    arrived = await wms_sim.post("/sim/case-returns/c-7", json={"outcome": "receive"})
    assert arrived.status_code == 202 and arrived.json()["status"] == "held"
    await _delivered(wms_sim, "c-7", 1)
    [event] = receiver.events(case_id="c-7")
    assert (event["type"], event["held"]) == ("case_return_received", True)
    inspected = await wms_sim.post("/sim/case-returns/c-7", json={"outcome": "inspect_ok"})
    assert inspected.status_code == 409 and inspected.json()["error"]["code"] == "return_cancelled"
    no_key = await wms_sim.post("/wms/returns/c-7/cancel", json={}, headers={"Authorization": "Bearer x"})
    unknown = await wms_sim.post("/wms/returns/c-none/cancel", json={})
    assert (no_key.status_code, unknown.status_code, unknown.json()["error"]["code"]) == (
        401, 404, "return_not_found")


async def test_a_received_parcel_is_sent_back_or_held_as_the_cancel_asks_and_one_inspected_ok_stays(
        wms_sim, receiver):
    for case_id in ("c-9", "c-10", "c-11"):
        await wms_sim.post("/wms/returns", json=return_body(case_id, waybill=f"SF-{case_id}"))
    await wms_sim.post("/sim/case-returns/c-9", json={"outcome": "inspect_fail", "note": "used"})
    await wms_sim.post("/sim/case-returns/c-10", json={"outcome": "receive"})
    await wms_sim.post("/sim/case-returns/c-11", json={"outcome": "inspect_ok"})
    answers = {c: (await wms_sim.post(f"/wms/returns/{c}/cancel", json={"send_back": True})).json()
               for c in ("c-9", "c-11")}
    answers["c-10"] = (await wms_sim.post("/wms/returns/c-10/cancel", json={"send_back": False})).json()
    assert {c: (a["status"], a["cancellation"]) for c, a in answers.items()} == {
        "c-9": ("sent_back", "sent_back"), "c-10": ("held", "held"), "c-11": ("inspected_ok", "nothing_to_do")}
    await _delivered(wms_sim, "c-9", 3)
    assert [e["type"] for e in receiver.events(case_id="c-9")] == [
        "case_return_received", "case_return_inspected", "case_return_sent_back"]
    assert [e["type"] for e in receiver.events(case_id="c-10")] == ["case_return_received"]
    assert (await wms_sim.get("/wms/returns/c-9")).json()["send_back"] is True
