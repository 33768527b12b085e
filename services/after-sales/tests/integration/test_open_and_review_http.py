"""POST /after-sales, GET, review: the case is opened on the order's facts, priced by the rule,
kept with its history, and each refusal is its problem type."""

import asyncio

from tradeflow_after_sales.adapters.sqla_order_facts import CHANNEL as ORDER_FACTS
from tradeflow_testing.access import bearer, outcome
from tradeflow_testing.polling import poll_until

BUYER, STAFF = bearer("buyer-1", "buyer"), bearer("staff-1", "staff")


async def test_a_buyer_opens_a_return_and_staff_approve_it(world):
    await world.order(world.line(quantity=2, unit_price=5000))
    case = await world.opened("return_and_refund", ("L1", 1), description="the screen is cracked",
                              evidence=["https://img.example/1.jpg"])
    assert (case["status"], case["type"], case["refund_amount"], case["currency"]) == (
        "requested", "return_and_refund", 5000, "CNY")
    assert case["lines"][0]["refund"]["amount"] == 5000
    approved = await world.act(case["id"], "approve")
    assert approved["status"] == "awaiting_return"
    assert approved["return_to"] == {"warehouse": "WH-1"}
    [expect] = await world.sent("fulfillment.expect-return")
    assert (expect.payload["warehouse"], expect.payload["lines"]) == (
        "WH-1", [{"line_id": "L1", "sku": "SKU-L1", "quantity": 1}])
    assert await world.statuses(case["id"]) == ["requested", "approved", "awaiting_return"]
    again = await world.case(case["id"])
    assert [h["to"] for h in again["history"]] == ["requested", "approved", "awaiting_return"]


async def test_an_unknown_order_is_a_404_with_its_problem(world):
    assert outcome(await world.open(order_id="O-none")) == (404, "order-not-found")


async def test_a_case_opened_before_the_order_facts_came_waits_for_them(patient_world):
    world = patient_world  # the facts wake the waiting request long before its 30 s
    listener = world.app.state.runtime.listener
    await poll_until(lambda: _true(listener.listening.is_set()), bool, 10, "the listener")
    opening = asyncio.create_task(world.open(order_id="O-late"))
    await poll_until(lambda: _true(listener.watchers(ORDER_FACTS, "O-late")), bool, 10, "the request waiting")
    await world.order(world.line(), order_id="O-late")
    r = await asyncio.wait_for(opening, 10)
    assert (r.status_code, r.json()["order_id"]) == (201, "O-late")


async def test_a_refusal_for_the_order_state_waits_a_moment_for_newer_facts(patient_world):
    world = patient_world
    await world.order(world.line(), status="awaiting_shipment")  # the order ships meanwhile
    listener = world.app.state.runtime.listener
    await poll_until(lambda: _true(listener.listening.is_set()), bool, 10, "the listener")
    opening = asyncio.create_task(world.open("return_and_refund"))
    await poll_until(lambda: _true(listener.watchers(ORDER_FACTS, "O-1")), bool, 10, "the request waiting")
    await world.order(world.line(), status="shipped")
    r = await asyncio.wait_for(opening, 10)
    assert (r.status_code, r.json()["type"]) == (201, "return_and_refund")


async def _true(value) -> object:
    return value
