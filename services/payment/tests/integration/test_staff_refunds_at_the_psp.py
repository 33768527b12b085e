"""Staff refunds through the PSP simulator over real HTTP: the money goes back at the PSP exactly
once per request, even when the request is retried after a crash between the PSP's answer and
our commit (the refund id, derived from the Idempotency-Key, is the PSP's refund reference)."""

import uuid
from datetime import UTC, datetime, timedelta

from tradeflow_contracts.payments import RequestPayment
from tradeflow_testing.polling import poll_until

from .psp_stack import Stack, psp_stack
from .support import announced, auth, deliver

BUYER, STAFF = auth("buyer-1"), auth("staff-1", "staff")
PSP_KEY = {"Authorization": "Bearer psp-dev-key"}


async def _paid(stack: Stack, amount: int = 1000) -> dict:
    order_id = f"order-{uuid.uuid4().hex[:8]}"
    await deliver(stack.app, RequestPayment(order_id=order_id, buyer_id="buyer-1", amount=amount, currency="CNY",
                                            deadline=datetime.now(UTC) + timedelta(minutes=30)))
    started = await stack.http.post("/payments", json={"order_id": order_id}, headers=BUYER)
    assert started.status_code == 201, started.text
    payment = started.json()
    decided = await stack.psp.post(f"/sim/payments/{payment['psp_reference']}", json={"outcome": "succeed"})
    assert decided.status_code == 202, decided.text

    async def shown() -> dict:
        return (await stack.http.get(f"/payments/{payment['id']}", headers=BUYER)).json()

    return await poll_until(shown, lambda p: p["status"] == "succeeded", 10, "the payment succeeded")


async def _refund(stack: Stack, payment: dict, amount: int, key: str):
    return await stack.http.post(f"/payments/{payment['id']}/refunds", json={"amount": amount, "reason": "goodwill"},
                                 headers=STAFF | {"Idempotency-Key": key})


async def _at_psp(stack: Stack, payment: dict) -> int:
    return (await stack.psp.get(f"/v1/payments/{payment['psp_reference']}", headers=PSP_KEY)).json()["refunded_amount"]


async def test_part_then_the_rest_go_back_at_the_psp_and_no_more(stack):
    payment = await _paid(stack)
    part, rest = await _refund(stack, payment, 350, "k-1"), await _refund(stack, payment, 650, "k-2")
    assert [(r.status_code, r.json()["status"]) for r in (part, rest)] == [(201, "succeeded"), (201, "succeeded")]
    assert all(r.json()["psp_reference"].startswith("rf") for r in (part, rest))
    beyond = await _refund(stack, payment, 1, "k-3")
    assert beyond.status_code == 409 and beyond.json()["type"].endswith("/refund-exceeds-paid")
    assert await _at_psp(stack, payment) == 1000
    totals = [p["refunded_total"] for t, p in await announced(stack.app, payment["order_id"])
              if t == "payment.refunded"]
    assert totals == [350, 1000]


class _CrashAfterRefund:
    """The real provider client; the first refund it makes is followed by a crash (as if the
    service died between the PSP's answer and its commit)."""

    def __init__(self, provider) -> None:
        self.provider, self.crashed = provider, False

    def __getattr__(self, name):
        return getattr(self.provider, name)

    async def refund(self, **request):
        receipt = await self.provider.refund(**request)
        if not self.crashed:
            self.crashed = True
            raise RuntimeError("crashed after the PSP made the refund")
        return receipt


async def test_a_request_retried_after_a_crash_past_the_psp_refunds_once(database_url, tmp_path):
    async with psp_stack(database_url, str(tmp_path / "psp.sqlite3"), wrap=_CrashAfterRefund) as stack:
        payment = await _paid(stack)
        crashed = await _refund(stack, payment, 400, "k-1")
        assert crashed.status_code == 500, crashed.text
        assert await _at_psp(stack, payment) == 400  # made at the PSP, not recorded by us
        shown = (await stack.http.get(f"/payments/{payment['id']}", headers=STAFF)).json()
        assert shown["refunds"] == []

        retried = await _refund(stack, payment, 400, "k-1")
        assert (retried.status_code, retried.json()["status"]) == (201, "succeeded"), retried.text
        assert "Idempotent-Replayed" not in retried.headers  # the crashed request left no answer to replay
        assert await _at_psp(stack, payment) == 400  # the same refund reference: no second refund
        [(kind, event)] = [(t, p) for t, p in await announced(stack.app, payment["order_id"])
                           if t.startswith("payment.refund")]
        assert (kind, event["refund_id"], event["refunded_total"]) == ("payment.refunded", retried.json()["id"], 400)
