"""A case stops waiting for its return parcel (CancelExpectedReturn, issue 12) with the REAL
warehouse simulator over HTTP: the returns job tells the warehouse (`POST
/wms/returns/{case_id}/cancel`), never registering the return after it; a parcel arriving anyway
is held (signed webhook `held: true`) and publishes nothing; a parcel rejected after a failed
inspection is sent back (webhook `case_return_sent_back`) or held; one inspected ok is only
recorded; ops list returns by status."""

from datetime import timedelta

from tradeflow_contracts.after_sales import CancelExpectedReturn
from tradeflow_fulfillment.app.cancel_return import cancel_expected_return

from .case_return_calls import at_warehouse, decide, expect, register, shipped
from .simulated import POLICY, STAFF, Stack, simulated_stack  # noqa: F401 — the `stack` fixture

RECEIVED, INSPECTED, RESTOCK = "fulfillment.return-received", "fulfillment.return-inspected", \
    "inventory.restock-returned"


async def _cancel(stack: Stack, case_id: str, send_back: bool = False, reason: str = "buyer cancelled") -> None:
    transactions, _, _, _ = stack.app.state.dispatcher
    message = CancelExpectedReturn(case_id=case_id, order_id="o-1", reason=reason, send_back=send_back)
    async with transactions.begin() as tx:
        await cancel_expected_return(tx, message, stack.app.state.api.collaborators)


async def _view(stack: Stack, case_id: str) -> dict:
    response = await stack.http.get(f"/fulfillment/returns/{case_id}", headers=STAFF)
    assert response.status_code == 200, response.text
    return response.json()


async def _listed(stack: Stack, **filters) -> list[str]:
    response = await stack.http.get("/fulfillment/returns", params=filters, headers=STAFF)
    assert response.status_code == 200, response.text
    return [r["case_id"] for r in response.json()["items"]]


async def test_a_cancelled_return_is_no_longer_expected_and_a_parcel_arriving_anyway_is_held_silently(stack: Stack):
    await shipped(stack)
    await expect(stack, "c-1", waybill="SF-R1")
    assert await register(stack) == 1
    await _cancel(stack, "c-1")
    await _cancel(stack, "c-1", send_back=True, reason="again")  # a repeat changes nothing
    await expect(stack, "c-1", waybill="SF-R1b")  # expected again after the cancel: ignored
    assert await register(stack) == 1
    assert await register(stack, timedelta(hours=1)) == 0, "told: nothing due any more"
    at_wms = await at_warehouse(stack, "c-1")
    assert (at_wms["status"], at_wms["waybill"], at_wms["send_back"]) == ("cancelled", "SF-R1", False)
    view = await _view(stack, "c-1")
    assert (view["status"], view["cancellation"]["reason"], view["waybill"]) == ("cancelled", "buyer cancelled",
                                                                               "SF-R1")
    assert view["cancellation"]["told_at"] is not None and view["registration_due_at"] is None

    [delivered] = await decide(stack, "c-1", "receive")  # the buyer sent it anyway
    assert (delivered["type"], delivered["attempts"][-1]["status_code"]) == ("case_return_received", 200)
    assert (await _view(stack, "c-1"))["status"] == "held"
    assert await stack.messages(RECEIVED) == [] and await stack.messages(RESTOCK) == []
    assert await _listed(stack, status="held") == ["c-1"]
    assert await _listed(stack, status="cancelled") == []
    assert await _listed(stack, status="held", order_id="o-2") == []


async def test_a_rejected_parcel_is_sent_back_or_held_as_asked_and_one_inspected_ok_is_only_recorded(stack: Stack):
    await shipped(stack)
    for case_id in ("c-2", "c-3", "c-4"):
        await expect(stack, case_id, waybill=f"SF-{case_id}")
    assert await register(stack) == 3
    await decide(stack, "c-2", "inspect_fail", note="used")
    await decide(stack, "c-3", "receive")
    await decide(stack, "c-4", "inspect_ok")
    await _cancel(stack, "c-2", send_back=True, reason="rejected after inspection")
    await _cancel(stack, "c-3", send_back=False, reason="rejected")
    await _cancel(stack, "c-4", send_back=True, reason="too late")
    assert await register(stack) == 2, "inspected ok: nothing to tell the warehouse"
    assert [(await at_warehouse(stack, c))["status"] for c in ("c-2", "c-3", "c-4")] == [
        "sent_back", "held", "inspected_ok"]
    delivered = await stack.delivered(stack.wms, case_id="c-2")
    assert [d["type"] for d in delivered][-1] == "case_return_sent_back"
    views = {c: await _view(stack, c) for c in ("c-2", "c-3", "c-4")}
    assert {c: v["status"] for c, v in views.items()} == {"c-2": "sent_back", "c-3": "held", "c-4": "inspected_ok"}
    assert views["c-2"]["cancellation"]["sent_back_at"] is not None
    assert (views["c-4"]["cancellation"]["moot"], views["c-4"]["cancellation"]["told_at"]) == (True, None)
    assert [p["case_id"] for _, p in await stack.messages(INSPECTED)] == ["c-2", "c-4"], "nothing more published"
    assert [p["return_id"] for _, p in await stack.messages(RESTOCK)] == ["case-c-4"], "restocked once"
    assert sorted(await _listed(stack, order_id="o-1", status="held")) == ["c-3"]


async def test_a_cancel_before_the_return_was_expected_reaches_the_warehouse_that_never_knew_it(stack: Stack):
    await _cancel(stack, "c-5", reason="expired")
    await expect(stack, "c-5", waybill="SF-R5")  # late: ignored
    assert await register(stack) == 1
    assert await register(stack, POLICY.backoff(1) + timedelta(seconds=1)) == 0, "told (404 there): done"
    view = await _view(stack, "c-5")
    assert (view["status"], view["warehouse"], view["lines"], view["registration"]["last_error"]) == (
        "cancelled", None, [], None)
    key = stack.settings.wms_api_key.get_secret_value()
    unknown = await stack.wms.get("/wms/returns/c-5", headers={"Authorization": f"Bearer {key}"})
    assert unknown.status_code == 404, "never registered"
    no_filter = await stack.http.get("/fulfillment/returns", headers=STAFF)
    assert no_filter.status_code == 422
    bad = await stack.http.get("/fulfillment/returns", params={"status": "lost"}, headers=STAFF)
    assert bad.status_code == 422
