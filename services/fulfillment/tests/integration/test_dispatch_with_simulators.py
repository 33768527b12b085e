"""Dispatch on PostgreSQL with the real warehouse and carrier simulators: due shipments go once
(also with two dispatchers racing), those in their merge window wait, a warehouse outage leaves
them ready until it is back, a crash after the warehouse took one is recovered through its
"duplicate number" answer, and a number the warehouse holds for someone else is skipped."""

import asyncio
from datetime import timedelta

from tradeflow_fulfillment.app.ports import DispatchInstruction, WaybillRequest

from .conftest import goods
from .simulated import POLICY, STAFF, WINDOW, ShiftedClock, Stack, simulated_stack  # noqa: F401 — the `stack` fixture

NOW = timedelta(0)


async def test_a_due_shipment_gets_a_waybill_and_is_dispatched_to_the_warehouse(stack: Stack):
    [shipment_id] = await stack.plan("o-1", ("m-1", [goods("a", 2), goods("b")]))
    assert await stack.dispatch() == 1
    s = await stack.shipment(shipment_id)
    assert (s["status"], s["dispatch_number"], s["carrier"], s["dispatch_attempt"]) == (
        "dispatched", f"{shipment_id}-1", "SF", None)
    assert s["waybill"].startswith("SF") and len(s["waybill"]) == 14
    held = (await stack.wms.get(f"/wms/dispatches/{shipment_id}-1", headers=_key(stack, "wms"))).json()
    assert (held["shipment_id"], held["waybill"], held["warehouse"], held["status"]) == (
        shipment_id, s["waybill"], "WH-1", "accepted")
    assert [(ln["line_id"], ln["quantity"]) for ln in held["lines"]] == [("a", 2), ("b", 1)]
    parcel = (await stack.tms.get(f"/tms/waybills/{s['waybill']}", headers=_key(stack, "tms"))).json()
    assert (parcel["shipment_id"], parcel["carrier"], parcel["weight_grams"]) == (shipment_id, "SF", 1)
    [(key, changed)] = await stack.messages("fulfillment.shipment-status-changed")
    assert (key, changed["from_status"], changed["to_status"], changed["dispatch_number"], changed["waybill"]) == (
        "o-1", "ready", "dispatched", f"{shipment_id}-1", s["waybill"])


async def test_due_shipments_are_dispatched_once_with_two_dispatchers_racing(stack: Stack):
    ids = [i for n in range(6) for i in await stack.plan(f"o-{n}", ("m-1", [goods(f"l-{n}")]), buyer_id=f"b-{n}")]
    first, second = stack.replica(), stack.replica()
    done = await asyncio.gather(stack.dispatch(replica=first), stack.dispatch(replica=second))
    assert sum(done) == 6
    assert [(await stack.shipment(i))["dispatch_numbers"] for i in ids] == [[f"{i}-1"] for i in ids]
    posts = [call for r in (first, second) for call in r.wms_calls.requests if call[0] == "POST"]
    assert sorted(posts) == sorted(("POST", "/wms/dispatches") for _ in ids)  # never a second one, not even a 409
    assert sum(len(r.tms_calls.requests) for r in (first, second)) == 6
    assert len(await stack.messages("fulfillment.shipment-status-changed")) == 6


async def test_a_shipment_in_its_merge_window_is_not_dispatched(stack: Stack):
    [shipment_id] = await stack.plan("o-1", ("m-1", [goods("a")]))
    replica = stack.replica()
    assert await stack.dispatch(NOW, replica) == 0
    assert await stack.dispatch(WINDOW - timedelta(seconds=5), replica) == 0
    assert (await stack.shipment(shipment_id))["status"] == "ready"
    assert replica.wms_calls.requests == replica.tms_calls.requests == []


async def test_a_warehouse_outage_leaves_it_ready_and_it_is_dispatched_once_the_warehouse_is_back(stack: Stack):
    [shipment_id] = await stack.plan("o-1", ("m-1", [goods("a")]))
    await stack.wms_sim.stop()
    assert await stack.dispatch() == 1
    s = await stack.shipment(shipment_id)
    attempt = s["dispatch_attempt"]
    assert (s["status"], attempt["dispatch_number"], attempt["tries"]) == ("ready", f"{shipment_id}-1", 1)
    assert "the warehouse is unreachable" in attempt["last_error"] and attempt["waybill"].startswith("SF")
    assert await stack.messages("fulfillment.shipment-status-changed") == []
    await stack.wms_sim.start()
    assert await stack.dispatch() == 0  # its backoff has not passed
    assert await stack.dispatch(WINDOW + POLICY.first_backoff + timedelta(seconds=2)) == 1
    s = await stack.shipment(shipment_id)
    assert (s["status"], s["dispatch_number"], s["waybill"]) == ("dispatched", f"{shipment_id}-1", attempt["waybill"])


