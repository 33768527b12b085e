"""Channel orders on the real app and database, every message consumed as the service consumes
it (MessageProcessor: inbox, handler table, outbox; a dead letter fails the test): a channel's
order placed at zero, answered and paid at zero, then handed to fulfillment; a repeat answered
with the first order; a SKU the catalog does not know refused as an answer; its facts told with
the channel's amounts and its shipments; the channel's cancellation by stage; GMV by channel."""

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select

from tradeflow_contracts import channels as ch
from tradeflow_contracts import fulfillment as ful
from tradeflow_contracts.envelope import new_envelope
from tradeflow_contracts.inventory import StockReserved
from tradeflow_contracts.orders import Receiver
from tradeflow_contracts.payments import PaymentSucceeded
from tradeflow_contracts.registry import payload_of
from tradeflow_kit.messaging.processor import Outcome
from tradeflow_kit.messaging.records import ConsumedRecord
from tradeflow_order.adapters.tables import orders as orders_table
from tradeflow_testing.access import bearer, outcome

STAFF = bearer("staff-1", "staff")
T0 = datetime(2026, 12, 6, 9, tzinfo=UTC)
LI_LEI = Receiver(name="Li Lei", phone="13800000000", region="east", city="Shanghai", address="1 Nanjing Rd")


async def catalog(orders) -> None:
    await orders.put_sku("TEA-1", merchant_id="m-tea", title="Longjing tea", unit_price_amount=3000, currency="CNY",
                         kind="physical", weight_grams=500, fragile=True)
    await orders.put_sku("COURSE-1", merchant_id="m-edu", title="Tea course", unit_price_amount=9900, currency="CNY",
                         kind="virtual")


def received(external: str = "T-1", *lines: tuple[str, int, int, int], **fields) -> ch.ChannelOrderReceived:
    return ch.ChannelOrderReceived(**{
        "channel_order_id": f"co-{external}", "channel": "tmall", "external_order_id": external,
        "external_status": "paid", "buyer_id": "buyer-7", "currency": "CNY", "receiver": LI_LEI, "received_at": T0,
        "lines": [ch.ChannelOrderLine(external_line_id=f"x-{i}", sku=sku, quantity=q, channel_unit_price_amount=u,
                                      channel_paid_amount=p)
                  for i, (sku, q, u, p) in enumerate(lines or [("TEA-1", 2, 3300, 6000)])]} | fields)


async def payloads(orders, type_: str) -> list[dict]:
    return [payload for _, payload in await orders.published(type_)]


async def shown(orders, order_id: str) -> dict:
    r = await orders.http.get(f"/orders/{order_id}", headers=STAFF)
    assert r.status_code == 200, r.text
    return r.json()


async def placed(orders, consumer, message: ch.ChannelOrderReceived | None = None) -> dict:
    message = message or received()
    assert await consumer.take(message) is Outcome.PROCESSED
    answer = (await payloads(orders, "order.channel-order-placed"))[-1]
    assert answer["channel_order_id"] == message.channel_order_id
    return await shown(orders, answer["order_id"])


async def paid(orders, consumer, message: ch.ChannelOrderReceived | None = None) -> dict:
    order = await placed(orders, consumer, message)
    for sub in order["sub_orders"]:
        if any(ln["kind"] == "physical" for ln in sub["lines"]):
            assert await consumer.take(StockReserved(
                order_id=order["id"], sub_order_id=sub["id"], reserved_at=T0, allocations=[
                    {"line_id": ln["id"], "sku": ln["sku"], "warehouse": "WH-1", "quantity": ln["quantity"]}
                    for ln in sub["lines"]])) is Outcome.PROCESSED
    [request] = [p for p in await payloads(orders, "payment.request-payment") if p["order_id"] == order["id"]]
    assert request["amount"] == 0  # the payment service pays a zero amount at once
    assert await consumer.take(PaymentSucceeded(order_id=order["id"], payment_id="pay-0", amount=0, currency="CNY",
                                                psp_reference="zero", paid_at=T0)) is Outcome.PROCESSED
    return await shown(orders, order["id"])


