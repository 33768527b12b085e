"""refund_only before shipment: approval asks the order to stop the units (`CancelLines`); what is
stopped the order refunds (`LinesRefunded` for the refund it names) → refunded → completed; a
refusal is asked again after its backoff; units that go on make the case a return (the shipping
share forfeited), awaiting the parcel; a part stop splits the case: the stopped units stay and are
refunded by the order, the ones going on continue in a new, approved return case."""

from datetime import UTC, datetime

from tradeflow_contracts.after_sales import (
    GoingOnLine,
    LineMoney,
    LinesCancelled,
    LinesRefunded,
    LinesRefundFailed,
    StoppedLine,
)
from tradeflow_contracts.orders import WarehouseQuantity

AT = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)


def cancelled(case: dict, *, stopped: int = 0, going_on: int = 0, refused: bool = False,
              amount: int = 5500) -> LinesCancelled:
    return LinesCancelled(
        order_id=case["order_id"], case_id=case["id"], outcome="refused" if refused else "decided",
        reason="its own cancellation is under way" if refused else "",
        stopped=[StoppedLine(line_id="L1", quantity=stopped, amount=amount)] if stopped else [],
        going_on=[GoingOnLine(line_id="L1", quantity=going_on, problem="intercept_failed")] if going_on else [],
        refund_id="O-1-cancel-1" if stopped else None, decided_at=AT)


async def approved_before_shipment(world) -> dict:
    await world.order(world.line(quantity=2, unit_price=5000, shipping=1000, warehouse="WH-3"),
                      status="awaiting_shipment")
    case = await world.opened("refund_only", ("L1", 1))
    assert case["lines"][0]["refund"] == {"amount": 5500, "goods_amount": 5000, "shipping_amount": 500,
                                          "points_amount": 0, "shipping_refunded": True}
    return await world.act(case["id"], "approve")


async def test_stopped_units_are_refunded_by_the_order_and_the_case_completes(world):
    case = await approved_before_shipment(world)
    assert case["status"] == "approved"
    [ask] = await world.sent("order.cancel-lines")
    assert ask.payload["lines"] == [{"line_id": "L1", "quantity": 1, "amount": 5500, "points_amount": 0}]
    assert ask.payload["case_id"] == case["id"]
    await world.reply(cancelled(case, stopped=1))
    assert (await world.case(case["id"]))["status"] == "refunding"
    assert not await world.sent("order.refund-lines")  # the order refunds what it stopped
    await world.reply(LinesRefunded(order_id="O-1", case_id=case["id"], refund_id="O-1-cancel-1", amount=5500,
                                    lines=[LineMoney(line_id="L1", amount=5500)], refunded_at=AT))
    done = await world.case(case["id"])
    assert (done["status"], done["refunded_amount"]) == ("completed", 5500)


async def test_a_refused_stop_is_asked_again_after_its_backoff(world):
    case = await approved_before_shipment(world)
    await world.reply(cancelled(case, refused=True))
    world.clock.advance(seconds=2)
    assert await world.fire_deadlines() == 1
    assert len(await world.sent("order.cancel-lines")) == 2
    await world.reply(cancelled(case, stopped=1))
    assert (await world.case(case["id"]))["status"] == "refunding"


async def test_an_order_shipped_before_the_approval_makes_the_case_a_return_at_once(world):
    """Opened before shipment, approved after it: the order refuses to stop what already left
    (not-before-shipment) — asking again could never succeed, so the case becomes a return."""
    case = await approved_before_shipment(world)
    await world.reply(LinesCancelled(order_id=case["order_id"], case_id=case["id"], outcome="refused",
                                     reason="not-before-shipment: the order is shipped", decided_at=AT))
    now_a_return = await world.case(case["id"])
    assert (now_a_return["type"], now_a_return["status"], now_a_return["refund_amount"]) == (
        "return_and_refund", "awaiting_return", 5000)  # the shipping share forfeited
    [expect] = await world.sent("fulfillment.expect-return")
    assert expect.payload["warehouse"] == "WH-3"
    assert len(await world.sent("order.cancel-lines")) == 1  # not asked again


async def test_a_cancelled_order_refusing_the_stop_is_asked_again_not_made_a_return(world):
    case = await approved_before_shipment(world)
    await world.reply(LinesCancelled(order_id=case["order_id"], case_id=case["id"], outcome="refused",
                                     reason="not-before-shipment: the order is cancelled", decided_at=AT))
    assert ((await world.case(case["id"]))["type"], await world.sent("fulfillment.expect-return")) == (
        "refund_only", [])
    world.clock.advance(seconds=2)
    assert await world.fire_deadlines() == 1
    assert len(await world.sent("order.cancel-lines")) == 2


async def test_units_that_go_on_make_the_case_a_return_without_the_shipping_share(world):
    case = await approved_before_shipment(world)
    await world.reply(cancelled(case, going_on=1))
    now_a_return = await world.case(case["id"])
    assert (now_a_return["type"], now_a_return["status"], now_a_return["refund_amount"]) == (
        "return_and_refund", "awaiting_return", 5000)
    [expect] = await world.sent("fulfillment.expect-return")
    assert expect.payload["warehouse"] == "WH-3"
    assert now_a_return["return_deadline"] is not None


