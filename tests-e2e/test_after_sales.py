"""After-sales money through the gateway and the whole stack (issue 12, "Prove it"): the buyer
opens a case, staff review it, the reverse saga runs through the order (units stopped, money and
points back line by line), fulfillment and the warehouse simulator (the return parcel received and
inspected) and inventory (restocked). After every scenario: refunded ≤ paid per line and per
order with the payment agreeing, and on hand = initial − shipped + restocked.

Timing: `make test` runs the after-sales saga with short retries (AFTER_SALES_RETRY_*), see the
Makefile's SHORT_DEADLINES."""

import pytest
from after_sales_desk import Desk, line, problem, the_line
from platform_client import unique

HIGH_VALUE = 1_050_000  # two units pass fulfillment's high-value threshold: the shipment waits for review


@pytest.fixture
def desk(platform, wms, tms) -> Desk:
    return Desk(platform, wms, tms)


@pytest.fixture
async def refunds_declined(platform):
    """Arms the PSP simulator's refund-failure switch (`count` refunds declined); always disarmed after."""
    async def arm(count: int) -> None:
        r = await platform.psp.post("/sim/refund-failures", json={"count": count, "mode": "declined"})
        assert r.status_code == 202, r.text
    yield arm
    await arm(0)


async def test_a_refund_before_shipment_stops_the_units_and_refunds_them(desk):
    sku, warehouse = await desk.sku("m-as1", HIGH_VALUE)
    order = await desk.paid(line(sku, 2))
    line_id = the_line(order, sku)["id"]
    case = await desk.opened(order["id"], "refund_only", (line_id, 1))
    assert (case["status"], case["refund_amount"], case["currency"]) == ("requested", HIGH_VALUE, "CNY")

    await desk.staff_did(case["id"], "approve")
    done = await desk.case_in(case["id"], "completed")
    assert done["refunded_amount"] == HIGH_VALUE
    order = await desk.money_agrees(order["id"], HIGH_VALUE)
    assert (order["status"], the_line(order, sku)["cancelled_quantity"]) == ("awaiting_shipment", 1)
    [shipment] = await desk.shipments(order["id"])
    assert sum(ln["quantity"] for ln in shipment["lines"]) == 1  # the other unit still goes
    await desk.platform.wait_order(order["id"], lambda o: [sum(ln["quantity"] for ln in s["lines"])
                                                          for s in o["shipments"]] == [1], "the order tracks one unit")
    await desk.stock_is(sku, warehouse, shipped=0, reserved=1)  # the stopped unit's stock released


async def test_a_partial_return_of_one_line_of_a_two_merchant_order_refunds_its_share_and_points(desk, platform):
    a, wa = await desk.sku("m-as2a", 1000)
    b, wb = await desk.sku("m-as2b", 500)
    coupon = unique("CPN-AS")
    await platform.coupon(coupon, amount=300)
    await platform.grant_points(desk.buyer, 100)
    order = await desk.paid(line(a, 2), line(b, 1), coupon_codes=[coupon], points_amount=100)
    la, lb = the_line(order, a), the_line(order, b)
    # By hand: 300 off over the goods (2000 : 500) → 240 on A, 60 on B; then 100 points over what is
    # left (1760 : 440) → 80 on A, 20 on B. A paid 2000 − 240 − 80 = 1680 for two units, B 420.
    assert (la["paid_amount"], lb["paid_amount"], order["paid_amount"]) == (1680, 420, 2100)
    await desk.delivered(order["id"])

    case = await desk.opened(order["id"], "return_and_refund", (la["id"], 1))
    assert (case["refund_amount"], case["points_amount"]) == (840, 40)  # one of A's two units; coupon not back
    await desk.staff_did(case["id"], "approve")
    await desk.case_in(case["id"], "awaiting_return")
    await desk.parcel_sent(case["id"])
    await desk.warehouse_inspects(case["id"], "inspect_ok")
    done = await desk.case_in(case["id"], "completed")
    assert done["refunded_amount"] == 840
    order = await desk.money_agrees(order["id"], 840)
    assert (the_line(order, a)["refunded_amount"], the_line(order, b)["refunded_amount"]) == (840, 0)
    assert (await platform.points(desk.buyer))["balance_amount"] == 40
    assert order["status"] == "completed"
    await desk.stock_is(a, wa, shipped=2, restocked=1)
    await desk.stock_is(b, wb, shipped=1)
    settled = await platform.wait_order(order["id"], lambda o: o["after_sales_in_progress"] is False,
                                        "no case open any more")
    assert [c["status"] for c in settled["after_sales"]] == ["completed"]


async def test_cases_on_one_line_never_claim_more_than_its_quantity(desk):
    sku, warehouse = await desk.sku("m-as3", 800)
    order = await desk.paid(line(sku, 2))
    await desk.delivered(order["id"])
    line_id = the_line(order, sku)["id"]
    whole = await desk.opened(order["id"], "return_and_refund", (line_id, 2))
    problem(await desk.open(order["id"], "refund_only", (line_id, 1)), 409, "quantity-exceeds-claimable")

    r = await desk.platform.http.post(f"/after-sales/{whole['id']}/cancel", json={"reason": "sent the wrong one"},
                                      headers=desk.buyer_auth | {"Idempotency-Key": unique("cxl")})
    assert (r.status_code, r.json()["status"]) == (200, "cancelled"), r.text
    first = await desk.opened(order["id"], "return_and_refund", (line_id, 1))
    second = await desk.opened(order["id"], "return_and_refund", (line_id, 1))
    assert (first["refund_amount"], second["refund_amount"]) == (800, 800)  # one unit each of 2 × 800
    problem(await desk.open(order["id"], "return_and_refund", (line_id, 1)), 409, "quantity-exceeds-claimable")
    await desk.money_agrees(order["id"], 0)  # nothing approved: nothing moved
    await desk.stock_is(sku, warehouse, shipped=2)


