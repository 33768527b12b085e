"""The order's side of after-sales on the real app and database, every message consumed as the
service consumes it (MessageProcessor: inbox, handler table, outbox; a dead letter fails the
test): OrderChanged with each change of a paid order, CancelLines stopping a case's units before
shipment, RefundLines refunding exactly a case's shares, CaseStatusChanged shown on the order,
and messages about a case's own goods leaving the order alone — also once its saga completed.

The order: SKU-A (m-1) 3 × 400 and SKU-B (m-2) 1 × 500, a 170 coupon (120 on A, 50 on B) and 340
points (240 on A, 100 on B): A paid 840, B 350, the order 1190."""

from datetime import UTC, datetime, timedelta

from tradeflow_contracts import after_sales as sales
from tradeflow_contracts import fulfillment as ful
from tradeflow_contracts.inventory import StockReserved
from tradeflow_contracts.payments import PaymentRefunded, RefundFailed
from tradeflow_kit.messaging.processor import Outcome
from tradeflow_testing.access import bearer, outcome

BUYER, STAFF = bearer("buyer-1", "buyer"), bearer("staff-1", "staff")
T0 = datetime(2026, 12, 6, 9, tzinfo=UTC)


async def paid_order(orders) -> dict:
    coupon = {"kind": "fixed", "amount": 170, "currency": "CNY"}
    assert (await orders.http.put("/catalog/coupons/C170", json=coupon, headers=STAFF)).status_code in (200, 201)
    granted = await orders.http.post("/catalog/points/buyer-1", json={"amount": 1000, "reason": "welcome"},
                                     headers=STAFF)
    assert granted.status_code in (200, 201), granted.text
    return await orders.paid("buyer-1", ("SKU-A", "m-1", 3, 400), ("SKU-B", "m-2", 1, 500), coupon_codes=["C170"],
                             points_amount=340)


async def seen(orders, order: dict) -> dict:
    return (await orders.http.get(f"/orders/{order['id']}", headers=BUYER)).json()


def lines(order: dict) -> list[dict]:
    return [ln for s in order["sub_orders"] for ln in s["lines"]]


async def payloads(orders, type_: str) -> list[dict]:
    found = await orders.published(type_)
    assert all(key == payload["order_id"] for key, payload in found)  # keyed by the order
    return [payload for _, payload in found]


async def points_balance(orders) -> int:
    return (await orders.http.get("/catalog/points/buyer-1", headers=BUYER)).json()["balance_amount"]


