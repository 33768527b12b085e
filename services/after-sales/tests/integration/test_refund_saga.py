"""The reverse saga's refund, on the real database: refund_only after shipment asks the order for
exactly the case's line shares and points (`RefundLines`, refund id `<case>-r<n>`), is done when
`LinesRefunded` comes; a failure worth retrying is asked again after its backoff under a new
refund id; failures past the last attempt, or a refusal, park the case until staff retry it."""

from datetime import UTC, datetime

from tradeflow_contracts.after_sales import LineMoney, LinesRefunded, LinesRefundFailed
from tradeflow_testing.access import bearer

STAFF = bearer("staff-1", "staff")
AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def refunded(case: dict, refund_id: str, amount: int, points: int = 0) -> LinesRefunded:
    return LinesRefunded(order_id=case["order_id"], case_id=case["id"], refund_id=refund_id, amount=amount,
                         points_amount=points, lines=[LineMoney(line_id="L1", amount=amount, points_amount=points)],
                         refunded_at=AT)


def refund_failed(case: dict, refund_id: str, retryable: bool = True) -> LinesRefundFailed:
    return LinesRefundFailed(order_id=case["order_id"], case_id=case["id"], refund_id=refund_id,
                             reason="psp unavailable" if retryable else "beyond what the line has left",
                             retryable=retryable, failed_at=AT)


async def approved_refund(world, **line) -> dict:
    await world.order(world.line(quantity=3, unit_price=3333, paid=9000, shipping=600, points=300, **line))
    case = await world.opened("refund_only", ("L1", 1))
    return await world.act(case["id"], "approve")


async def test_refund_only_after_shipment_refunds_the_line_share_and_points_and_completes(world):
    case = await approved_refund(world)
    assert case["status"] == "refunding"
    [ask] = await world.sent("order.refund-lines")
    # paid goods 8400 over 3 units → 2800; the shipping share is forfeited after shipment; points 100
    assert (ask.payload["refund_id"], ask.payload["order_id"]) == (f"{case['id']}-r1", "O-1")
    assert ask.payload["lines"] == [{"line_id": "L1", "amount": 2800, "points_amount": 100}]
    await world.reply(refunded(case, f"{case['id']}-r1", 2800, 100))
    done = await world.case(case["id"])
    assert (done["status"], done["refunded_amount"]) == ("completed", 2800)
    assert await world.statuses(case["id"]) == ["requested", "approved", "refunding", "refunded", "completed"]
    last = (await world.sent("after-sales.case-status-changed"))[-1].payload
    assert (last["open"], last["refund_amount"], last["refunded_amount"]) == (False, 2800, 2800)


async def test_a_refund_that_failed_is_asked_again_after_its_backoff_under_a_new_refund_id(world):
    case = await approved_refund(world)
    await world.reply(refund_failed(case, f"{case['id']}-r1"))
    assert (await world.case(case["id"]))["status"] == "refunding"
    assert await world.fire_deadlines() == 0  # the backoff has not passed
    world.clock.advance(seconds=2)
    assert await world.fire_deadlines() == 1
    asks = await world.sent("order.refund-lines")
    assert [a.payload["refund_id"] for a in asks] == [f"{case['id']}-r1", f"{case['id']}-r2"]
    await world.reply(refunded(case, f"{case['id']}-r2", 2800, 100))
    assert (await world.case(case["id"]))["status"] == "completed"


async def test_a_refund_that_keeps_failing_needs_attention_and_staff_retry_finishes_it(world):
    case = await approved_refund(world)
    for attempt in (1, 2, 3):  # AFTER_SALES_RETRY_MAX_ATTEMPTS = 3 here
        await world.reply(refund_failed(case, f"{case['id']}-r{attempt}"))
        world.clock.advance(seconds=10)
        await world.fire_deadlines()
    parked = await world.case(case["id"])
    assert parked["status"] == "needs_attention"
    assert (parked["attention"]["step"], parked["attention"]["status"]) == ("refunding", "refunding")
    assert "failed 3 times, last: psp unavailable" in parked["attention"]["reason"]
    assert len(await world.sent("order.refund-lines")) == 3
    r = await world.http.get("/after-sales", params={"overdue": "true"}, headers=STAFF)
    assert [c["id"] for c in r.json()["items"]] == [case["id"]]
    retried = await world.act(case["id"], "retry", {"reason": "psp is back"})
    assert retried["status"] == "refunding" and retried["attention"] is None
    assert (await world.sent("order.refund-lines"))[-1].payload["refund_id"] == f"{case['id']}-r4"
    assert await world.fire_deadlines() == 0  # just asked: asked again only after the reply timeout
    await world.reply(refunded(case, f"{case['id']}-r4", 2800, 100))
    assert (await world.case(case["id"]))["status"] == "completed"


async def test_a_refund_the_order_refuses_needs_attention_at_once(world):
    case = await approved_refund(world)
    await world.reply(refund_failed(case, f"{case['id']}-r1", retryable=False))
    parked = await world.case(case["id"])
    assert parked["status"] == "needs_attention" and "the order refused refund" in parked["attention"]["reason"]
    closed = await world.act(case["id"], "force-close", {"reason": "refunded by hand at the bank"})
    assert closed["status"] == "closed"


async def test_a_failure_of_an_older_refund_id_changes_nothing(world):
    case = await approved_refund(world)
    await world.reply(refund_failed(case, "someone-else-r9"))
    assert (await world.case(case["id"]))["status"] == "refunding"
    assert await world.fire_deadlines() == 0
