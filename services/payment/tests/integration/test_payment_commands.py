"""The commands of the order saga, handled on a real database, with a fake provider."""

from datetime import timedelta

import pytest

from tradeflow_contracts.payments import ClosePayment, RefundPayment, RequestPayment
from tradeflow_kit.messaging.errors import PermanentError
from tradeflow_payment.app.reconcile import reconcile_round
from tradeflow_payment.domain.payment import ProviderState

from .support import NOW, announced, auth, callback, deliver


def _request(order_id: str, amount: int = 1000, **overrides) -> RequestPayment:
    fields = {"order_id": order_id, "buyer_id": "buyer-1", "amount": amount, "currency": "CNY",
              "deadline": NOW + timedelta(minutes=30)} | overrides
    return RequestPayment(**fields)


async def _paid(service, http, order_id: str, amount: int = 1000) -> str:
    """Pay the order through the API and a signed provider callback; returns the payment id."""
    await deliver(service, _request(order_id, amount))
    started = (await http.post("/payments", json={"order_id": order_id}, headers=auth("buyer-1"))).json()
    answer = await callback(http, started["psp_reference"], order_id, amount)
    assert answer.json()["result"] == "recorded"
    return started["id"]


async def test_a_requested_payment_waits_for_the_buyer_and_announces_nothing(service, http, order_id):
    await deliver(service, _request(order_id))
    response = await http.get("/payments", params={"order_id": order_id}, headers=auth("buyer-1"))
    assert response.json() == {"items": [], "next_cursor": None}
    assert await announced(service, order_id) == []


async def test_a_zero_amount_payment_succeeds_at_once_without_the_provider(service, http, provider, order_id):
    await deliver(service, _request(order_id, amount=0))
    [(kind, payload)] = await announced(service, order_id)
    assert kind == "payment.succeeded" and payload["amount"] == 0 and payload["psp_reference"] is None
    items = (await http.get("/payments", params={"order_id": order_id}, headers=auth("buyer-1"))).json()["items"]
    assert [(i["status"], i["amount"], i["psp_reference"]) for i in items] == [("succeeded", 0, None)]
    assert provider.opened == []


async def test_a_repeated_request_changes_nothing_and_other_terms_are_refused(service, order_id):
    await deliver(service, _request(order_id, amount=0))
    await deliver(service, _request(order_id, amount=0))
    assert len(await announced(service, order_id)) == 1
    with pytest.raises(PermanentError, match="other terms"):
        await deliver(service, _request(order_id, amount=500))


async def test_closing_expires_the_pending_payment_and_announces_it(service, http, order_id):
    await deliver(service, _request(order_id))
    started = (await http.post("/payments", json={"order_id": order_id}, headers=auth("buyer-1"))).json()
    await deliver(service, ClosePayment(order_id=order_id, reason="order cancelled"))
    payment = (await http.get(f"/payments/{started['id']}", headers=auth("buyer-1"))).json()
    assert payment["status"] == "expired"
    assert await announced(service, order_id) == [("payment.closed", {"order_id": order_id,
                                                                      "reason": "order cancelled"})]


async def test_closing_again_or_an_unknown_order_confirms_the_close(service, order_id):
    await deliver(service, _request(order_id))
    await deliver(service, ClosePayment(order_id=order_id, reason="deadline passed"))
    await deliver(service, ClosePayment(order_id=order_id, reason="order cancelled"))
    await deliver(service, ClosePayment(order_id="order-never-requested", reason="order cancelled"))
    assert [p["reason"] for _, p in await announced(service, order_id)] == ["deadline passed", "deadline passed"]
    assert [t for t, _ in await announced(service, "order-never-requested")] == ["payment.closed"]


async def test_partial_refunds_sum_up_and_never_exceed_what_was_paid(service, http, provider, order_id):
    payment_id = await _paid(service, http, order_id, 1000)
    for refund_id, amount in (("r-1", 300), ("r-2", 700), ("r-3", 1)):
        await deliver(service, RefundPayment(order_id=order_id, refund_id=refund_id, amount=amount, reason="return"))
    outcomes = [(t, p) for t, p in await announced(service, order_id) if t.startswith("payment.refund")]
    assert [(t, p.get("refunded_total"), p.get("paid_amount")) for t, p in outcomes] == [
        ("payment.refunded", 300, 1000), ("payment.refunded", 1000, 1000), ("payment.refund-failed", None, None)]
    assert "exceeds the refundable 0" in outcomes[2][1]["reason"]
    assert [r["refund_reference"] for r in provider.refunds] == ["r-1", "r-2"]
    payment = (await http.get(f"/payments/{payment_id}", headers=auth("buyer-1"))).json()
    assert payment["refunded_amount"] == 1000 and [r["amount"] for r in payment["refunds"]] == [300, 700]