async def test_a_case_stops_its_units_before_shipment_and_the_order_refunds_exactly_them(orders, consumer):
    order = await paid_order(orders)
    a, b = lines(order)
    assert (a["paid_amount"], b["paid_amount"], a["discounts"]) == (840, 350, {"coupon": 120, "points": 240})
    [facts] = await payloads(orders, "order.changed")  # payment is the first change told
    assert (facts["version"], facts["status"], facts["paid_at"] is not None) == (1, "awaiting_shipment", True)
    assert [(f["points_amount"], f["cancelled_quantity"], f["warehouses"]) for f in facts["lines"]] == [
        (240, 0, [{"code": "WH-1", "quantity": 3, "incoming": False}]),
        (100, 0, [{"code": "WH-1", "quantity": 1, "incoming": False}])]

    ask = sales.CancelLines(order_id=order["id"], case_id="case-1", reason="ordered one too many",
                            requested_by="buyer:buyer-1", lines=[sales.CaseUnits(line_id=a["id"], quantity=1)])
    assert await consumer.take(ask) is Outcome.PROCESSED
    [stop] = await payloads(orders, "fulfillment.stop-fulfillment")
    assert [(ln["line_id"], ln["quantity"]) for ln in stop["lines"]] == [(a["id"], 1)]  # just the case's units
    refused = await orders.http.post(f"/orders/{order['id']}/cancel", json={"reason": "mind"},
                                     headers=BUYER | {"Idempotency-Key": "c-1"})
    assert outcome(refused) == (409, "cancellation-in-progress")

    stopped = ful.FulfillmentStopped(
        order_id=order["id"], reason="ordered one too many", decided_at=T0, going_on=[], stopped=[ful.StoppedUnits(
            line_id=a["id"], sub_order_id=order["sub_orders"][0]["id"], quantity=1, warehouse="WH-1")])
    assert await consumer.take(stopped) is Outcome.PROCESSED
    [answer] = await payloads(orders, "order.lines-cancelled")
    refund_id = f"{order['id']}-cancel-case-1"
    assert (answer["outcome"], answer["stopped"], answer["going_on"], answer["refund_id"]) == (
        "decided", [{"line_id": a["id"], "quantity": 1, "amount": 280}], [], refund_id)
    [refund] = await payloads(orders, "payment.refund-payment")
    assert (refund["refund_id"], refund["amount"]) == (refund_id, 280)
    [release] = await payloads(orders, "inventory.release-stock")
    assert release["units"] == [{"line_id": a["id"], "warehouse": "WH-1", "quantity": 1}]
    shown = await seen(orders, order)
    assert (shown["status"], shown["cancellation"], shown["history"][-1]["event"]) == (
        "awaiting_shipment", None, "case_lines_cancelled")  # the buyer did not cancel
    assert [(ln["cancelled_quantity"], ln["cancelled_amount"]) for ln in lines(shown)] == [(1, 280), (0, 0)]

    balance = await points_balance(orders)
    assert await consumer.take(PaymentRefunded(order_id=order["id"], refund_id=refund_id, amount=280,
                                               refunded_total=280, paid_amount=1190)) is Outcome.PROCESSED
    [done] = await payloads(orders, "order.lines-refunded")
    assert (done["case_id"], done["refund_id"], done["amount"], done["points_amount"], done["lines"]) == (
        "case-1", refund_id, 280, 80, [{"line_id": a["id"], "amount": 280, "points_amount": 80}])
    assert await points_balance(orders) == balance + 80  # the stopped unit's points (240 ÷ 3) with its money
    assert [ln["refunded_amount"] for ln in lines(await seen(orders, order))] == [280, 0]
    told = await payloads(orders, "order.changed")
    assert [f["version"] for f in told] == [1, 2, 3]
    assert [(f["lines"][0]["cancelled_quantity"], f["lines"][0]["cancelled_amount"], f["lines"][0]["refunded_amount"])
            for f in told] == [(0, 0, 0), (1, 280, 0), (1, 280, 280)]

    assert await consumer.take(ask.model_copy(update={"reason": "again"})) is Outcome.PROCESSED  # asked again
    assert [p["refund_id"] for p in await payloads(orders, "order.lines-cancelled")] == [refund_id, refund_id]
    assert len(await payloads(orders, "fulfillment.stop-fulfillment")) == 1
    other = ask.model_copy(update={"case_id": "case-2", "lines": [sales.CaseUnits(line_id=a["id"], quantity=3)]})
    assert await consumer.take(other) is Outcome.PROCESSED
    last = (await payloads(orders, "order.lines-cancelled"))[-1]
    assert (last["case_id"], last["outcome"], last["reason"].split(":")[0]) == ("case-2", "refused", "too-many-units")


async def test_a_case_stop_refunds_exactly_the_cases_own_amount_and_points_for_its_units(orders, consumer):
    order = await paid_order(orders)
    a, _ = lines(order)  # the order's share of 2 of A's units: 560 and 160 points; of 1: 280 and 80
    sub_id = order["sub_orders"][0]["id"]

    async def case_stop(case_id: str, asked: int, amount: int, points: int, stopped: int, going: int) -> dict:
        ask = sales.CancelLines(order_id=order["id"], case_id=case_id, reason="too many", requested_by="buyer:buyer-1",
                                lines=[sales.CaseUnits(line_id=a["id"], quantity=asked, amount=amount,
                                                       points_amount=points)])
        assert await consumer.take(ask) is Outcome.PROCESSED
        going_on = [ful.GoingOnUnits(line_id=a["id"], sub_order_id=sub_id, quantity=going, shipment_id="sh-1",
                                     problem="intercept-failed", detail="packed")] if going else []
        answer = ful.FulfillmentStopped(order_id=order["id"], reason="too many", decided_at=T0, going_on=going_on,
                                        stopped=[ful.StoppedUnits(line_id=a["id"], sub_order_id=sub_id,
                                                                  quantity=stopped, warehouse="WH-1")])
        assert await consumer.take(answer) is Outcome.PROCESSED
        return (await payloads(orders, "order.lines-cancelled"))[-1]

    planned = ful.ShipmentPlanned(shipment_id="sh-1", order_id=order["id"], order_ids=[order["id"]],
                                  sub_order_ids=[sub_id], warehouse="WH-7", carrier="SF", status="ready",
                                  lines=[ful.ShipmentLine(line_id=a["id"], order_id=order["id"], sub_order_id=sub_id,
                                                          sku=a["sku"], quantity=2)],
                                  planned_at=T0, dispatch_after=T0)
    assert await consumer.take(planned) is Outcome.PROCESSED
    first = await case_stop("case-1", 2, 563, 163, 1, 1)  # one of the two stopped: half of 563 and 163, floored
    refund_id = f"{order['id']}-cancel-case-1"
    assert first["stopped"] == [{"line_id": a["id"], "quantity": 1, "amount": 281}]
    assert [(g["quantity"], g["warehouse"]) for g in first["going_on"]] == [(1, "WH-7")]  # where a return goes
    assert [(r["refund_id"], r["amount"]) for r in await payloads(orders, "payment.refund-payment")] == [
        (refund_id, 281)]
    assert await consumer.take(PaymentRefunded(order_id=order["id"], refund_id=refund_id, amount=281,
                                               refunded_total=281, paid_amount=1190)) is Outcome.PROCESSED
    [done] = await payloads(orders, "order.lines-refunded")
    assert (done["amount"], done["points_amount"]) == (281, 81)

    second = await case_stop("case-2", 1, 279, 79, 2, 0)  # fulfillment counts per parcel: 2 stopped in all
    assert second["stopped"] == [{"line_id": a["id"], "quantity": 1, "amount": 279}]  # exactly the case's
    facts = (await payloads(orders, "order.changed"))[-1]["lines"][0]
    assert (facts["cancelled_quantity"], facts["cancelled_amount"]) == (2, 560)
    shown = lines(await seen(orders, order))[0]
    assert (shown["cancelled_quantity"], shown["cancelled_amount"]) == (2, 560)


