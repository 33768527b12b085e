"""Cancelling a paid order on the real app and database: POST /orders/{id}/cancel asks fulfillment
(202; StopFulfillment in the outbox, keyed by the order) and fulfillment's answer, consumed as the
service consumes it (the kit's MessageProcessor: inbox, handler table, outbox), cancels the order,
part of it or nothing. GET /orders/{id} shows the cancellation, each line's cancelled quantity
and the refunds attributed to lines exactly, from what the database kept.

The order: SKU-A (m-1) 3 × 400 and SKU-B (m-2) 1 × 500, paid 1700."""

from datetime import UTC, datetime, timedelta

from tradeflow_contracts import fulfillment as ful
from tradeflow_contracts.payments import PaymentRefunded
from tradeflow_kit.messaging.processor import Outcome
from tradeflow_testing.access import bearer, outcome

BUYER, STAFF = bearer("buyer-1", "buyer"), bearer("staff-1", "staff")
T0 = datetime(2026, 12, 6, 9, tzinfo=UTC)


async def deliver(orders, *messages) -> None:
    await orders.deliver(*messages)


async def published(orders, type_: str) -> list[tuple[str, dict]]:
    return await orders.published(type_)


async def paid_order(orders) -> dict:
    return await orders.paid("buyer-1", ("SKU-A", "m-1", 3, 400), ("SKU-B", "m-2", 1, 500))


def answer(order: dict, stopped: list[tuple[int, int, dict]], going_on: list[tuple[int, int, str]]):
    """FulfillmentStopped: (line index, units, where) stopped; (line index, units, problem) going on."""
    subs = [(s, ln) for s in order["sub_orders"] for ln in s["lines"]]
    return ful.FulfillmentStopped(
        order_id=order["id"], reason="changed my mind", decided_at=T0 + timedelta(minutes=2),
        stopped=[ful.StoppedUnits(line_id=subs[i][1]["id"], sub_order_id=subs[i][0]["id"], quantity=q, **where)
                 for i, q, where in stopped],
        going_on=[ful.GoingOnUnits(line_id=subs[i][1]["id"], sub_order_id=subs[i][0]["id"], quantity=q,
                                   shipment_id="sh-2", problem=problem, detail="the parcel was packed")
                  for i, q, problem in going_on])


async def cancel(orders, order: dict, key: str, headers=BUYER, reason: str = "changed my mind"):
    return await orders.http.post(f"/orders/{order['id']}/cancel", json={"reason": reason},
                                  headers=headers | {"Idempotency-Key": key})


async def seen(orders, order: dict) -> dict:
    return (await orders.http.get(f"/orders/{order['id']}", headers=BUYER)).json()


def lines(order: dict) -> list[dict]:
    return [ln for s in order["sub_orders"] for ln in s["lines"]]


async def test_a_paid_order_asks_fulfillment_with_a_202_and_one_cancellation_at_a_time(orders):
    order = await paid_order(orders)
    first = await cancel(orders, order, "c-1")
    assert first.status_code == 202, first.text
    body = first.json()
    assert (body["status"], body["cancel_reason"]) == ("awaiting_shipment", None)
    assert {k: body["cancellation"][k] for k in ("state", "reason", "requested_by", "decided_at", "going_on")} == {
        "state": "requested", "reason": "changed my mind", "requested_by": "buyer:buyer-1", "decided_at": None,
        "going_on": []}
    assert body["history"][-1]["event"] == "cancel_requested"
    [(key, stop)] = await published(orders, "fulfillment.stop-fulfillment")
    assert (key, stop["order_id"], stop["requested_by"]) == (order["id"], order["id"], "buyer:buyer-1")
    assert [(ln["line_id"], ln["sub_order_id"], ln["sku"], ln["quantity"], ln["kind"]) for ln in stop["lines"]] == [
        (ln["id"], s["id"], ln["sku"], ln["quantity"], "physical") for s in order["sub_orders"] for ln in s["lines"]]
    again = await cancel(orders, order, "c-1")
    assert (again.status_code, again.headers["idempotent-replayed"], again.json()) == (202, "true", body)
    assert outcome(await cancel(orders, order, "c-2", STAFF, "staff too")) == (409, "cancellation-in-progress")
    saga = (await orders.http.get(f"/orders/{order['id']}/saga", headers=STAFF)).json()
    assert (saga["step"], saga["status"]) == ("cancelling", "awaiting_shipment")
    assert len(await published(orders, "fulfillment.stop-fulfillment")) == 1


