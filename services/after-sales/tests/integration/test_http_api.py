"""The after-sales API on the real app and database: each refusal its problem type, idempotent
opening, who may do what, staff's override and goodwill, lists and the ops view, and concurrent
cases on one line that never claim more than its quantity."""

import asyncio
from datetime import timedelta

from tradeflow_testing.access import bearer, outcome

BUYER, OTHER, STAFF = bearer("buyer-1", "buyer"), bearer("buyer-2", "buyer"), bearer("staff-1", "staff")
MERCHANT, OTHER_MERCHANT = bearer("m1-user", "merchant", merchant_id="m-1"), bearer("m9", "merchant", merchant_id="m-9")


async def test_each_refusal_is_its_problem_type(world):
    await world.order(world.line(quantity=2))
    assert outcome(await world.open(reason=" ")) == (422, "invalid-case")
    assert (await world.open(reason=" ")).json()["errors"] == [{"field": "reason", "message": "reason is required"}]
    assert outcome(await world.open("return_and_refund", ("L9", 1))) == (422, "line-not-in-order")
    assert outcome(await world.open("return_and_refund", ("L1", 3))) == (409, "quantity-exceeds-claimable")
    assert outcome(await world.open("repair")) == (422, "validation-failed")
    case = await world.opened()
    await world.act(case["id"], "approve")
    r = await world.http.post(f"/after-sales/{case['id']}/approve", json={}, headers=STAFF)
    assert outcome(r) == (409, "illegal-transition")
    r = await world.http.post(f"/after-sales/{case['id']}/override", json={"refund_amount": 99999, "reason": "x"},
                              headers=STAFF)
    assert outcome(r) == (409, "override-exceeds-refundable")
    assert outcome(await world.http.get("/after-sales/as_none", headers=STAFF)) == (404, "case-not-found")


async def test_an_order_not_eligible_or_out_of_its_window_is_refused(world):
    await world.order(world.line(), status="pending_payment")
    assert outcome(await world.open()) == (409, "order-not-eligible")
    signed = world.clock.now() - timedelta(days=8)
    await world.order(world.line(), status="completed", signed_at=signed)
    assert outcome(await world.open()) == (409, "window-expired")


async def test_the_newest_order_facts_win_whatever_order_they_come_in(world):
    newer = await world.order(world.line(), status="completed", signed_at=world.clock.now())
    older = newer.model_copy(update={"version": newer.version - 1, "status": "pending_payment"})
    await world.reply(older)
    assert (await world.open()).status_code == 201