async def test_refund_lines_refunds_exactly_the_shares_once_and_closes_the_order_keeping_its_coupon(orders, consumer):
    order = await paid_order(orders)
    a, b = lines(order)
    balance = await points_balance(orders)

    def ask(refund_id: str, a_amount: int, a_points: int, b_amount: int = 0, b_points: int = 0):
        return sales.RefundLines(order_id=order["id"], case_id="case-1", refund_id=refund_id, reason="returned",
                                 lines=[sales.LineMoney(line_id=a["id"], amount=a_amount, points_amount=a_points),
                                        sales.LineMoney(line_id=b["id"], amount=b_amount, points_amount=b_points)])

    assert await consumer.take(ask("rf-0", 841, 0)) is Outcome.PROCESSED  # beyond what A paid
    [failed] = await payloads(orders, "order.lines-refund-failed")
    assert (failed["refund_id"], failed["retryable"]) == ("rf-0", False) and "840" in failed["reason"]

    assert await consumer.take(ask("rf-1", 280, 80)) is Outcome.PROCESSED
    assert await consumer.take(ask("rf-1", 280, 80)) is Outcome.PROCESSED  # the same refund id: no second refund
    assert [(p["refund_id"], p["amount"]) for p in await payloads(orders, "payment.refund-payment")] == [("rf-1", 280)]
    await consumer.take(RefundFailed(order_id=order["id"], refund_id="rf-1", amount=280, reason="psp down"))
    failed = (await payloads(orders, "order.lines-refund-failed"))[-1]
    assert (failed["refund_id"], failed["retryable"], failed["reason"]) == ("rf-1", True, "psp down")
    assert await points_balance(orders) == balance  # no points back for a refund not made

    assert await consumer.take(ask("rf-2", 840, 240, 350, 100)) is Outcome.PROCESSED  # the earmark is free again
    assert await consumer.take(PaymentRefunded(order_id=order["id"], refund_id="rf-2", amount=1190,
                                               refunded_total=1190, paid_amount=1190)) is Outcome.PROCESSED
    [made] = await payloads(orders, "order.lines-refunded")
    assert (made["refund_id"], made["amount"], made["points_amount"]) == ("rf-2", 1190, 340)
    shown = await seen(orders, order)
    assert (shown["status"], shown["payment_status"], [ln["refunded_amount"] for ln in lines(shown)]) == (
        "closed", "refunded", [840, 350])
    assert await points_balance(orders) == balance + 340
    coupon = (await orders.http.get("/catalog/coupons/C170", headers=STAFF)).json()
    assert coupon["uses"]["held"] == 1  # coupons are not given back by after-sales
    assert (await payloads(orders, "order.changed"))[-1]["status"] == "closed"
    assert await consumer.take(ask("rf-2", 840, 240, 350, 100)) is Outcome.PROCESSED  # answered again, once more
    assert len(await payloads(orders, "order.lines-refunded")) == 2
    assert await points_balance(orders) == balance + 340


async def test_the_order_shows_its_open_cases_whatever_order_their_moves_arrive_in(orders, consumer):
    order = await paid_order(orders)

    def moved(status: str, is_open: bool, minutes: int):
        return sales.CaseStatusChanged(case_id="case-1", order_id=order["id"], type="refund_only",
                                       from_status=None, to_status=status, open=is_open, refund_amount=0,
                                       lines=[], at=T0 + timedelta(minutes=minutes))

    await consumer.take(moved("requested", True, 0))
    shown = await seen(orders, order)
    assert (shown["after_sales_in_progress"], shown["after_sales"]) == (
        True, [{"case_id": "case-1", "type": "refund_only", "status": "requested"}])
    await consumer.take(moved("completed", False, 9))
    await consumer.take(moved("refunding", True, 5))  # older than what the order knows: changes nothing
    shown = await seen(orders, order)
    assert (shown["after_sales_in_progress"], shown["after_sales"][0]["status"]) == (False, "completed")
    assert len(await payloads(orders, "order.changed")) == 1  # not an after-sales fact of the order