async def test_a_partial_stop_refunds_the_stopped_share_and_the_rest_later_exactly(orders, consumer):
    order = await paid_order(orders)
    a, b = lines(order)
    assert (a["paid_amount"], b["paid_amount"]) == (1200, 500)
    assert (await cancel(orders, order, "c-1")).status_code == 202
    partial = answer(order, [(0, 1, {"shipment_id": "sh-1", "warehouse": "WH-1"}),
                             (1, 1, {"shipment_id": "sh-3", "warehouse": "WH-1"})], [(0, 2, "intercept-failed")])
    assert await consumer.take(partial) is Outcome.PROCESSED
    assert await consumer.take(partial) is Outcome.PROCESSED  # sent twice: changes nothing
    shown = await seen(orders, order)
    assert (shown["status"], shown["cancellation"]["state"]) == ("awaiting_shipment", "partially_cancelled")
    assert shown["cancellation"]["going_on"] == [{"line_id": a["id"], "quantity": 2, "shipment_id": "sh-2",
                                                  "problem": "intercept-failed", "detail": "the parcel was packed"}]
    assert shown["cancellation"]["after_sales"] == "/after-sales"
    assert [ln["cancelled_quantity"] for ln in lines(shown)] == [1, 1]
    assert [s["status"] for s in shown["sub_orders"]] == ["awaiting_shipment", "cancelled"]
    releases = [p for _, p in await published(orders, "inventory.release-stock")]
    assert [(p["sub_order_id"], p["units"]) for p in releases] == [
        (order["sub_orders"][0]["id"], [{"line_id": a["id"], "warehouse": "WH-1", "quantity": 1}]),
        (order["sub_orders"][1]["id"], [])]
    [(key, refund)] = await published(orders, "payment.refund-payment")
    assert (key, refund["amount"]) == (order["id"], 400 + 500)  # 1200 × 1 ÷ 3, and B whole
    await deliver(orders, PaymentRefunded(order_id=order["id"], refund_id=refund["refund_id"], amount=900,
                                          refunded_total=900, paid_amount=1700))
    shown = await seen(orders, order)
    assert ([ln["refunded_amount"] for ln in lines(shown)], shown["payment_status"]) == ([400, 500],
                                                                                        "partially_refunded")

    assert (await cancel(orders, order, "c-2")).status_code == 202  # asked again: the rest comes back
    rest = answer(order, [(0, 1, {"shipment_id": "sh-1", "warehouse": "WH-1"}),
                          (0, 2, {"shipment_id": "sh-2", "warehouse": "WH-1", "returning": True}),
                          (1, 1, {"shipment_id": "sh-3", "warehouse": "WH-1"})], [])
    assert await consumer.take(rest) is Outcome.PROCESSED
    shown = await seen(orders, order)
    assert (shown["status"], shown["cancellation"]["state"], shown["cancel_reason"]) == (
        "cancelled", "cancelled", "changed my mind")
    [_, (_, last)] = await published(orders, "payment.refund-payment")
    assert last["amount"] == 800
    await deliver(orders, PaymentRefunded(order_id=order["id"], refund_id=last["refund_id"], amount=800,
                                          refunded_total=1700, paid_amount=1700))
    shown = await seen(orders, order)
    assert [ln["refunded_amount"] for ln in lines(shown)] == [1200, 500]
    assert (shown["refunded_amount"], shown["payment_status"]) == (1700, "refunded")
    assert [ln["cancelled_quantity"] for ln in lines(shown)] == [3, 1]
    assert [e["event"] for e in shown["history"] if "cancel" in e["event"]] == [
        "cancel_requested", "partially_cancelled", "cancel_requested", "cancel"]


async def test_nothing_stopped_is_refused_and_every_unit_signed_for_is_a_409_towards_after_sales(orders):
    order = await paid_order(orders)
    a, b = lines(order)
    assert (await cancel(orders, order, "c-1")).status_code == 202
    await deliver(orders, answer(order, [], [(0, 3, "not-cancellable-signed"), (1, 1, "not-cancellable-signed")]))
    shown = await seen(orders, order)
    assert (shown["status"], shown["cancellation"]["state"]) == ("awaiting_shipment", "refused")
    assert shown["history"][-1]["event"] == "cancel_refused" and "not-cancellable-signed" in shown["history"][-1][
        "reason"]
    assert await published(orders, "payment.refund-payment") == []

    sub_ids = [s["id"] for s in order["sub_orders"]]
    await deliver(orders, ful.ShipmentPlanned(
        shipment_id="sh-1", order_id=order["id"], order_ids=[order["id"]], sub_order_ids=sub_ids, warehouse="WH-1",
        carrier="SF", status="ready", planned_at=T0, dispatch_after=T0,
        lines=[ful.ShipmentLine(line_id=ln["id"], order_id=order["id"], sub_order_id=s, sku=ln["sku"],
                                quantity=ln["quantity"]) for s, ln in zip(sub_ids, (a, b), strict=True)]))
    await deliver(orders, ful.ShipmentStatusChanged(
        shipment_id="sh-1", order_id=order["id"], order_ids=[order["id"]], sub_order_ids=sub_ids, from_status="ready",
        to_status="signed", event="signed", source="carrier", at=T0, warehouse="WH-1", carrier="SF"))
    refused = await cancel(orders, order, "c-2")
    assert outcome(refused) == (409, "not-cancellable-signed")
    assert refused.json()["after_sales"] == "/after-sales" and "after-sales" in refused.json()["detail"]


async def test_a_merchant_sees_the_cancellation_of_its_lines_only(orders):
    order = await paid_order(orders)
    assert (await cancel(orders, order, "c-1", reason="found it cheaper: elsewhere")).status_code == 202
    await deliver(orders, answer(order, [(1, 1, {"shipment_id": "sh-3", "warehouse": "WH-1"})],
                                 [(0, 3, "intercept-timeout")]))
    m2 = (await orders.http.get(f"/orders/{order['id']}",
                                headers=bearer("m2-user", "merchant", merchant_id="m-2"))).json()
    assert m2["cancellation"] | {"requested_at": None, "decided_at": None} == {
        "state": "partially_cancelled", "reason": "found it cheaper", "requested_by": None, "requested_at": None,
        "decided_at": None, "going_on": [], "after_sales": None}  # none of its goods go on
    assert [ln["cancelled_quantity"] for ln in lines(m2)] == [1]
    m1 = (await orders.http.get(f"/orders/{order['id']}",
                                headers=bearer("m1-user", "merchant", merchant_id="m-1"))).json()
    assert [(g["quantity"], g["problem"]) for g in m1["cancellation"]["going_on"]] == [(3, "intercept-timeout")]
    assert m1["cancellation"]["after_sales"] == "/after-sales"