async def test_a_crash_after_the_warehouse_took_it_is_recovered_under_the_same_number(stack: Stack):
    [shipment_id] = await stack.plan("o-1", ("m-1", [goods("a")]))
    transactions, _, _, _ = stack.app.state.dispatcher
    now = ShiftedClock(WINDOW + timedelta(seconds=1)).now()
    async with transactions.begin() as tx:  # what a dispatcher commits before its calls ...
        claimed = await tx.shipments.claim_due(now)
        attempt = claimed.begin_dispatch(now, POLICY.lease)
        await tx.shipments.save(claimed)
    crashed = stack.replica().logistics  # ... and its calls; then it dies before recording them
    waybill = await crashed.carriers.create_waybill(WaybillRequest(shipment_id, claimed.carrier, claimed.warehouse,
                                                                   claimed.receiver, claimed.weight_grams))
    await crashed.warehouse.dispatch(DispatchInstruction(attempt.number, shipment_id, claimed.warehouse,
                                                         claimed.carrier, waybill, claimed.receiver, claimed.lines))
    assert await stack.dispatch() == 0  # leased: nobody takes it meanwhile
    recovering = stack.replica()
    assert await stack.dispatch(WINDOW + POLICY.lease + timedelta(seconds=2), recovering) == 1
    s = await stack.shipment(shipment_id)
    assert (s["status"], s["dispatch_numbers"], s["waybill"]) == ("dispatched", [f"{shipment_id}-1"], waybill)
    assert recovering.wms_calls.requests == [("POST", "/wms/dispatches"),  # 409 duplicate_dispatch_number …
                                             ("GET", f"/wms/dispatches/{shipment_id}-1")]  # … and it is ours


async def test_a_number_the_warehouse_holds_for_another_shipment_is_skipped(stack: Stack):
    [shipment_id] = await stack.plan("o-1", ("m-1", [goods("a")]))
    receiver = {"name": "X", "phone": "1", "region": "east", "city": "HZ", "address": "9 Rd"}
    taken = await stack.wms.post("/wms/dispatches", headers=_key(stack, "wms"), json={
        "dispatch_number": f"{shipment_id}-1", "warehouse": "WH-1", "shipment_id": "someone-else", "carrier": "SF",
        "waybill": "SF000000000001", "receiver": receiver, "lines": [{"line_id": "z", "sku": "Z", "quantity": 1}]})
    assert taken.status_code == 201
    await stack.dispatch()
    s = await stack.shipment(shipment_id)
    assert (s["status"], s["dispatch_numbers"]) == ("dispatched", [f"{shipment_id}-2"])
    held = (await stack.wms.get(f"/wms/dispatches/{shipment_id}-2", headers=_key(stack, "wms"))).json()
    assert held["shipment_id"] == shipment_id


def _key(stack: Stack, system: str) -> dict[str, str]:
    key = stack.settings.wms_api_key if system == "wms" else stack.settings.tms_api_key
    return {"Authorization": f"Bearer {key.get_secret_value()}"}



async def test_a_shipment_in_review_waits_for_staff_approved_it_goes_rejected_it_never_does(stack: Stack):
    dear = [goods("a", paid_amount=2_500_000)]
    [approved] = await stack.plan("o-1", ("m-1", dear))
    [rejected] = await stack.plan("o-2", ("m-1", dear), buyer_id="buyer-2")
    assert await stack.dispatch() == 0
    for shipment_id, verb, body in ((approved, "approve", {}), (rejected, "reject", {"reason": "fraud suspected"})):
        answer = await stack.http.post(f"/fulfillment/shipments/{shipment_id}/{verb}", json=body, headers=STAFF)
        assert answer.status_code == 200, answer.text
    assert await stack.dispatch() == 1
    assert [(await stack.shipment(i))["status"] for i in (approved, rejected)] == ["dispatched", "cancelled"]
    assert (await stack.wms.get(f"/wms/dispatches/{rejected}-1", headers=_key(stack, "wms"))).status_code == 404
