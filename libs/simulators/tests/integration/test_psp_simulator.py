"""The simulator on a real port, sending its webhooks to a receiver on another real port."""

import asyncio
import json
import time

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from tradeflow_simulators.psp import PspSimSettings, create_app, sign
from tradeflow_simulators.serving import bound_socket, serving, url_of
from tradeflow_testing.polling import poll_until

KEY = {"Authorization": "Bearer psp-dev-key"}


class Receiver:
    """A merchant endpoint that fails its first `failures` calls, then records what it gets."""

    def __init__(self, failures: int = 0) -> None:
        self.failures, self.calls, self.received = failures, 0, []
        self.app = FastAPI()
        self.app.post("/callbacks")(self.callback)

    async def callback(self, request: Request) -> Response:
        self.calls += 1
        if self.calls <= self.failures:
            return Response(status_code=503)
        self.received.append((await request.body(), dict(request.headers)))
        return Response(status_code=200)


@pytest.fixture
async def psp(tmp_path):
    settings = PspSimSettings(webhook_backoff_seconds=0.01, webhook_attempts=3, data_file=str(tmp_path / "psp.db"))
    async with serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url) as client:
        yield client


async def _wait_for(client: httpx.AsyncClient, reference: str, state: str) -> dict:
    for _ in range(200):
        items = (await client.get("/sim/webhooks", params={"psp_reference": reference})).json()["items"]
        if items and items[-1]["state"] == state:
            return items[-1]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no webhook for {reference} reached {state}")


async def _payment(psp: httpx.AsyncClient, notify_url: str, amount: int = 1000) -> dict:
    response = await psp.post("/v1/payments", headers=KEY, json={
        "merchant_reference": "order-1", "amount": amount, "currency": "CNY", "notify_url": notify_url})
    assert response.status_code == 201, response.text
    return response.json()


async def test_rejects_provider_calls_without_the_api_key(psp):
    response = await psp.post("/v1/payments", headers={"Authorization": "Bearer wrong"}, json={})
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


async def test_a_decided_payment_is_announced_by_a_signed_webhook_retried_until_accepted(psp):
    receiver = Receiver(failures=2)
    async with serving(receiver.app) as merchant:
        payment = await _payment(psp, f"{merchant}/callbacks")
        assert payment["status"] == "pending" and payment["pay_url"].endswith(payment["psp_reference"])
        decided = await psp.post(f"/sim/payments/{payment['psp_reference']}", json={"outcome": "succeed"})
        assert decided.status_code == 202
        delivery = await _wait_for(psp, payment["psp_reference"], "delivered")
    assert [a["status_code"] for a in delivery["attempts"]] == [503, 503, 200]
    body, headers = receiver.received[0]
    event = json.loads(body)
    assert event["type"] == "payment.succeeded" and event["merchant_reference"] == "order-1"
    assert event["amount"] == 1000 and event["event_id"] == delivery["event_id"]
    assert abs(int(headers["x-psp-timestamp"]) - time.time()) < 60
    assert headers["x-psp-signature"] == sign("psp-dev-webhook-secret", int(headers["x-psp-timestamp"]), body)


async def test_gives_up_after_the_bounded_number_of_attempts(psp):
    receiver = Receiver(failures=99)
    async with serving(receiver.app) as merchant:
        payment = await _payment(psp, f"{merchant}/callbacks")
        await psp.post(f"/sim/payments/{payment['psp_reference']}", json={"outcome": "fail"})
        delivery = await _wait_for(psp, payment["psp_reference"], "gave_up")
    assert len(delivery["attempts"]) == 3 and receiver.received == []