async def test_a_cases_own_goods_leave_a_completed_order_alone_and_its_refunds_still_work(orders, consumer):
    order = await paid_order(orders)
    a, b = lines(order)
    subs = [s["id"] for s in order["sub_orders"]]
    await orders.deliver(ful.ShipmentPlanned(
        shipment_id="sh-1", order_id=order["id"], order_ids=[order["id"]], sub_order_ids=subs, warehouse="WH-1",
        carrier="SF", status="ready", planned_at=T0, dispatch_after=T0,
        lines=[ful.ShipmentLine(line_id=ln["id"], order_id=order["id"], sub_order_id=s, sku=ln["sku"],
                                quantity=ln["quantity"]) for s, ln in zip(subs, (a, b), strict=True)]))
    await orders.deliver(ful.ShipmentStatusChanged(
        shipment_id="sh-1", order_id=order["id"], order_ids=[order["id"]], sub_order_ids=subs, from_status="ready",
        to_status="signed", event="signed", source="carrier", at=T0, warehouse="WH-1", carrier="SF"))
    confirmed = await orders.http.post(f"/orders/{order['id']}/confirm-receipt", headers=BUYER)
    assert confirmed.status_code == 200, confirmed.text
    saga = (await orders.http.get(f"/orders/{order['id']}/saga", headers=STAFF)).json()
    assert saga["status"] == "completed"
    facts = (await payloads(orders, "order.changed"))[-1]
    assert (facts["status"], facts["signed_at"] is not None, facts["completed_at"] is not None) == (
        "completed", True, True)
    before = await seen(orders, order)

    replacement = [ful.ShipmentLine(line_id=a["id"], order_id=order["id"], sub_order_id="case-9", sku="SKU-A",
                                    quantity=1)]
    reserved = StockReserved(order_id=order["id"], sub_order_id="case-9", reserved_at=T0, allocations=[
        {"line_id": a["id"], "sku": "SKU-A", "warehouse": "WH-1", "quantity": 1}])
    assert await consumer.take(reserved) is Outcome.PROCESSED  # looked at: not one of its sub-orders
    for message in (  # a case's shipments are never taken in (handlers.ACCEPTS)
            ful.ShipmentPlanned(shipment_id="sh-9", order_id=order["id"], order_ids=[order["id"]],
                                sub_order_ids=["case-9"], warehouse="WH-1", carrier="SF", status="ready",
                                planned_at=T0, dispatch_after=T0, lines=replacement, case_id="case-9"),
            ful.ShipmentStatusChanged(shipment_id="sh-9", order_id=order["id"], order_ids=[order["id"]],
                                      sub_order_ids=["case-9"], from_status="ready", to_status="shipped",
                                      event="shipped", source="carrier", at=T0, warehouse="WH-1", carrier="SF",
                                      case_id="case-9")):
        assert await consumer.take(message) is Outcome.IGNORED
    revoked = ful.EntitlementRevoked(entitlement_id="ent-1", account="buyer-1", sku="SKU-A", order_id=order["id"],
                                     line_id=a["id"], reason="refunded", revoked_at=T0, case_id="case-9")
    assert await consumer.take(revoked) is Outcome.IGNORED  # the order tracks no revocation
    after = await seen(orders, order)
    assert (after["status"], after["shipments"], after["history"]) == (
        before["status"], before["shipments"], before["history"])

    refund = sales.RefundLines(order_id=order["id"], case_id="case-9", refund_id="rf-9", reason="returned",
                               lines=[sales.LineMoney(line_id=b["id"], amount=350, points_amount=100)])
    assert await consumer.take(refund) is Outcome.PROCESSED
    assert [p["refund_id"] for p in await payloads(orders, "payment.refund-payment")] == ["rf-9"]
    assert await consumer.take(PaymentRefunded(order_id=order["id"], refund_id="rf-9", amount=350,
                                               refunded_total=350, paid_amount=1190)) is Outcome.PROCESSED
    shown = await seen(orders, order)
    assert (shown["status"], shown["payment_status"], [ln["refunded_amount"] for ln in lines(shown)]) == (
        "completed", "partially_refunded", [0, 350])
    assert [p["refund_id"] for p in await payloads(orders, "order.lines-refunded")] == ["rf-9"]
