"""The service and the PSP simulator, each on a real local port, speaking real HTTP: the service
calls the simulator's API with its key, the simulator calls back with signed webhooks (the
`stack` fixture, psp_stack.py).

The service's lifespan is not run (no Kafka): what it publishes is read from its outbox.
"""

import asyncio
import json
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx

from tradeflow_contracts.payments import ClosePayment, RefundPayment, RequestPayment
from tradeflow_payment.app.reconcile import reconcile_round
from tradeflow_payment.app.retry_refunds import retry_refunds_round
from tradeflow_payment.domain.refunds import RefundBackoff
from tradeflow_simulators.psp import sign
from tradeflow_testing.polling import poll_until

from .psp_stack import Stack
from .support import announced, auth, deliver

BUYER = auth("buyer-1")
SECRET = "psp-dev-webhook-secret"


async def _payable(stack: Stack, amount: int = 1000) -> str:
    order_id = f"order-{uuid.uuid4().hex[:8]}"
    await deliver(stack.app, RequestPayment(order_id=order_id, buyer_id="buyer-1", amount=amount, currency="CNY",
                                            deadline=datetime.now(UTC) + timedelta(minutes=30)))
    return order_id


async def _start(stack: Stack, order_id: str) -> dict:
    response = await stack.http.post("/payments", json={"order_id": order_id}, headers=BUYER)
    assert response.status_code == 201, response.text
    return response.json()


async def _settle(stack: Stack, payment: dict, outcome: str, expected_status: str) -> dict:
    """Decide the outcome at the simulator and wait until its webhook has moved the payment."""
    decided = await stack.psp.post(f"/sim/payments/{payment['psp_reference']}", json={"outcome": outcome})
    assert decided.status_code == 202, decided.text
    for _ in range(250):
        current = (await stack.http.get(f"/payments/{payment['id']}", headers=BUYER)).json()
        if current["status"] == expected_status:
            return current
        await asyncio.sleep(0.02)
    raise AssertionError(f"payment {payment['id']} is {current['status']}, expected {expected_status}")


async def _delivered(stack: Stack, psp_reference: str) -> dict:
    for _ in range(250):
        items = (await stack.psp.get("/sim/webhooks", params={"psp_reference": psp_reference})).json()["items"]
        if items and items[-1]["state"] != "pending":
            return items[-1]
        await asyncio.sleep(0.02)
    raise AssertionError(f"the webhook for {psp_reference} was not delivered")


async def _post_callback(stack: Stack, body: bytes, timestamp: int, signature: str | None = None) -> httpx.Response:
    headers = {"Content-Type": "application/json", "X-PSP-Timestamp": str(timestamp),
               "X-PSP-Signature": signature or sign(SECRET, timestamp, body)}
    return await stack.http.post("/payments/psp/callbacks", content=body, headers=headers)


async def _types(stack: Stack, order_id: str) -> list[str]:
    return [t for t, _ in await announced(stack.app, order_id)]


async def test_pay_at_the_simulator_and_its_signed_webhook_marks_the_payment_succeeded(stack):
    order_id = await _payable(stack)
    payment = await _start(stack, order_id)
    assert payment["status"] == "pending" and payment["pay_url"].startswith(str(stack.psp.base_url))
    paid = await _settle(stack, payment, "succeed", "succeeded")
    assert paid["settled_at"] is not None
    [(kind, event)] = await announced(stack.app, order_id)
    assert kind == "payment.succeeded"
    assert (event["payment_id"], event["amount"], event["psp_reference"]) == (payment["id"], 1000,
                                                                              payment["psp_reference"])
    delivery = await _delivered(stack, payment["psp_reference"])
    assert delivery["state"] == "delivered" and [a["status_code"] for a in delivery["attempts"]] == [200]


async def test_after_a_failed_attempt_the_buyer_pays_with_a_new_one(stack):
    order_id = await _payable(stack)
    first = await _start(stack, order_id)
    await _settle(stack, first, "fail", "failed")
    second = await _start(stack, order_id)
    assert second["psp_reference"] != first["psp_reference"]
    await _settle(stack, second, "succeed", "succeeded")
    assert await _types(stack, order_id) == ["payment.failed", "payment.succeeded"]


