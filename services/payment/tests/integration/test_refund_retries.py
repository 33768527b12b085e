"""A refund the provider cannot take now waits, pending, and the retry job makes it later: the
command never fails for a provider outage (no dead letter), the money is never given up on."""

from datetime import timedelta

from tradeflow_contracts.payments import ClosePayment, RefundPayment, RequestPayment
from tradeflow_payment.app.retry_refunds import retry_refunds_round

from .support import NOW, announced, auth, callback, deliver

BUYER = auth("buyer-1")


async def _paid(service, http, order_id: str, amount: int = 1000) -> str:
    await deliver(service, RequestPayment(order_id=order_id, buyer_id="buyer-1", amount=amount, currency="CNY",
                                          deadline=NOW + timedelta(minutes=30)))
    started = (await http.post("/payments", json={"order_id": order_id}, headers=BUYER)).json()
    assert (await callback(http, started["psp_reference"], order_id, amount)).json()["result"] == "recorded"
    return started["id"]


async def _refunds(http, payment_id: str) -> tuple[int, list[dict]]:
    shown = (await http.get(f"/payments/{payment_id}", headers=BUYER)).json()
    return shown["refunded_amount"], shown["refunds"]


async def _refund_outcomes(service, order_id: str) -> list[tuple[str, dict]]:
    return [(t, p) for t, p in await announced(service, order_id) if t.startswith("payment.refund")]


async def _retry(service) -> int:
    scope, policy = service.state.refund_retry
    return await retry_refunds_round(scope, service.state.api.collaborators, policy)


async def test_an_unreachable_provider_leaves_the_refund_pending_until_the_job_makes_it(
        service, http, provider, clock, order_id):
    payment_id = await _paid(service, http, order_id)
    provider.unavailable = True
    refund = RefundPayment(order_id=order_id, refund_id="r-1", amount=400, reason="return")
    await deliver(service, refund)  # does not raise: nothing for the consumer to retry or dead-letter
    assert await _refund_outcomes(service, order_id) == []
    refunded, [pending] = await _refunds(http, payment_id)
    assert refunded == 0
    assert (pending["status"], pending["attempts"], pending["psp_reference"]) == ("pending", 1, None)
    assert "503" in pending["last_error"]
    assert pending["next_attempt_at"].startswith((NOW + timedelta(seconds=2)).isoformat()[:19])

    await deliver(service, refund)  # the saga asks again while pending: nothing changes
    assert await _refund_outcomes(service, order_id) == []
    assert (await _refunds(http, payment_id))[1][0]["attempts"] == 1

    await deliver(service, RefundPayment(order_id=order_id, refund_id="r-2", amount=601, reason="return"))
    [(kind, payload)] = await _refund_outcomes(service, order_id)  # the pending 400 counts against the 1000
    assert kind == "payment.refund-failed" and "exceeds the refundable 600" in payload["reason"]

    assert await _retry(service) == 0  # not due yet
    clock.advance(seconds=2)
    assert await _retry(service) == 1  # due, still unreachable: backoff doubles
    [again] = (await _refunds(http, payment_id))[1]  # r-2 was refused by our rules: under no payment
    assert again["attempts"] == 2 and again["next_attempt_at"].startswith(
        (NOW + timedelta(seconds=6)).isoformat()[:19])

    provider.unavailable = False
    clock.advance(seconds=4)
    assert await _retry(service) == 1
    assert await _retry(service) == 0
    assert [r["refund_reference"] for r in provider.refunds] == ["r-1"]
    outcomes = await _refund_outcomes(service, order_id)
    assert [(t, p.get("refund_id"), p.get("refunded_total")) for t, p in outcomes] == [
        ("payment.refund-failed", "r-2", None), ("payment.refunded", "r-1", 400)]
    refunded, refunds = await _refunds(http, payment_id)
    made = next(r for r in refunds if r["id"] == "r-1")
    assert refunded == 400 and (made["status"], made["attempts"], made["psp_reference"]) == ("succeeded", 3,
                                                                                             "rf-r-1")
    await deliver(service, refund)  # settled: the outcome is announced again, no second refund
    assert [t for t, _ in await _refund_outcomes(service, order_id)][-1] == "payment.refunded"
    assert len(provider.refunds) == 1


async def test_a_refund_the_provider_refuses_on_a_retry_is_announced_as_failed(
        service, http, provider, clock, order_id):
    payment_id = await _paid(service, http, order_id)
    provider.unavailable = True
    await deliver(service, RefundPayment(order_id=order_id, refund_id="r-1", amount=400, reason="return"))
    provider.unavailable, provider.refuse = False, "422 from the payment provider: amount_exceeds_captured"
    clock.advance(seconds=2)
    assert await _retry(service) == 1
    [(kind, payload)] = await _refund_outcomes(service, order_id)
    assert kind == "payment.refund-failed" and "amount_exceeds_captured" in payload["reason"]
    assert [r["status"] for r in (await _refunds(http, payment_id))[1]] == ["failed"]


async def test_the_backoff_is_capped_and_the_refund_never_given_up(service, http, provider, clock, order_id):
    payment_id = await _paid(service, http, order_id)
    provider.unavailable = True
    await deliver(service, RefundPayment(order_id=order_id, refund_id="r-1", amount=400, reason="return"))
    for _ in range(12):
        clock.advance(minutes=5)
        assert await _retry(service) == 1
    [pending] = (await _refunds(http, payment_id))[1]
    assert (pending["status"], pending["attempts"]) == ("pending", 13)
    capped = clock.now() + timedelta(minutes=5)  # not 2 s · 2¹² later
    assert pending["next_attempt_at"].startswith(capped.isoformat()[:19])


async def test_an_order_another_transaction_holds_is_skipped(service, http, provider, clock, order_id):
    await _paid(service, http, order_id)
    provider.unavailable = True
    await deliver(service, RefundPayment(order_id=order_id, refund_id="r-1", amount=400, reason="return"))
    provider.unavailable = False
    clock.advance(seconds=2)
    scope, _ = service.state.refund_retry
    async with scope.begin() as other:  # another replica (or the command handler) holds the order
        assert await other.payables.claim_for_refund_retry(clock.now()) == order_id
        assert await _retry(service) == 0
    assert await _retry(service) == 1
    assert [t for t, _ in await _refund_outcomes(service, order_id)] == ["payment.refunded"]


async def test_the_late_captures_view_shows_a_pending_refund_with_its_attempts_and_last_error(
        service, http, provider, order_id):
    await deliver(service, RequestPayment(order_id=order_id, buyer_id="buyer-1", amount=1000, currency="CNY",
                                          deadline=NOW + timedelta(minutes=30)))
    started = (await http.post("/payments", json={"order_id": order_id}, headers=BUYER)).json()
    await deliver(service, ClosePayment(order_id=order_id, reason="payment deadline passed"))
    assert (await callback(http, started["psp_reference"], order_id, 1000)).json()["result"] == "recorded"
    provider.unavailable = True
    await deliver(service, RefundPayment(order_id=order_id, refund_id="r-1", amount=1000, reason="late capture"))
    late = (await http.get("/payments/ops/late-captures", headers=auth("staff-1", "staff"))).json()
    [capture] = [c for c in late["items"] if c["order_id"] == order_id]
    assert (capture["refund_state"], capture["refunded_amount"], capture["pending_refund_attempts"]) == (
        "refund_pending", 0, 1)
    assert "503" in capture["pending_refund_error"]
