"""POST /payments/{id}/refunds on a real database, with a fake provider and a fixed clock: staff
refund a succeeded payment along its route, never beyond what is refundable, once per
Idempotency-Key, announced like the order saga's refunds."""

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import text

from tradeflow_contracts.payments import RefundPayment, RequestPayment
from tradeflow_payment.app.retry_refunds import retry_refunds_round
from tradeflow_testing.access import CALLERS, expected, outcome
from tradeflow_testing.polling import eventually

from .support import NOW, announced, auth, callback, deliver, payment_service

BUYER, STAFF = auth("buyer-1"), auth("staff-1", "staff")


async def _paid(service, http, order_id: str, amount: int = 1000) -> str:
    await deliver(service, RequestPayment(order_id=order_id, buyer_id="buyer-1", amount=amount, currency="CNY",
                                          deadline=NOW + timedelta(minutes=30)))
    started = (await http.post("/payments", json={"order_id": order_id}, headers=BUYER)).json()
    assert (await callback(http, started["psp_reference"], order_id, amount)).json()["result"] == "recorded"
    return started["id"]


async def _refund(http, payment_id: str, amount: int, key: str | None, who: dict = STAFF, reason: str = "goodwill"):
    headers = who | ({"Idempotency-Key": key} if key is not None else {})
    return await http.post(f"/payments/{payment_id}/refunds", json={"amount": amount, "reason": reason},
                           headers=headers)


async def _refund_outcomes(service, order_id: str) -> list[tuple[str, dict]]:
    return [(t, p) for t, p in await announced(service, order_id) if t.startswith("payment.refund")]


async def _shown(http, payment_id: str) -> dict:
    return (await http.get(f"/payments/{payment_id}", headers=STAFF)).json()


async def test_staff_refund_part_then_the_rest_each_announced_with_the_running_total(
        service, http, provider, clock, order_id):
    payment_id = await _paid(service, http, order_id)
    first = await _refund(http, payment_id, 400, "k-1", reason="scratched on arrival")
    assert first.status_code == 201, first.text
    body = first.json()
    assert {k: body[k] for k in ("payment_id", "order_id", "amount", "currency", "status", "reason", "attempts",
                                 "requested_by")} == {
        "payment_id": payment_id, "order_id": order_id, "amount": 400, "currency": "CNY", "status": "succeeded",
        "reason": "scratched on arrival", "attempts": 1, "requested_by": "staff-1"}
    assert body["psp_reference"] == f"rf-{body['id']}" and "Idempotent-Replayed" not in first.headers
    clock.advance(minutes=5)
    rest = await _refund(http, payment_id, 600, "k-2")
    assert (rest.status_code, rest.json()["status"]) == (201, "succeeded")

    assert [(r["refund_reference"], r["amount"]) for r in provider.refunds] == [
        (body["id"], 400), (rest.json()["id"], 600)]
    outcomes = await _refund_outcomes(service, order_id)
    assert [(t, p["refund_id"], p["amount"], p["refunded_total"], p["paid_amount"]) for t, p in outcomes] == [
        ("payment.refunded", body["id"], 400, 400, 1000), ("payment.refunded", rest.json()["id"], 600, 1000, 1000)]
    shown = await _shown(http, payment_id)
    assert shown["refunded_amount"] == 1000
    assert [(r["id"], r["status"], r["requested_by"]) for r in shown["refunds"]] == [
        (body["id"], "succeeded", "staff-1"), (rest.json()["id"], "succeeded", "staff-1")]
    nothing_left = await _refund(http, payment_id, 1, "k-3")
    assert (nothing_left.status_code, nothing_left.json()["refundable_amount"]) == (409, 0)


async def test_a_refund_beyond_the_refundable_is_a_409_and_changes_nothing(service, http, provider, order_id):
    payment_id = await _paid(service, http, order_id)
    assert (await _refund(http, payment_id, 400, "k-1")).status_code == 201
    before = (await _shown(http, payment_id), await announced(service, order_id), list(provider.refunds))

    beyond = await _refund(http, payment_id, 601, "k-2")
    assert beyond.status_code == 409 and beyond.headers["content-type"] == "application/problem+json"
    problem = beyond.json()
    assert problem["type"].endswith("/refund-exceeds-paid") and problem["refundable_amount"] == 600
    assert "refundable 600" in problem["detail"], problem["detail"]
    assert (await _shown(http, payment_id), await announced(service, order_id), provider.refunds) == before

    corrected = await _refund(http, payment_id, 600, "k-2")  # the refused request left no claim on its key
    assert (corrected.status_code, corrected.json()["amount"]) == (201, 600)