async def test_callbacks_with_a_bad_or_missing_signature_or_a_stale_timestamp_are_401(stack):
    order_id = await _payable(stack)
    payment = await _start(stack, order_id)
    body = json.dumps({"event_id": "evt_forged", "type": "payment.succeeded", "psp_reference": payment["psp_reference"],
                       "merchant_reference": order_id, "amount": 1000, "currency": "CNY",
                       "occurred_at": datetime.now(UTC).isoformat()}).encode()
    now = int(time.time())
    forged = await _post_callback(stack, body, now, signature=sign("guessed-secret", now, body))
    missing = await stack.http.post("/payments/psp/callbacks", content=body)
    stale = await _post_callback(stack, body, now - 301)
    for response in (forged, missing, stale):
        assert response.status_code == 401, response.text
        assert response.headers["content-type"] == "application/problem+json"
    assert "stale" in stale.json()["detail"]
    assert (await stack.http.get(f"/payments/{payment['id']}", headers=BUYER)).json()["status"] == "pending"
    assert await announced(stack.app, order_id) == []


async def test_a_duplicate_callback_is_acknowledged_without_a_second_effect(stack):
    order_id = await _payable(stack)
    payment = await _start(stack, order_id)
    await _settle(stack, payment, "succeed", "succeeded")
    delivery = await _delivered(stack, payment["psp_reference"])
    body, timestamp = delivery["body"].encode(), int(delivery["headers"]["X-PSP-Timestamp"])
    again = await _post_callback(stack, body, timestamp, delivery["headers"]["X-PSP-Signature"])
    assert again.status_code == 200 and again.json()["result"] == "duplicate"
    same_news = json.loads(body) | {"event_id": "evt_other"}
    restated = await _post_callback(stack, json.dumps(same_news).encode(), int(time.time()))
    assert restated.status_code == 200 and restated.json()["result"] == "already_recorded"
    assert await _types(stack, order_id) == ["payment.succeeded"]


async def test_a_zero_amount_payment_succeeds_without_the_simulator(stack):
    order_id = await _payable(stack, amount=0)
    listed = (await stack.http.get("/payments", params={"order_id": order_id}, headers=BUYER)).json()["items"]
    assert [(p["status"], p["psp_reference"]) for p in listed] == [("succeeded", None)]
    again = await stack.http.post("/payments", json={"order_id": order_id}, headers=BUYER)
    assert again.status_code == 409 and again.json()["type"].endswith("/already-paid")
    assert (await stack.psp.get("/sim/webhooks")).json()["items"] == []


async def test_refunds_go_back_through_the_simulator_summing_partials_and_never_above_paid(stack):
    order_id = await _payable(stack)
    payment = await _settle(stack, await _start(stack, order_id), "succeed", "succeeded")
    for refund_id, amount in (("r-1", 400), ("r-2", 600), ("r-3", 1)):
        await deliver(stack.app, RefundPayment(order_id=order_id, refund_id=refund_id, amount=amount, reason="return"))
    outcomes = [(t, p) for t, p in await announced(stack.app, order_id) if t.startswith("payment.refund")]
    assert [(t, p.get("amount"), p.get("refunded_total")) for t, p in outcomes] == [
        ("payment.refunded", 400, 400), ("payment.refunded", 600, 1000), ("payment.refund-failed", None, None)]
    assert all(p.get("paid_amount", 1000) == 1000 for _, p in outcomes)
    at_psp = await stack.psp.get(f"/v1/payments/{payment['psp_reference']}",
                                 headers={"Authorization": "Bearer psp-dev-key"})
    assert at_psp.json()["refunded_amount"] == 1000
    shown = (await stack.http.get(f"/payments/{payment['id']}", headers=BUYER)).json()
    assert shown["refunded_amount"] == 1000 and all(r["psp_reference"] for r in shown["refunds"])


async def test_a_paid_attempt_can_no_longer_be_closed_and_a_closed_one_no_longer_paid(stack):
    order_id = await _payable(stack)
    payment = await _start(stack, order_id)
    await deliver(stack.app, ClosePayment(order_id=order_id, reason="deadline passed"))
    closed = await stack.http.post("/payments", json={"order_id": order_id}, headers=BUYER)
    assert closed.status_code == 409 and closed.json()["type"].endswith("/payment-closed")
    too_late = await stack.psp.post(f"/sim/payments/{payment['psp_reference']}", json={"outcome": "succeed"})
    assert too_late.status_code == 409  # cancelled at the PSP by the close: the buyer cannot pay it
    assert await _types(stack, order_id) == ["payment.closed"]


