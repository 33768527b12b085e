"""Every command of the saga may be asked again (after its reply timeout, or staff's retry) and the
participants answer again: an answer for a step the case has passed changes nothing — it is
neither a second move nor a refusal that would park the case."""

from datetime import UTC, datetime

from tradeflow_contracts.after_sales import LinesCancelled, ReturnInspected, ReturnLine, ReturnReceived, StoppedLine
from tradeflow_contracts.fulfillment import ShipmentLine, ShipmentPlanned
from tradeflow_contracts.inventory import Allocation, StockReserved

AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


async def test_the_stop_answered_again_while_its_refund_is_awaited_changes_nothing(world):
    await world.order(world.line(quantity=2, unit_price=5000), status="awaiting_shipment")
    case = await world.opened("refund_only", ("L1", 1))
    await world.act(case["id"], "approve")
    decided = LinesCancelled(order_id="O-1", case_id=case["id"], outcome="decided", refund_id="O-1-cancel",
                             stopped=[StoppedLine(line_id="L1", quantity=1, amount=5000)], decided_at=AT)
    await world.reply(decided)
    world.clock.advance(minutes=11)
    assert await world.fire_deadlines() == 1  # no answer in time: asked again …
    await world.reply(decided.model_copy())  # … and answered again
    again = await world.case(case["id"])
    assert again["status"] == "refunding" and len(await world.sent("order.cancel-lines")) == 2
    assert [h["to"] for h in again["history"]].count("refunding") == 1


async def test_the_warehouse_reporting_twice_moves_the_case_once(world):
    await world.order(world.line())
    case = await world.opened()
    await world.act(case["id"], "approve")
    received = ReturnReceived(case_id=case["id"], order_id="O-1", warehouse="WH-1", received_at=AT)
    inspected = ReturnInspected(case_id=case["id"], order_id="O-1", warehouse="WH-1", outcome="failed",
                                note="dented", lines=[ReturnLine(line_id="L1", sku="SKU-L1", quantity=1)],
                                inspected_at=AT)
    for message in (received, received, inspected, received, inspected):
        await world.reply(message)
    seen = await world.case(case["id"])
    assert seen["status"] == "inspected_failed"
    assert [h["to"] for h in seen["history"]] == ["requested", "approved", "awaiting_return", "received",
                                                  "inspected_failed"]


async def test_a_replacement_planned_twice_ships_once(world):
    await world.order(world.line(quantity=1))
    case = await world.opened("exchange", ("L1", 1))
    await world.act(case["id"], "approve")
    await world.reply(StockReserved(order_id="O-1", sub_order_id=case["id"], reserved_at=AT, allocations=[
        Allocation(line_id="L1", sku="SKU-L1", warehouse="WH-1", quantity=1)]))
    await world.reply(ReturnReceived(case_id=case["id"], order_id="O-1", warehouse="WH-1", received_at=AT))
    await world.reply(ReturnInspected(case_id=case["id"], order_id="O-1", warehouse="WH-1", outcome="ok",
                                      lines=[ReturnLine(line_id="L1", sku="SKU-L1", quantity=1)], inspected_at=AT))
    planned = ShipmentPlanned(shipment_id="shp-9", order_id="O-1", order_ids=["O-1"], sub_order_ids=[case["id"]],
                              warehouse="WH-1", carrier="YTO", status="ready", planned_at=AT, dispatch_after=AT,
                              case_id=case["id"], lines=[ShipmentLine(order_id="O-1", sub_order_id=case["id"],
                                                                      line_id="L1", sku="SKU-L1", quantity=1)])
    await world.reply(planned)
    await world.reply(planned.model_copy())
    seen = await world.case(case["id"])
    assert (seen["status"], seen["replacement_shipment_id"]) == ("replacement_shipping", "shp-9")