async def test_refunds_only_what_was_captured(psp):
    receiver = Receiver()
    async with serving(receiver.app) as merchant:
        payment = await _payment(psp, f"{merchant}/callbacks", amount=1000)
        await psp.post(f"/sim/payments/{payment['psp_reference']}", json={"outcome": "succeed"})
        refund = {"psp_reference": payment["psp_reference"], "amount": 700, "refund_reference": "rf-1"}
        first = await psp.post("/v1/refunds", headers=KEY, json=refund)
        again = await psp.post("/v1/refunds", headers=KEY, json=refund)
        too_much = await psp.post("/v1/refunds", headers=KEY, json=refund | {"amount": 301, "refund_reference": "x"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["status"] == "succeeded" and again.json() == first.json()
    assert too_much.status_code == 422 and too_much.json()["error"]["code"] == "amount_exceeds_captured"


async def test_the_refund_failure_switch_fails_the_next_refunds_then_lets_them_through(psp):
    payment = await _payment(psp, "http://127.0.0.1:9/callbacks", amount=1000)
    await psp.post(f"/sim/payments/{payment['psp_reference']}", json={"outcome": "succeed", "notify": False})
    refund = {"psp_reference": payment["psp_reference"], "amount": 400, "refund_reference": "rf-1"}
    armed = await psp.post("/sim/refund-failures", json={"count": 1, "mode": "declined"})
    declined = await psp.post("/v1/refunds", headers=KEY, json=refund)
    await psp.post("/sim/refund-failures", json={"count": 1, "mode": "unavailable"})
    unavailable = await psp.post("/v1/refunds", headers=KEY, json=refund)
    made = await psp.post("/v1/refunds", headers=KEY, json=refund)
    assert armed.status_code == 202
    assert (declined.status_code, declined.json()["error"]["code"]) == (422, "refund_declined")
    assert unavailable.status_code == 503
    assert made.status_code == 201  # the switch is spent: the same reference now refunds, once
    status = await psp.get(f"/v1/payments/{payment['psp_reference']}", headers=KEY)
    assert status.json()["refunded_amount"] == 400


async def test_a_payment_settled_without_notice_sends_no_webhook_but_its_status_tells(psp):
    payment = await _payment(psp, "http://127.0.0.1:9/callbacks")
    decided = await psp.post(f"/sim/payments/{payment['psp_reference']}", json={"outcome": "succeed", "notify": False})
    assert decided.status_code == 202 and decided.json()["event_id"] is None
    status = await psp.get(f"/v1/payments/{payment['psp_reference']}", headers=KEY)
    assert status.json()["status"] == "succeeded" and status.json()["decided_at"] is not None
    assert (await psp.get("/sim/webhooks", params={"psp_reference": payment["psp_reference"]})).json()["items"] == []


async def test_a_cancelled_payment_cannot_be_paid_and_a_paid_one_cannot_be_cancelled(psp):
    cancelled = await _payment(psp, "http://127.0.0.1:9/callbacks")
    first = await psp.post(f"/v1/payments/{cancelled['psp_reference']}/cancel", headers=KEY)
    again = await psp.post(f"/v1/payments/{cancelled['psp_reference']}/cancel", headers=KEY)
    assert (first.status_code, again.status_code) == (200, 200) and again.json()["status"] == "cancelled"
    paid_late = await psp.post(f"/sim/payments/{cancelled['psp_reference']}", json={"outcome": "succeed"})
    assert paid_late.status_code == 409 and paid_late.json()["error"]["code"] == "payment_already_decided"
    paid = await _payment(psp, "http://127.0.0.1:9/callbacks")
    await psp.post(f"/sim/payments/{paid['psp_reference']}", json={"outcome": "succeed", "notify": False})
    refused = await psp.post(f"/v1/payments/{paid['psp_reference']}/cancel", headers=KEY)
    assert refused.status_code == 409 and refused.json()["error"]["payment_status"] == "succeeded"
    unknown = await psp.post("/v1/payments/psp_nope/cancel", headers=KEY)
    assert unknown.status_code == 404


async def test_lists_payments_by_creation_time_page_by_page(psp):
    made = [await _payment(psp, "http://127.0.0.1:9/callbacks", amount=100 + i) for i in range(5)]
    start = made[1]["created_at"]
    seen, cursor = [], None
    while True:
        params = {"created_from": start, "limit": 2} | ({"starting_after": cursor} if cursor else {})
        page = (await psp.get("/v1/payments", params=params, headers=KEY)).json()
        seen += [p["psp_reference"] for p in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == [p["psp_reference"] for p in made[1:]]
    upto = (await psp.get("/v1/payments", params={"created_to": made[1]["created_at"]}, headers=KEY)).json()
    assert made[0]["psp_reference"] in [p["psp_reference"] for p in upto["items"]]
    assert made[1]["psp_reference"] not in [p["psp_reference"] for p in upto["items"]]
    bad = await psp.get("/v1/payments", params={"starting_after": "!!"}, headers=KEY)
    assert bad.status_code in (400, 404)


async def test_a_restarted_simulator_keeps_its_book_and_resumes_unfinished_webhooks(tmp_path):
    settings = PspSimSettings(webhook_backoff_seconds=0.05, webhook_max_backoff_seconds=0.2,
                              data_file=str(tmp_path / "psp.db"))
    receiver = Receiver()
    merchant_socket = bound_socket()
    notify_url = f"{url_of(merchant_socket)}/callbacks"  # nobody listens there yet: the webhook is undeliverable
    async with serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url) as psp:
        payment = await _payment(psp, notify_url)
        await psp.post(f"/sim/payments/{payment['psp_reference']}", json={"outcome": "succeed"})
        await poll_until(lambda: _items(psp),
                         lambda items: items and len(items[0]["attempts"]) >= 2, 10, "failed attempts")
    async with (serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url) as psp,
                serving(receiver.app, sock=merchant_socket)):
        kept = await psp.get(f"/v1/payments/{payment['psp_reference']}", headers=KEY)
        assert kept.status_code == 200 and kept.json()["status"] == "succeeded"
        [delivery] = await poll_until(lambda: _items(psp), lambda items: items[0]["state"] == "delivered", 10,
                                      "the resumed webhook delivered")
    assert delivery["attempts"][-1]["status_code"] == 200 and delivery["attempts"][0]["status_code"] is None
    assert json.loads(receiver.received[0][0])["psp_reference"] == payment["psp_reference"]


async def _items(psp: httpx.AsyncClient) -> list[dict]:
    return (await psp.get("/sim/webhooks")).json()["items"]