async def test_a_part_stop_keeps_the_stopped_units_and_the_rest_continue_as_an_approved_return(world):
    await world.order(world.line(quantity=2, unit_price=5000, warehouse="WH-3"), status="awaiting_shipment")
    case = await world.opened("refund_only", ("L1", 2))
    await world.act(case["id"], "approve")
    await world.reply(cancelled(case, stopped=1, going_on=1, amount=5000))
    first = await world.case(case["id"])
    assert (first["status"], first["refund_amount"]) == ("refunding", 5000) and first["continued_by"]
    assert [(ln["quantity"], ln["refund"]["amount"]) for ln in first["lines"]] == [(1, 5000)]
    assert first["history"][-2]["event"] == "split"
    rest = await world.case(first["continued_by"])
    assert (rest["type"], rest["status"], rest["split_from"], rest["buyer_id"]) == (
        "return_and_refund", "awaiting_return", case["id"], first["buyer_id"])
    assert [(ln["quantity"], ln["refund"]["amount"]) for ln in rest["lines"]] == [(1, 5000)]
    assert rest["return_deadline"] is not None and rest["history"][0]["event"] == "continue"
    [expect] = await world.sent("fulfillment.expect-return")
    assert (expect.payload["case_id"], expect.payload["warehouse"]) == (rest["id"], "WH-3")
    assert await world.statuses(rest["id"]) == ["awaiting_return"]
    await world.reply(LinesRefunded(order_id="O-1", case_id=case["id"], refund_id="O-1-cancel-1", amount=5000,
                                    lines=[LineMoney(line_id="L1", amount=5000)], refunded_at=AT))
    done = await world.case(case["id"])
    assert (done["status"], done["refunded_amount"]) == ("completed", 5000)
    assert not await world.sent("order.refund-lines")  # the order refunded the stopped unit itself


async def test_a_return_goes_to_the_warehouse_the_going_on_units_shipped_from(world):
    """The order's facts hold most units in WH-3, but the parcel that went on left WH-9 (the order
    names it in LinesCancelled): the parcel goes back there, for a whole return or a part stop."""
    facts = world.line(quantity=3, unit_price=5000, warehouse=None).model_copy(update={"warehouses": [
        WarehouseQuantity(code="WH-3", quantity=2), WarehouseQuantity(code="WH-9", quantity=1)]})
    await world.order(facts, status="awaiting_shipment")
    case = await world.opened("refund_only", ("L1", 3))
    await world.act(case["id"], "approve")
    await world.reply(LinesCancelled(
        order_id=case["order_id"], case_id=case["id"], outcome="decided", refund_id="O-1-cancel-1", decided_at=AT,
        stopped=[StoppedLine(line_id="L1", quantity=2, amount=10000)],
        going_on=[GoingOnLine(line_id="L1", quantity=1, problem="partial-parcel-on-its-way", warehouse="WH-9")]))
    rest = await world.case((await world.case(case["id"]))["continued_by"])
    [expect] = await world.sent("fulfillment.expect-return")
    assert (expect.payload["case_id"], expect.payload["warehouse"]) == (rest["id"], "WH-9")
    assert rest["return_to"] == {"warehouse": "WH-9"}


async def test_before_shipment_only_refund_only_is_allowed(world):
    await world.order(world.line(), status="awaiting_shipment")
    r = await world.open("return_and_refund", ("L1", 1))
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[1]) == (409, "type-not-allowed")


async def test_units_the_order_stopped_for_a_case_are_counted_once(world):
    case = await approved_before_shipment(world)
    await world.reply(cancelled(case, stopped=1))
    # the order tells of the stopped unit as cancelled: the case's claim and the order's cancel are one
    await world.order(world.line(quantity=2, unit_price=5000, shipping=1000, warehouse="WH-3",
                                 cancelled_quantity=1, cancelled_amount=5500), status="awaiting_shipment")
    other = await world.opened("refund_only", ("L1", 1))
    assert other["lines"][0]["refund"]["amount"] == 5500  # the last unit: what the line has left
    assert (await world.open("refund_only", ("L1", 1))).status_code == 409


async def test_a_failed_refund_of_the_stopped_units_is_asked_as_the_case_refund(world):
    case = await approved_before_shipment(world)
    await world.reply(cancelled(case, stopped=1))
    await world.reply(LinesRefundFailed(order_id="O-1", case_id=case["id"], refund_id="O-1-cancel-1",
                                        reason="psp unavailable", retryable=True, failed_at=AT))
    assert (await world.case(case["id"]))["status"] == "refunding"
    [ask] = await world.sent("order.refund-lines")
    assert (ask.payload["refund_id"], ask.payload["lines"][0]["amount"]) == (f"{case['id']}-r1", 5500)


async def test_after_a_part_stop_the_stopped_unit_is_gone_and_the_continued_one_is_held(world):
    await world.order(world.line(quantity=2, unit_price=5000), status="awaiting_shipment")
    case = await world.opened("refund_only", ("L1", 2))
    await world.act(case["id"], "approve")
    await world.reply(cancelled(case, stopped=1, going_on=1, amount=5000))
    await world.order(world.line(quantity=2, unit_price=5000, cancelled_quantity=1, cancelled_amount=5000),
                      status="shipped")
    rest = (await world.case(case["id"]))["continued_by"]
    assert (await world.open("return_and_refund", ("L1", 1))).status_code == 409  # both units are held
    await world.act(rest, "cancel", {"reason": "I keep it"})
    again = await world.opened("return_and_refund", ("L1", 1))  # the delivered unit, free again
    assert again["lines"][0]["refund"]["amount"] == 5000
    assert (await world.open("return_and_refund", ("L1", 1))).status_code == 409  # the stopped one is gone