async def test_a_channel_order_is_placed_at_zero_paid_at_zero_and_handed_to_fulfillment(orders, consumer):
    await catalog(orders)
    order = await paid(orders, consumer, received("T-1", ("TEA-1", 2, 3300, 6000), ("COURSE-1", 1, 9900, 9500)))
    assert (order["type"], order["priced_by"], order["channel"], order["buyer_id"]) == (
        "channel", "channel", "tmall", "buyer-7")
    assert (order["external_order_id"], order["external_status"], order["paid_amount"], order["hold"]) == (
        "T-1", "paid", 0, None)
    assert (order["status"], order["payment_status"]) == ("awaiting_shipment", "paid")
    lines = [ln for s in order["sub_orders"] for ln in s["lines"]]
    assert [(ln["sku"], ln["title"], ln["unit_price_amount"], ln["paid_amount"], ln["channel_unit_price_amount"],
             ln["channel_paid_amount"]) for ln in lines] == [
        ("TEA-1", "Longjing tea", 0, 0, 3300, 6000), ("COURSE-1", "Tea course", 0, 0, 9900, 9500)]
    [answer] = await orders.published("order.channel-order-placed")
    assert answer[0] == "co-T-1" and answer[1]["order_id"] == order["id"]  # keyed by the channel's order
    assert [(p["external_line_id"], p["line_id"]) for p in answer[1]["lines"]] == [
        ("x-0", lines[0]["id"]), ("x-1", lines[1]["id"])]
    [handed] = await payloads(orders, "order.paid")
    assert [(ln["sku"], ln["kind"], ln["paid_amount"], ln["fragile"], ln["weight_grams"])
            for s in handed["sub_orders"] for ln in s["lines"]] == [
        ("TEA-1", "physical", 0, True, 500), ("COURSE-1", "virtual", 0, False, 0)]
    own = await shown(orders, (await orders.placed("buyer-1", ("TEA-1", "m-tea", 1, 3000)))["id"])
    assert (own["external_order_id"], own["sub_orders"][0]["lines"][0]["channel_paid_amount"]) == (None, None)


async def test_the_same_channel_order_twice_is_one_order_answered_twice(orders, consumer):
    await catalog(orders)
    first = await placed(orders, consumer)
    again = received().model_copy(update={"channel_order_id": "co-retry"})
    assert await consumer.take(again) is Outcome.PROCESSED
    envelope = new_envelope(again.TYPE, again.VERSION, payload_of(again), producer="test", correlation_id="co-retry")
    redelivered = ConsumedRecord(again.TOPIC, 1, 0, b"co-retry", envelope.to_bytes(), tuple(envelope.headers()), 0)
    assert await consumer.processor.process(redelivered) is Outcome.PROCESSED
    assert await consumer.processor.process(redelivered) is Outcome.DUPLICATE  # the inbox: the same message
    async with orders.app.state.runtime.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(orders_table)) == 1
    answers = await payloads(orders, "order.channel-order-placed")
    assert [(a["channel_order_id"], a["order_id"]) for a in answers] == [
        ("co-T-1", first["id"]), ("co-retry", first["id"]), ("co-retry", first["id"])]
    assert len({tuple(map(str, a["lines"])) for a in answers}) == 1
    assert len(await payloads(orders, "inventory.reserve-stock")) == 1


async def test_the_same_channel_order_delivered_twice_at_once_is_placed_once(orders, consumer):
    await catalog(orders)
    twice = [received("T-5").model_copy(update={"channel_order_id": f"co-{n}"}) for n in (1, 2)]
    assert await asyncio.gather(*(consumer.take(m) for m in twice)) == [Outcome.PROCESSED] * 2
    answers = await payloads(orders, "order.channel-order-placed")
    assert sorted(a["channel_order_id"] for a in answers) == ["co-1", "co-2"]
    assert len({a["order_id"] for a in answers}) == 1 and len(await payloads(orders, "order.placed")) == 1