# -- reconciliation with the PSP: lost webhooks, a PSP that was down, a PSP that lost its book ------


KEY = {"Authorization": "Bearer psp-dev-key"}
STAFF = auth("staff-1", "staff")


async def _pay_silently(stack: Stack, payment: dict) -> None:
    """The buyer pays at the PSP, but its webhook never arrives (notify: false)."""
    paid = await stack.psp.post(f"/sim/payments/{payment['psp_reference']}", json={"outcome": "succeed",
                                                                                  "notify": False})
    assert paid.status_code == 202, paid.text


async def _status(stack: Stack, payment: dict) -> str:
    return (await stack.http.get(f"/payments/{payment['id']}", headers=BUYER)).json()["status"]


async def _reconcile(stack: Stack, **policy) -> int:
    scope, default = stack.app.state.reconcile
    return await reconcile_round(scope, stack.app.state.api.collaborators, replace(default, **policy))


async def test_a_lost_webhook_is_found_when_closing_and_the_success_recorded_not_closed(stack):
    order_id = await _payable(stack)
    payment = await _start(stack, order_id)
    await _pay_silently(stack, payment)
    assert await _status(stack, payment) == "pending"  # nothing told us
    await deliver(stack.app, ClosePayment(order_id=order_id, reason="payment deadline passed"))
    assert await _status(stack, payment) == "succeeded"
    [(kind, event)] = await announced(stack.app, order_id)
    assert (kind, event["amount"], event["psp_reference"]) == ("payment.succeeded", 1000, payment["psp_reference"])


async def test_a_success_after_a_close_without_the_psp_is_reconciled_and_refunded(stack):
    order_id = await _payable(stack)
    payment = await _start(stack, order_id)
    await stack.sim.stop()
    await deliver(stack.app, ClosePayment(order_id=order_id, reason="payment deadline passed"))  # closes anyway
    assert await _status(stack, payment) == "expired"
    await stack.sim.start()  # restarted: it still knows the (pending) payment, the buyer pays it
    await _pay_silently(stack, payment)
    assert await _reconcile(stack) == 1
    assert await _reconcile(stack) == 0  # confirmed final: not asked again
    assert await _status(stack, payment) == "succeeded"
    assert await _types(stack, order_id) == ["payment.closed", "payment.succeeded"]  # the saga refunds it
    late = (await stack.http.get("/payments/ops/late-captures", headers=STAFF)).json()
    [capture] = [c for c in late["items"] if c["order_id"] == order_id]
    assert (capture["amount"], capture["refunded_amount"], capture["refund_state"]) == (1000, 0, "awaiting_refund")
    await deliver(stack.app, RefundPayment(order_id=order_id, refund_id=f"{order_id}-refund-1", amount=1000,
                                           reason="paid after the order was cancelled"))
    late = (await stack.http.get("/payments/ops/late-captures", headers=STAFF)).json()
    [capture] = [c for c in late["items"] if c["order_id"] == order_id]
    assert (capture["refunded_amount"], capture["refund_state"]) == (1000, "refunded")
    at_psp = await stack.psp.get(f"/v1/payments/{payment['psp_reference']}", headers=KEY)
    assert (at_psp.json()["status"], at_psp.json()["refunded_amount"]) == ("succeeded", 1000)
    assert (await stack.http.get("/payments/ops/late-captures", headers=BUYER)).status_code == 403


async def test_an_expired_attempt_still_pending_at_the_psp_is_cancelled_by_reconciliation(stack):
    order_id = await _payable(stack)
    payment = await _start(stack, order_id)
    await stack.sim.stop()
    await deliver(stack.app, ClosePayment(order_id=order_id, reason="payment deadline passed"))
    await stack.sim.start()
    assert await _reconcile(stack) == 1
    at_psp = await stack.psp.get(f"/v1/payments/{payment['psp_reference']}", headers=KEY)
    assert at_psp.json()["status"] == "cancelled"
    assert (await stack.psp.post(f"/sim/payments/{payment['psp_reference']}", json={"outcome": "succeed"})
            ).status_code == 409
    assert await _types(stack, order_id) == ["payment.closed"]