async def test_the_same_key_twice_refunds_once(service, http, provider, order_id):
    payment_id = await _paid(service, http, order_id)
    first = await _refund(http, payment_id, 300, "k-1")
    again = await _refund(http, payment_id, 300, "k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(provider.refunds) == 1 and len(await _refund_outcomes(service, order_id)) == 1
    shown = await _shown(http, payment_id)
    assert (shown["refunded_amount"], len(shown["refunds"])) == (300, 1)


async def test_the_same_key_with_another_body_is_a_409(service, http, provider, order_id):
    payment_id = await _paid(service, http, order_id)
    assert (await _refund(http, payment_id, 300, "k-1")).status_code == 201
    for other in ({"amount": 301}, {"reason": "another reason"}):
        body = {"amount": 300, "reason": "goodwill"} | other
        reused = await http.post(f"/payments/{payment_id}/refunds", json=body,
                                 headers=STAFF | {"Idempotency-Key": "k-1"})
        assert outcome(reused) == (409, "idempotency-key-reused"), reused.text
    assert len(provider.refunds) == 1 and (await _shown(http, payment_id))["refunded_amount"] == 300


async def test_without_an_idempotency_key_it_is_refused_naming_the_header(service, http, provider, order_id):
    payment_id = await _paid(service, http, order_id)
    for key in (None, ""):
        missing = await _refund(http, payment_id, 300, key)
        assert outcome(missing) == (400, "idempotency-key-required"), missing.text
        assert [e["field"] for e in missing.json()["errors"]] == ["Idempotency-Key"]
    assert provider.refunds == [] and (await _shown(http, payment_id))["refunds"] == []


async def test_only_staff_refund(service, http, provider, order_id):
    payment_id = await _paid(service, http, order_id)
    seen = {name: outcome(await _refund(http, payment_id, 1, f"k-{n}", who=headers))
            for n, (name, headers) in enumerate(CALLERS.items())}
    assert seen == expected({"staff": (201, None)})
    assert [r["amount"] for r in provider.refunds] == [1]


async def test_an_unknown_payment_is_a_404_and_one_that_took_no_money_a_409(service, http, provider, order_id):
    assert outcome(await _refund(http, "pay_nothing", 100, "k-1")) == (404, "not-found")
    await deliver(service, RequestPayment(order_id=order_id, buyer_id="buyer-1", amount=1000, currency="CNY",
                                          deadline=NOW + timedelta(minutes=30)))
    pending = (await http.post("/payments", json={"order_id": order_id}, headers=BUYER)).json()
    refused = await _refund(http, pending["id"], 100, "k-2")
    assert outcome(refused) == (409, "payment-not-succeeded") and "pending" in refused.json()["detail"]
    await callback(http, pending["psp_reference"], order_id, 1000, "failed")
    assert outcome(await _refund(http, pending["id"], 100, "k-2")) == (409, "payment-not-succeeded")
    assert provider.refunds == [] and await _refund_outcomes(service, order_id) == []


async def test_bad_amounts_and_reasons_are_422_naming_the_field(service, http, order_id):
    payment_id = await _paid(service, http, order_id)
    for body, field in (({"amount": 0, "reason": "x"}, "amount"), ({"amount": "100", "reason": "x"}, "amount"),
                        ({"amount": 100}, "reason"), ({"amount": 100, "reason": "x\x00"}, "reason"),
                        ({"amount": 100, "reason": "x", "payment_id": "p"}, "payment_id")):
        r = await http.post(f"/payments/{payment_id}/refunds", json=body, headers=STAFF | {"Idempotency-Key": "k"})
        assert r.status_code == 422 and field in [e["field"] for e in r.json()["errors"]], (body, r.text)


async def test_an_unreachable_provider_answers_202_pending_and_the_retry_job_makes_it(
        service, http, provider, clock, order_id):
    payment_id = await _paid(service, http, order_id)
    provider.unavailable = True
    accepted = await _refund(http, payment_id, 400, "k-1")
    assert accepted.status_code == 202, accepted.text
    assert (accepted.json()["status"], accepted.json()["attempts"]) == ("pending", 1)
    assert "503" in accepted.json()["last_error"] and await _refund_outcomes(service, order_id) == []
    beyond = await _refund(http, payment_id, 601, "k-2")  # the pending 400 counts against the 1000
    assert outcome(beyond) == (409, "refund-exceeds-paid") and beyond.json()["refundable_amount"] == 600

    provider.unavailable = False
    clock.advance(seconds=2)
    scope, policy = service.state.refund_retry
    assert await retry_refunds_round(scope, service.state.api.collaborators, policy) == 1
    [(kind, event)] = await _refund_outcomes(service, order_id)
    assert (kind, event["refund_id"], event["refunded_total"]) == ("payment.refunded", accepted.json()["id"], 400)
    [made] = (await _shown(http, payment_id))["refunds"]
    assert (made["status"], made["attempts"]) == ("succeeded", 2)
    assert [r["refund_reference"] for r in provider.refunds] == [accepted.json()["id"]]


async def test_a_refund_the_provider_refuses_is_recorded_failed_and_announced(service, http, provider, order_id):
    payment_id = await _paid(service, http, order_id)
    provider.refuse = "422 from the payment provider: amount_exceeds_captured"
    refused = await _refund(http, payment_id, 400, "k-1")
    assert refused.status_code == 201, refused.text
    assert refused.json()["status"] == "failed" and "amount_exceeds_captured" in refused.json()["failure_reason"]
    [(kind, event)] = await _refund_outcomes(service, order_id)
    assert (kind, event["refund_id"]) == ("payment.refund-failed", refused.json()["id"])
    assert "amount_exceeds_captured" in event["reason"]
    provider.refuse = None
    assert (await _refund(http, payment_id, 1000, "k-2")).status_code == 201  # a failed refund frees its amount


async def test_a_staff_refund_and_the_sagas_share_the_limit(service, http, provider, order_id):
    payment_id = await _paid(service, http, order_id)
    assert (await _refund(http, payment_id, 700, "k-1")).status_code == 201
    await deliver(service, RefundPayment(order_id=order_id, refund_id="saga-r-1", amount=301, reason="cancelled"))
    kinds = [(t, p["refund_id"]) for t, p in await _refund_outcomes(service, order_id)]
    assert kinds[-1] == ("payment.refund-failed", "saga-r-1")
    await deliver(service, RefundPayment(order_id=order_id, refund_id="saga-r-2", amount=300, reason="cancelled"))
    [*_, (kind, event)] = await _refund_outcomes(service, order_id)
    assert (kind, event["refunded_total"]) == ("payment.refunded", 1000)
    assert outcome(await _refund(http, payment_id, 1, "k-2")) == (409, "refund-exceeds-paid")


class _HeldProvider:
    """The fake provider, whose refunds wait until the test lets them through."""

    def __init__(self, provider) -> None:
        self.provider, self.called, self.release = provider, asyncio.Event(), asyncio.Event()

    def __getattr__(self, name):
        return getattr(self.provider, name)

    async def refund(self, **request):
        self.called.set()
        await self.release.wait()
        return await self.provider.refund(**request)


async def test_concurrent_refunds_of_one_payment_never_together_pass_the_limit(database_url, provider, clock, order_id):
    held = _HeldProvider(provider)
    async with payment_service(database_url, provider=held, clock=clock) as service, \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=service), base_url="http://payment") as http:
        held.release.set()  # paying asks nothing to refund
        payment_id = await _paid(service, http, order_id)
        held.release.clear()
        first = asyncio.create_task(_refund(http, payment_id, 600, "k-1"))
        await asyncio.wait_for(held.called.wait(), 10)  # the first holds the payable during its provider call
        second = asyncio.create_task(_refund(http, payment_id, 600, "k-2"))

        async def waiting_for_the_lock() -> bool:
            async with service.state.runtime.sessions() as session:
                waiting = await session.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE "
                                                    "wait_event_type = 'Lock' AND datname = current_database()"))
            return waiting >= 1

        await eventually(waiting_for_the_lock, 10, "the second refund waiting for the payable")
        held.release.set()
        answers = await asyncio.wait_for(asyncio.gather(first, second), 10)
    assert [outcome(a) for a in answers] == [(201, None), (409, "refund-exceeds-paid")]
    assert answers[1].json()["refundable_amount"] == 400
    assert [r["amount"] for r in provider.refunds] == [600]
