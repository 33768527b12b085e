"""The warehouse and carrier simulators keep their books and their unsent webhooks and hand-offs in
SQLite: one stopped and started again on its port (a `RestartableServer`) still knows every
dispatch and waybill and delivers what it had not, under the same event ids; a hand-over the
carrier missed while down is retried until it takes it; and in auto mode a parcel the carrier
stopped after the hand-over comes back to its warehouse."""

import json
from contextlib import asynccontextmanager

import httpx
from simulator_calls import API_KEY, FAST_RETRIES, client, dispatch_body, issued, waybill_body

from tradeflow_simulators import tms, wms
from tradeflow_simulators.serving import RestartableServer, bound_socket, serving, url_of
from tradeflow_testing.polling import poll_until

FAILING = 10**9  # the receiver answers 503 to its first FAILING calls: always, until set to 0
AUTO = {"auto": True, "step_seconds": 0.05}


async def _items(sim: httpx.AsyncClient, path: str = "/sim/webhooks", **subject) -> list[dict]:
    return (await sim.get(path, params=subject)).json()["items"]


async def _tried(sim: httpx.AsyncClient, count: int, path: str = "/sim/webhooks", **subject) -> list[dict]:
    """The deliveries once there are `count`, the first of them attempted (and failed) at least once."""
    return await poll_until(lambda: _items(sim, path, **subject),
                            lambda items: len(items) == count and len(items[0]["attempts"]) >= 1, 10,
                            f"{count} deliveries about {subject}, the first attempted")


async def _delivered(sim: httpx.AsyncClient, count: int, path: str = "/sim/webhooks", **subject) -> list[dict]:
    return await poll_until(lambda: _items(sim, path, **subject),
                            lambda items: len(items) == count and all(d["state"] == "delivered" for d in items), 10,
                            f"{count} deliveries about {subject} delivered")


@asynccontextmanager
async def _restartable(make_app):
    server = RestartableServer(make_app)
    try:
        yield server
    finally:
        await server.stop()


async def test_a_restarted_warehouse_knows_its_dispatches_and_delivers_the_webhooks_it_had_not_sent(
        receiver, tmp_path):
    settings = wms.WmsSimSettings(api_key=API_KEY, callback_url=receiver.url, data_file=str(tmp_path / "wms.db"),
                                  **FAST_RETRIES)
    receiver.failures = FAILING
    async with _restartable(lambda: wms.create_app(settings)) as server, client(server.url) as sim:
        await server.start()
        assert (await sim.post("/wms/dispatches", json=dispatch_body("D-R1"))).status_code == 201
        assert (await sim.post("/wms/dispatches", json=dispatch_body("D-R2"))).status_code == 201
        await sim.post("/wms/dispatches/D-R2/intercept")
        await sim.post("/sim/dispatches/D-R1", json={"outcome": "ship"})
        before = await _tried(sim, 3, dispatch_number="D-R1")
        await server.stop()

        receiver.failures = 0
        await server.start()
        shipped, asked = (await sim.get("/wms/dispatches/D-R1")).json(), (await sim.get("/wms/dispatches/D-R2")).json()
        assert (shipped["status"], shipped["shipped_at"] is not None) == ("shipped", True)
        assert (asked["status"], asked["interception"]) == ("accepted", "requested")
        again = await sim.post("/wms/dispatches", json=dispatch_body("D-R1"))
        assert again.status_code == 409 and again.json()["error"]["dispatch_status"] == "shipped"
        after = await _delivered(sim, 3, dispatch_number="D-R1")
    assert [d["event_id"] for d in after] == [d["event_id"] for d in before]
    assert len(after[0]["attempts"]) > len(before[0]["attempts"]), "tried before the restart and after"
    events = receiver.events(dispatch_number="D-R1")
    assert [(e["type"], e["event_id"]) for e in events] == [(d["type"], d["event_id"]) for d in before]