async def test_a_sku_the_catalog_does_not_know_is_refused_as_an_answer(orders, consumer):
    await catalog(orders)
    message = received("T-9", ("TEA-1", 1, 100, 100), ("TEA-404", 1, 100, 100))
    assert await consumer.take(message) is Outcome.PROCESSED  # no dead letter: an answer
    [(key, refused)] = await orders.published("order.channel-order-refused")
    assert (key, refused["reason"].split(":")[0], refused["field"], refused["external_order_id"]) == (
        "co-T-9", "unknown-sku", "lines.1.sku", "T-9")
    async with orders.app.state.runtime.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(orders_table)) == 0
    assert await orders.published("order.placed") == []


def shipment(order: dict, status: str, waybill: str | None = None) -> ful.ShipmentPlanned | ful.ShipmentStatusChanged:
    line, sub = order["sub_orders"][0]["lines"][0], order["sub_orders"][0]
    common = {"order_id": order["id"], "order_ids": [order["id"]], "sub_order_ids": [sub["id"]], "shipment_id": "sh-1",
              "warehouse": "WH-1", "carrier": "sf"}
    if status == "planned":
        return ful.ShipmentPlanned(**common, status="planned", planned_at=T0, dispatch_after=T0, lines=[
            ful.ShipmentLine(order_id=order["id"], sub_order_id=sub["id"], line_id=line["id"], sku=line["sku"],
                             quantity=line["quantity"])])
    return ful.ShipmentStatusChanged(**common, from_status="planned", to_status=status, event=status, source="wms",
                                     at=T0, waybill=waybill)


async def test_order_changed_tells_the_channel_order_from_placement_with_its_amounts_and_shipments(orders, consumer):
    await catalog(orders)
    order = await paid(orders, consumer)
    assert await consumer.take(shipment(order, "planned")) is Outcome.PROCESSED
    assert await consumer.take(shipment(order, "shipped", "SF-100")) is Outcome.PROCESSED
    told = await orders.published("order.changed")
    assert all(key == order["id"] for key, _ in told)
    facts = [payload for _, payload in told]
    assert [(f["version"], f["status"]) for f in facts] == [
        (1, "pending_payment"), (2, "awaiting_shipment"), (3, "awaiting_shipment"), (4, "shipped")]
    last = facts[-1]
    assert (last["type"], last["external_order_id"], last["external_status"]) == ("channel", "T-1", "paid")
    assert [(ln["channel_unit_price_amount"], ln["channel_paid_amount"], ln["paid_amount"])
            for ln in last["lines"]] == [(3300, 6000, 0)]
    assert last["shipments"] == [{"shipment_id": "sh-1", "warehouse": "WH-1", "carrier": "sf", "status": "shipped",
                                  "waybill": "SF-100", "lines": [{"line_id": order["sub_orders"][0]["lines"][0]["id"],
                                                                  "quantity": 2}]}]


def cancel(order: dict) -> ch.CancelChannelOrder:
    return ch.CancelChannelOrder(order_id=order["id"], channel="tmall", external_order_id=order["external_order_id"],
                                 reason="the buyer cancelled on tmall", requested_by="channel:tmall")


async def test_the_channel_cancels_before_shipment_and_is_told_not_cancelled_after(orders, consumer):
    await catalog(orders)
    order = await paid(orders, consumer)
    assert await consumer.take(cancel(order)) is Outcome.PROCESSED
    [stop] = await payloads(orders, "fulfillment.stop-fulfillment")
    assert stop["requested_by"] == "channel:tmall"
    sub, line = order["sub_orders"][0], order["sub_orders"][0]["lines"][0]
    assert await consumer.take(ful.FulfillmentStopped(
        order_id=order["id"], reason="the buyer cancelled on tmall", decided_at=T0, going_on=[], stopped=[
            ful.StoppedUnits(line_id=line["id"], sub_order_id=sub["id"], quantity=2)])) is Outcome.PROCESSED
    [cancelled] = await payloads(orders, "order.cancelled")
    assert (cancelled["order_id"], cancelled["refund_amount"]) == (order["id"], 0)
    assert await payloads(orders, "payment.refund-payment") == []  # nothing was paid here
    assert len(await payloads(orders, "inventory.release-stock")) == 1
    now = await shown(orders, order["id"])
    assert (now["status"], now["cancellation"]["state"], now["history"][-1]["actor"]) == (
        "cancelled", "cancelled", "channel:tmall")
    assert await consumer.take(cancel(order)) is Outcome.PROCESSED  # asked again: answered again
    assert [p["order_id"] for p in await payloads(orders, "order.cancelled")] == [order["id"]] * 2

    shipped = await paid(orders, consumer, received("T-2"))
    assert await consumer.take(shipment(shipped, "planned")) is Outcome.PROCESSED
    assert await consumer.take(shipment(shipped, "shipped", "SF-2")) is Outcome.PROCESSED
    assert await consumer.take(cancel(shipped)) is Outcome.PROCESSED
    [refused] = await payloads(orders, "order.channel-order-not-cancelled")
    assert (refused["order_id"], refused["status"], refused["reason"].split(":")[0], refused["external_order_id"]) == (
        shipped["id"], "shipped", "goods-left", "T-2")
    assert (await shown(orders, shipped["id"]))["status"] == "shipped"