async def test_a_pending_attempt_whose_webhook_was_lost_is_settled_by_reconciliation(stack):
    order_id = await _payable(stack)
    payment = await _start(stack, order_id)
    assert await _reconcile(stack) == 0  # younger than pending_after: the webhook may still come
    await _pay_silently(stack, payment)
    assert await _reconcile(stack, pending_after=timedelta(0)) == 1
    assert await _status(stack, payment) == "succeeded"
    assert await _types(stack, order_id) == ["payment.succeeded"]


async def test_a_dead_attempt_is_replaced_by_a_new_one(stack, tmp_path):
    order_id = await _payable(stack)
    dead = await _start(stack, order_id)
    await stack.sim.stop()
    (tmp_path / "psp.sqlite3").unlink()  # a PSP that lost its book (as the in-memory one did)
    await stack.sim.start()
    again = await stack.http.post("/payments", json={"order_id": order_id}, headers=BUYER)
    assert again.status_code == 201, again.text
    fresh = again.json()
    assert fresh["psp_reference"] != dead["psp_reference"] and fresh["status"] == "pending"
    assert (await stack.psp.get(fresh["pay_url"].removeprefix(str(stack.psp.base_url)))).status_code == 200
    assert await _status(stack, dead) == "failed"
    same = await stack.http.post("/payments", json={"order_id": order_id}, headers=BUYER)
    assert same.status_code == 200 and same.json()["id"] == fresh["id"]  # a live attempt is kept
    await _settle(stack, fresh, "succeed", "succeeded")
    assert await _types(stack, order_id) == ["payment.failed", "payment.succeeded"]


# -- refunds while the PSP is down: pending, never dead-lettered, made once it is back ------------


async def _refund_view(stack: Stack, payment: dict) -> dict:
    [refund] = (await stack.http.get(f"/payments/{payment['id']}", headers=BUYER)).json()["refunds"]
    return refund


async def _retry_refunds(stack: Stack) -> int:
    """One round of the refund retry job, asking again 0.1 s after a failure (not 2 s)."""
    scope, policy = stack.app.state.refund_retry
    collaborators = replace(stack.app.state.api.collaborators,
                            refund_backoff=RefundBackoff(first=timedelta(seconds=0.1), cap=timedelta(seconds=0.2)))
    return await retry_refunds_round(scope, collaborators, policy)


async def test_a_refund_while_the_psp_is_down_stays_pending_and_is_made_once_it_is_back(stack):
    order_id = await _payable(stack)
    payment = await _settle(stack, await _start(stack, order_id), "succeed", "succeeded")
    await stack.sim.stop()
    refund = RefundPayment(order_id=order_id, refund_id=f"{order_id}-refund-1", amount=400, reason="cancelled")
    await deliver(stack.app, refund)  # no ProviderUnavailable: nothing for the kit to dead-letter
    pending = await _refund_view(stack, payment)
    assert (pending["status"], pending["attempts"]) == ("pending", 1) and "unreachable" in pending["last_error"]
    assert await _types(stack, order_id) == ["payment.succeeded"]

    async def retried() -> dict:
        await _retry_refunds(stack)
        return await _refund_view(stack, payment)

    still_down = await poll_until(retried, lambda r: r["attempts"] >= 3, timeout=15, what="two retries")
    assert still_down["status"] == "pending"
    await deliver(stack.app, refund)  # the saga asks again meanwhile: nothing is announced
    assert await _types(stack, order_id) == ["payment.succeeded"]

    await stack.sim.start()
    made = await poll_until(retried, lambda r: r["status"] != "pending", timeout=15, what="the refund made")
    assert made["status"] == "succeeded" and made["psp_reference"].startswith("rf")
    [(kind, event)] = [(t, p) for t, p in await announced(stack.app, order_id) if t.startswith("payment.refund")]
    assert (kind, event["amount"], event["refunded_total"]) == ("payment.refunded", 400, 400)
    await deliver(stack.app, refund)  # settled: the outcome again, no second refund at the PSP
    assert await _types(stack, order_id) == ["payment.succeeded", "payment.refunded", "payment.refunded"]
    at_psp = await stack.psp.get(f"/v1/payments/{payment['psp_reference']}", headers=KEY)
    assert at_psp.json()["refunded_amount"] == 400  # exactly once