async def test_a_restarted_carrier_knows_its_waybills_and_delivers_the_webhooks_it_had_not_sent(receiver, tmp_path):
    settings = tms.TmsSimSettings(api_key=API_KEY, callback_url=receiver.url, data_file=str(tmp_path / "tms.db"),
                                  **FAST_RETRIES)
    receiver.failures = FAILING
    async with _restartable(lambda: tms.create_app(settings)) as server, client(server.url) as sim:
        await server.start()
        waybill = await issued(sim, "shp-R1")
        await sim.post(f"/sim/waybills/{waybill}/handover")
        await sim.post(f"/sim/waybills/{waybill}", json={"event": "picked_up"})
        [before] = await _tried(sim, 1, waybill=waybill)
        await server.stop()

        receiver.failures = 0
        await server.start()
        tracked = (await sim.get(f"/tms/waybills/{waybill}")).json()
        assert (tracked["status"], tracked["handed_over_at"] is not None) == ("picked_up", True)
        same = await sim.post("/tms/waybills", json=waybill_body("shp-R1"))
        assert (same.status_code, same.json()["waybill"]) == (200, waybill), "no second parcel after a restart"
        [after] = await _delivered(sim, 1, waybill=waybill)
    assert after["event_id"] == before["event_id"]
    assert [e["event_id"] for e in receiver.events(waybill=waybill)] == [before["event_id"]]


async def test_a_hand_over_while_the_carrier_is_down_is_retried_until_the_carrier_takes_the_parcel(
        receiver, tmp_path):
    carrier_settings = tms.TmsSimSettings(api_key=API_KEY, callback_url=receiver.url, **FAST_RETRIES, **AUTO,
                                          data_file=str(tmp_path / "tms.db"))
    async with _restartable(lambda: tms.create_app(carrier_settings)) as carrier, client(carrier.url) as tms_sim:
        await carrier.start()
        waybill = await issued(tms_sim, "shp-H1")
        await carrier.stop()  # the carrier is down when the parcel ships
        warehouse_settings = wms.WmsSimSettings(api_key=API_KEY, callback_url=receiver.url, carrier_url=carrier.url,
                                                **FAST_RETRIES)
        async with serving(wms.create_app(warehouse_settings)) as url, client(url) as wms_sim:
            await wms_sim.post("/wms/dispatches", json=dispatch_body("D-H1", waybill=waybill))
            await wms_sim.post("/sim/dispatches/D-H1", json={"outcome": "ship"})
            [failed] = await poll_until(lambda: _items(wms_sim, "/sim/handoffs", waybill=waybill),
                                        lambda items: items and len(items[0]["attempts"]) >= 2, 10,
                                        "two failed hand-overs")
            assert failed["state"] == "pending" and failed["attempts"][0]["status_code"] is None
            await carrier.start()
            [handed] = await _delivered(wms_sim, 1, "/sim/handoffs", waybill=waybill)
            await _heard(receiver, "tms", "signed", waybill=waybill)  # carried to the receiver in auto mode
    assert (handed["type"], handed["url"]) == ("handover", f"{carrier.url}/sim/waybills/{waybill}/handover")
    assert _kinds(receiver, "tms", waybill=waybill) == ["picked_up", "in_transit", "out_for_delivery", "signed"]


@asynccontextmanager
async def _warehouse_and_carrier(receiver):
    """The warehouse in auto mode handing its parcels to the carrier, the carrier in manual mode
    telling the warehouse of the parcels it brings back: (warehouse, carrier, the warehouse's URL)."""
    wms_socket, tms_socket = bound_socket(), bound_socket()
    warehouse_settings = wms.WmsSimSettings(api_key=API_KEY, callback_url=receiver.url,
                                            carrier_url=url_of(tms_socket), **FAST_RETRIES, **AUTO)
    carrier_settings = tms.TmsSimSettings(api_key=API_KEY, callback_url=receiver.url,
                                          warehouse_url=url_of(wms_socket), **FAST_RETRIES)
    async with (serving(tms.create_app(carrier_settings), sock=tms_socket) as tms_url, client(tms_url) as tms_sim,
                serving(wms.create_app(warehouse_settings), sock=wms_socket) as wms_url, client(wms_url) as wms_sim):
        yield wms_sim, tms_sim, wms_url