async def test_the_same_post_twice_is_one_case_and_another_body_under_the_key_is_refused(world):
    await world.order(world.line(quantity=2))
    first = await world.open(key="same")
    again = await world.open(key="same")
    assert (first.status_code, again.status_code, again.headers["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.json() == first.json()
    assert outcome(await world.open("return_and_refund", ("L1", 2), key="same")) == (409, "idempotency-key-reused")
    r = await world.http.post("/after-sales", json={"order_id": "O-1"}, headers=BUYER)
    assert outcome(r) in ((400, "idempotency-key-required"), (422, "validation-failed"))
    listed = await world.http.get("/after-sales", headers=STAFF)
    assert [c["id"] for c in listed.json()["items"]] == [first.json()["id"]]


async def test_who_may_open_read_and_review(world):
    await world.order(world.line())
    assert outcome(await world.open(headers=OTHER)) == (403, "forbidden")
    assert outcome(await world.open(headers=MERCHANT)) == (403, "forbidden")
    case = await world.opened()
    read = {name: outcome(await world.http.get(f"/after-sales/{case['id']}", headers=h))
            for name, h in {"owner": BUYER, "other": OTHER, "merchant": MERCHANT, "other merchant": OTHER_MERCHANT,
                            "staff": STAFF, "none": {}}.items()}
    assert read == {"owner": (200, None), "other": (403, "forbidden"), "merchant": (200, None),
                    "other merchant": (403, "forbidden"), "staff": (200, None), "none": (401, "unauthenticated")}
    for who in (BUYER, MERCHANT):  # merchant review is off by default
        r = await world.http.post(f"/after-sales/{case['id']}/approve", json={}, headers=who)
        assert outcome(r) == (403, "forbidden")
    for action in ("retry", "override", "goodwill", "force-close"):
        r = await world.http.post(f"/after-sales/{case['id']}/{action}", json={}, headers=BUYER)
        assert outcome(r) == (403, "forbidden")
    assert (await world.http.get("/after-sales", headers=OTHER)).json()["items"] == []


async def test_a_merchant_reviews_its_own_cases_when_allowed(merchant_world):
    world = merchant_world
    await world.order(world.line("L1", merchant="m-1"), world.line("L2", merchant="m-2"))
    own, mixed = await world.opened("return_and_refund", ("L1", 1)), await world.opened(
        "return_and_refund", ("L1", 1), ("L2", 1))
    approved = await world.act(own["id"], "approve", headers=MERCHANT)
    assert approved["history"][1]["actor"] == "merchant:m-1"
    r = await world.http.post(f"/after-sales/{mixed['id']}/reject", json={"reason": "no"}, headers=MERCHANT)
    assert outcome(r) == (403, "forbidden")
    r = await world.http.post(f"/after-sales/{own['id']}/approve", json={}, headers=OTHER_MERCHANT)
    assert outcome(r) == (403, "forbidden")


async def test_staff_override_and_goodwill_are_recorded_with_their_reasons(world):
    await world.order(world.line(quantity=2, unit_price=5000))
    case = await world.opened()
    overridden = await world.act(case["id"], "override", {"refund_amount": 4200, "reason": "worn"})
    assert (overridden["refund_amount"], overridden["override"]["reason"]) == (4200, "worn")
    given = await world.act(case["id"], "goodwill", {"kind": "shipping_subsidy", "amount": 800, "reason": "late"})
    assert given["goodwill"][0]["kind"] == "shipping_subsidy" and given["refund_amount"] == 4200
    assert [h["event"] for h in given["history"]] == ["open", "override", "goodwill"]


async def test_lists_page_filter_and_show_what_is_overdue(world):
    await world.order(world.line(quantity=5))
    ids = [(await world.opened("return_and_refund", ("L1", 1)))["id"] for _ in range(3)]
    await world.act(ids[0], "approve")
    page = (await world.http.get("/after-sales", params={"limit": 2}, headers=STAFF)).json()
    rest = (await world.http.get("/after-sales", params={"limit": 2, "cursor": page["next_cursor"]},
                                 headers=STAFF)).json()
    assert len(page["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert {c["id"] for c in page["items"] + rest["items"]} == set(ids)
    requested = (await world.http.get("/after-sales", params={"status": "requested", "order_id": "O-1"},
                                      headers=STAFF)).json()
    assert {c["id"] for c in requested["items"]} == set(ids[1:])
    assert (await world.http.get("/after-sales", params={"overdue": "true"}, headers=STAFF)).json()["items"] == []
    world.clock.advance(days=8)
    overdue = (await world.http.get("/after-sales", params={"overdue": "true"}, headers=STAFF)).json()
    assert {c["id"] for c in overdue["items"]} == set(ids)  # two pending review, one past its return deadline
    assert outcome(await world.http.get("/after-sales", params={"status": "lost"}, headers=STAFF)) == (
        422, "validation-failed")


async def test_concurrent_cases_on_one_line_never_claim_more_than_its_quantity(world):
    await world.order(world.line(quantity=3))
    answers = await asyncio.gather(*(world.open("return_and_refund", ("L1", 2)) for _ in range(4)))
    assert sorted(outcome(r) for r in answers) == [(201, None)] + [(409, "quantity-exceeds-claimable")] * 3
    again = await world.opened("return_and_refund", ("L1", 1))
    assert again["lines"][0]["quantity"] == 1
    assert outcome(await world.open("return_and_refund", ("L1", 1))) == (409, "quantity-exceeds-claimable")


async def test_a_rejected_case_frees_its_units(world):
    await world.order(world.line(quantity=1))
    case = await world.opened()
    await world.act(case["id"], "reject", {"reason": "outside policy"})
    assert (await world.open()).status_code == 201