async def test_a_type_the_order_state_does_not_allow_and_a_repeated_post(desk):
    sku, warehouse = await desk.sku("m-as4", 700)
    order = await desk.paid(line(sku, 1))
    line_id = the_line(order, sku)["id"]
    problem(await desk.open(order["id"], "return_and_refund", (line_id, 1)), 409, "type-not-allowed")

    key = unique("same")
    first = await desk.open(order["id"], "refund_only", (line_id, 1), key=key)
    again = await desk.open(order["id"], "refund_only", (line_id, 1), key=key)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json()["id"] == first.json()["id"] and again.headers.get("Idempotent-Replayed") == "true"
    problem(await desk.open(order["id"], "refund_only", (line_id, 1), key=key, reason="another"), 409,
            "idempotency-key-reused")
    r = await desk.platform.http.get("/after-sales", params={"order_id": order["id"]}, headers=desk.buyer_auth)
    assert [c["id"] for c in r.json()["items"]] == [first.json()["id"]]
    await desk.money_agrees(order["id"], 0)  # requested, not reviewed: nothing moved
    await desk.stock_is(sku, warehouse, shipped=0, reserved=1)


async def test_staff_override_a_failed_inspection_refund_and_add_goodwill(desk):
    sku, warehouse, order, case = await desk.inspection_failed("m-as5", 1000, "scratched screen")

    problem(await desk.staff_does(case["id"], "override", {"refund_amount": 1001, "reason": "too much"}), 409,
            "override-exceeds-refundable")
    await desk.staff_did(case["id"], "override", {"refund_amount": 600, "reason": "scratched: 60%"})
    await desk.staff_did(case["id"], "goodwill", {"kind": "shipping_subsidy", "amount": 800,
                                                  "reason": "the buyer paid the return postage"})
    await desk.staff_did(case["id"], "refund", {"reason": "partial refund, scratched"})
    done = await desk.case_in(case["id"], "completed")
    assert (done["refunded_amount"], done["override"]["refund_amount"]) == (600, 600)
    assert [(g["kind"], g["amount"]) for g in done["goodwill"]] == [("shipping_subsidy", 800)]
    await desk.money_agrees(order["id"], 600)  # goodwill is paid outside the order's payment
    await desk.stock_is(sku, warehouse, shipped=1)  # a failed inspection restocks nothing


async def test_a_failed_inspection_rejected_refunds_nothing(desk):
    sku, warehouse, order, case = await desk.inspection_failed("m-as6", 900, "not our item")
    await desk.staff_did(case["id"], "reject", {"reason": "not the item sold: sent back"})
    done = await desk.case_in(case["id"], "rejected")
    assert done["refunded_amount"] is None
    await desk.money_agrees(order["id"], 0)
    await desk.stock_is(sku, warehouse, shipped=1)


@pytest.mark.serial  # arms the PSP simulator's global refund-failure switch
async def test_a_refund_the_payment_declines_once_is_asked_again_and_made_once(desk, refunds_declined):
    sku, _ = await desk.sku("m-as7", 1200)
    order = await desk.paid(line(sku, 1))
    await desk.delivered(order["id"])
    case = await desk.opened(order["id"], "refund_only", (the_line(order, sku)["id"], 1), reason="never arrived")
    await refunds_declined(1)
    await desk.staff_did(case["id"], "approve")
    done = await desk.case_in(case["id"], "completed")
    assert done["refunded_amount"] == 1200
    await desk.money_agrees(order["id"], 1200)
    [payment] = [p for p in await desk.platform.payments_of(order["id"]) if p["status"] == "succeeded"]
    assert sorted(r["status"] for r in payment["refunds"]) == ["failed", "succeeded"]


@pytest.mark.serial  # arms the PSP simulator's global refund-failure switch
async def test_a_refund_that_keeps_failing_needs_attention_and_staff_retry_finishes_it(desk, refunds_declined):
    sku, _ = await desk.sku("m-as8", 1300)
    order = await desk.paid(line(sku, 1))
    await desk.delivered(order["id"])
    case = await desk.opened(order["id"], "refund_only", (the_line(order, sku)["id"], 1), reason="never arrived")
    await refunds_declined(100)
    await desk.staff_did(case["id"], "approve")
    parked = await desk.case_in(case["id"], "needs_attention", timeout=60)
    assert parked["attention"]["step"] and parked["attention"]["reason"]
    r = await desk.platform.http.get("/after-sales", params={"overdue": "true", "order_id": order["id"]},
                                     headers=desk.staff)
    assert [c["id"] for c in r.json()["items"]] == [case["id"]]

    await refunds_declined(0)
    await desk.staff_did(case["id"], "retry", {"reason": "the PSP is fixed"})
    done = await desk.case_in(case["id"], "completed")
    assert done["refunded_amount"] == 1300
    await desk.money_agrees(order["id"], 1300)