async def test_in_auto_mode_a_parcel_the_carrier_stopped_after_the_hand_over_comes_back_to_its_warehouse(receiver):
    async with _warehouse_and_carrier(receiver) as (wms_sim, tms_sim, wms_url):
        waybill = await issued(tms_sim, "shp-B1")
        await wms_sim.post("/wms/dispatches", json=dispatch_body("D-B1", waybill=waybill))
        await poll_until(lambda: _tracked(tms_sim, waybill), lambda w: w["handed_over_at"] is not None, 10,
                         "the parcel shipped and handed over")
        assert (await tms_sim.post(f"/tms/waybills/{waybill}/intercept")).status_code == 202
        await tms_sim.post("/sim/mode", json=AUTO)  # the carrier stops it at its next step, brings it back
        await _heard(receiver, "wms", "return_received", dispatch_number="D-B1")
        [told] = await _delivered(tms_sim, 1, "/sim/handoffs", waybill=waybill)
        dispatch = (await wms_sim.get("/wms/dispatches/D-B1")).json()
    assert (told["type"], json.loads(told["body"])) == ("return", {"waybill": waybill})
    assert told["url"] == f"{wms_url}/sim/returns"
    assert _kinds(receiver, "wms", dispatch_number="D-B1") == ["picked", "packed", "shipped", "return_received"]
    assert _kinds(receiver, "tms", waybill=waybill) == ["intercepted"]
    assert dispatch["status"] == "returned"


async def test_a_parcel_handed_over_after_its_waybill_was_intercepted_goes_straight_back(receiver):
    async with _warehouse_and_carrier(receiver) as (wms_sim, tms_sim, _):
        waybill = await issued(tms_sim, "shp-B2")
        await tms_sim.post(f"/tms/waybills/{waybill}/intercept")
        await tms_sim.post(f"/sim/waybills/{waybill}", json={"event": "intercept_ok"})  # the courier never had it
        assert await _items(tms_sim, "/sim/handoffs") == [], "nothing to bring back yet"
        await wms_sim.post("/wms/dispatches", json=dispatch_body("D-B2", waybill=waybill))  # ships it all the same
        await _heard(receiver, "wms", "return_received", dispatch_number="D-B2")
        [told] = await _delivered(tms_sim, 1, "/sim/handoffs", waybill=waybill)
        tracked = await _tracked(tms_sim, waybill)
    assert (tracked["status"], tracked["handed_over_at"] is not None, told["type"]) == ("intercepted", True, "return")
    assert _kinds(receiver, "wms", dispatch_number="D-B2") == ["picked", "packed", "shipped", "return_received"]


async def test_the_warehouse_is_told_a_parcel_comes_back_only_for_a_waybill_that_shipped(wms_sim):
    await wms_sim.post("/wms/dispatches", json=dispatch_body("D-N1"))
    unknown = await wms_sim.post("/sim/returns", json={"waybill": "SF-D-N1"})
    assert unknown.status_code == 404 and unknown.json()["error"]["dispatch_numbers"] == ["D-N1"]
    await wms_sim.post("/sim/dispatches/D-N1", json={"outcome": "ship"})
    told = [await wms_sim.post("/sim/returns", json={"waybill": "SF-D-N1"}) for _ in range(2)]
    assert [(r.status_code, r.json()["return_due"]) for r in told] == [(202, True), (202, True)]
    assert (await wms_sim.get("/wms/dispatches/D-N1")).json()["status"] == "shipped", "manual mode: tests decide"


async def _tracked(tms_sim: httpx.AsyncClient, waybill: str) -> dict:
    return (await tms_sim.get(f"/tms/waybills/{waybill}")).json()


def _kinds(receiver, source: str, **where) -> list[str]:
    """The types of the events received from the warehouse (`wms`: they name the dispatch) or the
    carrier (`tms`), of those whose fields equal `where`, in arrival order."""
    return [e["type"] for e in receiver.events(**where) if ("dispatch_number" in e) == (source == "wms")]


async def _heard(receiver, source: str, kind: str, **where) -> None:
    async def kinds() -> list[str]:
        return _kinds(receiver, source, **where)
    await poll_until(kinds, lambda seen: kind in seen, 10, f"a {kind} webhook from the {source} about {where}")
