"""The payments HTTP API on a real database, with a fake provider and a fixed clock."""

import asyncio
from datetime import timedelta

import httpx

from tradeflow_contracts.payments import ClosePayment, RequestPayment
from tradeflow_payment.adapters.payable_notices import CHANNEL
from tradeflow_payment.settings import Settings
from tradeflow_testing.polling import eventually

from .support import NOW, auth, callback, deliver, payment_service, provider_event, signed


async def _payable(service, order_id: str, amount: int = 1000) -> None:
    await deliver(service, RequestPayment(order_id=order_id, buyer_id="buyer-1", amount=amount, currency="CNY",
                                          deadline=NOW + timedelta(minutes=30)))


async def _pay(http, order_id: str, who: str = "buyer-1", **headers):
    return await http.post("/payments", json={"order_id": order_id}, headers=auth(who) | headers)


async def test_the_buyer_starts_a_payment_at_the_provider(service, http, provider, order_id):
    await _payable(service, order_id)
    response = await _pay(http, order_id)
    assert response.status_code == 201
    body = response.json()
    assert (body["order_id"], body["status"], body["amount"], body["currency"]) == (order_id, "pending", 1000, "CNY")
    assert body["psp_reference"] == "psp-1" and body["pay_url"] == "http://psp.test/pay/psp-1"
    assert provider.opened == [{"merchant_reference": order_id, "amount": 1000, "currency": "CNY",
                                "notify_url": "http://127.0.0.1:8080/payments/psp/callbacks"}]


async def test_paying_again_while_pending_returns_the_pending_attempt(service, http, provider, order_id):
    await _payable(service, order_id)
    first, again = await _pay(http, order_id), await _pay(http, order_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and len(provider.opened) == 1


async def test_a_failed_attempt_may_be_followed_by_a_new_one(service, http, order_id):
    await _payable(service, order_id)
    first = (await _pay(http, order_id)).json()
    assert (await callback(http, first["psp_reference"], order_id, 1000, "failed")).status_code == 200
    second = await _pay(http, order_id)
    assert second.status_code == 201 and second.json()["psp_reference"] != first["psp_reference"]
    failed = (await http.get(f"/payments/{first['id']}", headers=auth("buyer-1"))).json()
    assert failed["status"] == "failed" and failed["failure_reason"]


async def test_refuses_orders_that_are_not_yours_closed_or_paid(service, http, clock, order_id):
    await _payable(service, order_id)
    assert (await _pay(http, order_id, who="buyer-2")).status_code == 403
    clock.advance(minutes=31)
    late = await _pay(http, order_id)
    assert late.status_code == 409 and late.json()["type"].endswith("/payment-closed")
    await _payable(service, f"{order_id}-free", amount=0)
    paid = await _pay(http, f"{order_id}-free")
    assert paid.status_code == 409 and paid.json()["type"].endswith("/already-paid")


async def test_a_payment_asked_for_before_the_order_is_payable_waits_and_starts_when_it_is(
        database_url, provider, clock, order_id):
    """Woken by the payable's commit (LISTEN/NOTIFY), well before its 60 s wait would end."""
    settings = Settings(database_url=database_url, wait_for_payable_seconds=60)
    async with payment_service(database_url, settings=settings, provider=provider, clock=clock) as service, \
            _client(service) as http:
        paying = asyncio.create_task(_pay(http, order_id, **{"Idempotency-Key": "k-early"}))
        listener = service.state.runtime.listener
        async def waiting() -> bool:
            return listener.watchers(CHANNEL, order_id) == 1

        await eventually(waiting, 10, "the request waiting for the payable")  # its first try found nothing
        assert not paying.done()
        await _payable(service, order_id)
        response = await asyncio.wait_for(paying, 10)
        assert response.status_code == 201 and response.json()["order_id"] == order_id
        again = await _pay(http, order_id, **{"Idempotency-Key": "k-early"})
        assert (again.status_code, again.json()["id"]) == (201, response.json()["id"]) and len(provider.opened) == 1


async def test_past_the_wait_an_order_not_payable_is_a_409_with_retry_after_never_a_404(
        database_url, provider, clock, order_id):
    settings = Settings(database_url=database_url, wait_for_payable_seconds=0.3, not_payable_retry_after_seconds=3)
    async with payment_service(database_url, settings=settings, provider=provider, clock=clock) as service, \
            _client(service) as http:
        response = await _pay(http, order_id)
        assert (response.status_code, response.headers["Retry-After"]) == (409, "3")
        assert response.json()["type"].endswith("/not-payable-yet") and order_id in response.json()["detail"]
        assert provider.opened == []


def _client(service) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=service), base_url="http://payment")


