"""A paid order is never lost: when the PSP's webhook does not arrive, the payment service asks
the PSP before the order is closed. Through the gateway, with the PSP simulator settling payments
without notifying (`notify: false`, a lost webhook); the money is checked at the PSP itself."""

import os

import pytest
from platform_client import auth, eventually, line, order_body, unique

PSP_KEY = {"Authorization": f"Bearer {os.environ.get('TRADEFLOW_PSP_API_KEY', 'psp-dev-key')}"}


@pytest.fixture
async def merchant(platform):
    merchant = unique("m-rec")
    await platform.freight(merchant, 500)
    return merchant


async def _paid_silently(platform, buyer: str, order_id: str) -> dict:
    """The buyer pays at the PSP; the PSP never tells us (its webhook is lost)."""
    await platform.wait_step(order_id, "awaiting_payment")
    payment = await platform.start_payment(buyer, order_id)
    r = await platform.psp.post(f"/sim/payments/{payment['psp_reference']}", json={"outcome": "succeed",
                                                                                   "notify": False})
    assert r.status_code == 202, r.text
    return payment


async def _at_psp(platform, psp_reference: str) -> dict:
    r = await platform.psp.get(f"/v1/payments/{psp_reference}", headers=PSP_KEY)
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_payment_whose_webhook_was_lost_pays_the_order_at_the_deadline(platform, merchant):
    buyer, sku = "buyer-e2e-rec-1", await platform.product(merchant, 1500, prefix="SKU-R")
    placed = await platform.place(buyer, order_body([line(sku, 2)]))  # 2 × 1500 + 500 shipping
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["id"]
    payment = await _paid_silently(platform, buyer, order_id)
    # Nothing tells the payment service. At the deadline (ORDER_PAYMENT_TIMEOUT_SECONDS) the PSP
    # is asked and says it was paid.
    order = await platform.wait_order(order_id, lambda o: o["status"] != "pending_payment", "the deadline handled",
                                      timeout=90)
    assert (order["status"], order["payment_status"]) == ("awaiting_shipment", "paid")
    assert "cancel" not in [h["event"] for h in order["history"]]
    [paid] = await platform.payments_of(order_id)
    assert (paid["status"], paid["amount"], paid["refunded_amount"]) == ("succeeded", 3500, 0)
    at_psp = await _at_psp(platform, payment["psp_reference"])
    assert (at_psp["status"], at_psp["amount"], at_psp["refunded_amount"]) == ("succeeded", 3500, 0)


async def test_a_silent_payment_of_a_cancelled_order_is_found_and_refunded_in_full(platform):
    buyer, sku = "buyer-e2e-rec-2", await platform.product("m1", 4200, prefix="SKU-R")  # m1 ships free
    order_id = (await platform.place(buyer, order_body([line(sku, 1)]))).json()["id"]
    payment = await _paid_silently(platform, buyer, order_id)
    r = await platform.http.post(f"/orders/{order_id}/cancel", json={"reason": "changed my mind"},
                                 headers=auth(buyer, "buyer") | {"Idempotency-Key": unique("cancel")})
    assert r.status_code == 200, r.text
    # Closing the payment asks the PSP, finds the money, and the saga gives it back.
    order = await platform.wait_order(order_id, lambda o: o["payment_status"] == "refunded", "refunded", timeout=60)
    assert (order["status"], order["refunded_amount"]) == ("cancelled", 4200)
    at_psp = await eventually(lambda: _at_psp(platform, payment["psp_reference"]),
                              lambda p: p["refunded_amount"] == 4200, 30, "refunded at the PSP")
    assert (at_psp["status"], at_psp["amount"]) == ("succeeded", 4200)
    [paid] = await platform.payments_of(order_id)
    assert (paid["status"], paid["refunded_amount"]) == ("succeeded", 4200)
    await eventually(lambda: platform.stock_of(sku), lambda s: s["reserved"] == 0, 30, "stock released")