async def test_gmv_by_channel_counts_what_buyers_paid_the_channel_and_the_platform(orders, consumer):
    await catalog(orders)
    await paid(orders, consumer, received("T-1", ("TEA-1", 2, 3300, 6000), ("COURSE-1", 1, 9900, 9500)))
    await paid(orders, consumer, received("T-2", ("COURSE-1", 1, 9900, 8800), receiver=None))
    unpaid = await placed(orders, consumer, received("T-3"))
    assert await consumer.take(cancel(unpaid)) is Outcome.PROCESSED  # cancelled before payment: no GMV
    assert await consumer.take(received("J-1", channel="jd").model_copy(update={"channel_order_id": "co-J-1"}))
    await orders.paid("buyer-1", ("TEA-1", "m-tea", 2, 3000))  # the platform's own: 6000 paid
    await orders.placed("buyer-1", ("TEA-1", "m-tea", 1, 3000))  # not paid
    r = await orders.http.get("/orders/reports/gmv", params={"from": "2020-01-01T00:00:00Z",
                                                              "to": "2100-01-01T00:00:00Z"}, headers=STAFF)
    assert r.status_code == 200, r.text
    assert r.json()["items"] == [
        {"channel": "app", "currency": "CNY", "orders": 1, "gmv_amount": 6000, "channel_orders": 0},
        {"channel": "tmall", "currency": "CNY", "orders": 2, "gmv_amount": 24300, "channel_orders": 2}]
    later = await orders.http.get("/orders/reports/gmv", params={"from": "2100-01-01T00:00:00Z",
                                                                  "to": "2100-01-02T00:00:00Z"}, headers=STAFF)
    assert later.json()["items"] == []
    usd = await orders.http.get("/orders/reports/gmv", params={"from": "2020-01-01T00:00:00Z",
                                                                "to": "2100-01-01T00:00:00Z", "currency": "USD"},
                                headers=STAFF)
    assert (usd.json()["currency"], usd.json()["items"]) == ("USD", [])


async def test_the_gmv_report_is_for_staff_over_a_period_with_a_time_zone(orders):
    period = {"from": "2026-12-01T00:00:00Z", "to": "2026-12-02T00:00:00Z"}
    assert outcome(await orders.http.get("/orders/reports/gmv", params=period,
                                         headers=bearer("buyer-1", "buyer")))[0] == 403
    backwards = await orders.http.get("/orders/reports/gmv", params={"from": period["to"], "to": period["from"]},
                                      headers=STAFF)
    assert outcome(backwards) == (422, "validation-failed") and backwards.json()["errors"][0]["field"] == "to"
    naive = await orders.http.get("/orders/reports/gmv", params={"from": "2026-12-01T00:00:00", "to": period["to"]},
                                  headers=STAFF)
    assert outcome(naive) == (422, "validation-failed") and naive.json()["errors"][0]["field"] == "from"
    missing = await orders.http.get("/orders/reports/gmv", params={"from": period["from"]}, headers=STAFF)
    assert outcome(missing)[0] == 422