async def test_refuses_a_closed_payment_before_its_deadline(service, http, order_id):
    await _payable(service, order_id)
    await deliver(service, ClosePayment(order_id=order_id, reason="order cancelled"))
    closed = await _pay(http, order_id)
    assert closed.status_code == 409 and "order cancelled" in closed.json()["detail"]


async def test_only_buyers_pay_and_only_with_a_token(service, http, order_id):
    await _payable(service, order_id)
    assert (await http.post("/payments", json={"order_id": order_id})).status_code == 401
    staff = await http.post("/payments", json={"order_id": order_id}, headers=auth("staff-1", "staff"))
    assert staff.status_code == 403


async def test_an_idempotency_key_returns_the_original_response(service, http, provider, order_id):
    await _payable(service, order_id)
    first = await _pay(http, order_id, **{"Idempotency-Key": "k-1"})
    again = await _pay(http, order_id, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201) and again.json() == first.json()
    other = await http.post("/payments", json={"order_id": "another"},
                            headers=auth("buyer-1") | {"Idempotency-Key": "k-1"})
    assert other.status_code == 409 and other.json()["type"].endswith("/idempotency-key-reused")


async def test_an_unavailable_provider_is_a_503_and_leaves_nothing_behind(service, http, provider, order_id):
    await _payable(service, order_id)
    provider.unavailable = True
    response = await _pay(http, order_id)
    assert response.status_code == 503 and response.json()["type"].endswith("/psp-unavailable")
    listed = await http.get("/payments", params={"order_id": order_id}, headers=auth("buyer-1"))
    assert listed.json()["items"] == []


async def test_buyers_read_their_own_payments_and_staff_read_all(service, http, order_id):
    await _payable(service, order_id)
    payment_id = (await _pay(http, order_id)).json()["id"]
    assert (await http.get(f"/payments/{payment_id}", headers=auth("buyer-2"))).status_code == 403
    assert (await http.get(f"/payments/{payment_id}", headers=auth("ops-1", "staff"))).status_code == 200
    assert (await http.get("/payments/nope", headers=auth("ops-1", "staff"))).status_code == 404
    listed = await http.get("/payments", params={"order_id": order_id}, headers=auth("buyer-2"))
    assert listed.status_code == 403


async def test_lists_the_attempts_of_an_order_page_by_page(service, http, clock, order_id):
    await _payable(service, order_id)
    for _ in range(2):
        started = (await _pay(http, order_id)).json()
        await callback(http, started["psp_reference"], order_id, 1000, "failed")
        clock.advance(seconds=1)
    await _pay(http, order_id)
    first = (await http.get("/payments", params={"order_id": order_id, "limit": 2}, headers=auth("buyer-1"))).json()
    rest = (await http.get("/payments", params={"order_id": order_id, "limit": 2, "cursor": first["next_cursor"]},
                           headers=auth("buyer-1"))).json()
    assert [i["status"] for i in first["items"] + rest["items"]] == ["failed", "failed", "pending"]
    assert rest["next_cursor"] is None
    bogus = await http.get("/payments", params={"order_id": order_id, "cursor": "bm9wZQ=="}, headers=auth("buyer-1"))
    assert bogus.status_code == 400


async def test_callbacks_for_unknown_or_mismatching_payments_are_refused(service, http, order_id):
    await _payable(service, order_id)
    started = (await _pay(http, order_id)).json()
    assert (await callback(http, "psp-unknown", order_id, 1000)).status_code == 404
    assert (await callback(http, started["psp_reference"], order_id, 999)).status_code == 422
    assert (await callback(http, started["psp_reference"], "order-other", 1000)).status_code == 422
    malformed = provider_event(started["psp_reference"], order_id, 1000).replace(b"1000", b"\"lots\"")
    response = await http.post("/payments/psp/callbacks", content=malformed, headers=signed(malformed))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "amount"
    still = (await http.get(f"/payments/{started['id']}", headers=auth("buyer-1"))).json()
    assert still["status"] == "pending"