async def test_a_repeated_refund_announces_its_first_outcome_without_refunding_twice(service, http, provider,
                                                                                     order_id):
    await _paid(service, http, order_id, 1000)
    refund = RefundPayment(order_id=order_id, refund_id="r-1", amount=400, reason="return")
    await deliver(service, refund)
    await deliver(service, refund)
    refunded = [p for t, p in await announced(service, order_id) if t == "payment.refunded"]
    assert len(refunded) == 2 and refunded[0] == refunded[1] and len(provider.refunds) == 1
    with pytest.raises(PermanentError):
        await deliver(service, RefundPayment(order_id=order_id, refund_id="r-1", amount=500, reason="return"))


async def test_a_refund_the_provider_refuses_is_announced_as_failed(service, http, provider, order_id):
    await _paid(service, http, order_id, 1000)
    provider.refuse = "422 from the payment provider: amount_exceeds_captured"
    await deliver(service, RefundPayment(order_id=order_id, refund_id="r-1", amount=100, reason="return"))
    [(kind, payload)] = [(t, p) for t, p in await announced(service, order_id) if t.startswith("payment.refund")]
    assert kind == "payment.refund-failed" and "amount_exceeds_captured" in payload["reason"]


async def test_a_refund_for_an_order_without_payment_is_announced_as_failed(service, order_id):
    await deliver(service, RefundPayment(order_id=order_id, refund_id="r-1", amount=100, reason="return"))
    assert [t for t, _ in await announced(service, order_id)] == ["payment.refund-failed"]


async def test_a_provider_answer_our_rules_refuse_neither_blocks_the_close_nor_stalls_reconciliation(
        service, http, provider, clock, order_id):
    await deliver(service, _request(order_id))
    started = (await http.post("/payments", json={"order_id": order_id}, headers=auth("buyer-1"))).json()
    provider.opened[0]["amount"] = 999  # the PSP reports another amount than we asked for
    provider.states[started["psp_reference"]] = ProviderState.SUCCEEDED
    await deliver(service, ClosePayment(order_id=order_id, reason="payment deadline passed"))
    assert [t for t, _ in await announced(service, order_id)] == ["payment.closed"]
    scope, policy = service.state.reconcile
    clock.advance(minutes=2)
    assert await reconcile_round(scope, service.state.api.collaborators, policy) == 1
    clock.advance(seconds=10)
    assert await reconcile_round(scope, service.state.api.collaborators, policy) == 0  # not before recheck


async def test_an_unreachable_provider_does_not_hold_the_close_up(service, http, provider, order_id):
    await deliver(service, _request(order_id))
    started = (await http.post("/payments", json={"order_id": order_id}, headers=auth("buyer-1"))).json()
    provider.unavailable = True
    await deliver(service, ClosePayment(order_id=order_id, reason="payment deadline passed"))
    assert [t for t, _ in await announced(service, order_id)] == ["payment.closed"]
    payment = (await http.get(f"/payments/{started['id']}", headers=auth("buyer-1"))).json()
    assert payment["status"] == "expired"  # and the reconciliation job asks again later


async def test_an_order_another_replica_is_reconciling_is_skipped(service, http, provider, clock, order_id):
    await deliver(service, _request(order_id))
    await http.post("/payments", json={"order_id": order_id}, headers=auth("buyer-1"))
    clock.advance(minutes=10)
    scope, policy = service.state.reconcile
    collaborators = service.state.api.collaborators
    async with scope.begin() as other:  # another replica holds the order
        assert await other.payables.claim_for_reconciliation(policy.criteria(clock.now())) == order_id
        assert await reconcile_round(scope, collaborators, policy) == 0
    assert await reconcile_round(scope, collaborators, policy) == 1
