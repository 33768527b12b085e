"""The order tracks fulfillment on the real app and database: fulfillment's events, through the
same handler table the service consumes with, become the order's shipments (GET /orders/{id}),
its status follows them, and the buyer confirms receipt over HTTP."""

from datetime import UTC, datetime, timedelta

from tradeflow_contracts.fulfillment import ShipmentLine, ShipmentPlanned, ShipmentStatusChanged
from tradeflow_contracts.inventory import StockReserved
from tradeflow_contracts.payments import PaymentSucceeded
from tradeflow_order.app.handlers import USE_CASES
from tradeflow_testing.access import bearer

BUYER, M1 = bearer("buyer-1", "buyer"), bearer("m1-user", "merchant", merchant_id="m-1")
T0 = datetime(2026, 12, 5, 12, tzinfo=UTC)


async def deliver(orders, *messages) -> None:
    api = orders.app.state.api
    for message in messages:
        async with api.transactions.begin() as tx:
            await USE_CASES[type(message)](tx, message, api.collaborators)


async def paid_order(orders) -> dict:
    order = await orders.placed("buyer-1", ("SKU-A", "m-1", 2, 100), ("SKU-B", "m-2", 1, 200))
    await deliver(orders, *[StockReserved(order_id=order["id"], sub_order_id=s["id"], reserved_at=T0, allocations=[
        {"line_id": ln["id"], "sku": ln["sku"], "warehouse": "WH-1", "quantity": ln["quantity"]} for ln in s["lines"]])
        for s in order["sub_orders"]])
    await deliver(orders, PaymentSucceeded(order_id=order["id"], payment_id="p1", amount=order["paid_amount"],
                                           currency="CNY", psp_reference="psp-1", paid_at=T0))
    return order


def planned(order: dict, shipment_id: str, lines: list[tuple[dict, dict, int]]) -> ShipmentPlanned:
    return ShipmentPlanned(shipment_id=shipment_id, order_id=order["id"], order_ids=[order["id"]],
                           sub_order_ids=sorted({s["id"] for s, _, _ in lines}), warehouse="WH-1", carrier="SF",
                           status="ready", lines=[ShipmentLine(line_id=ln["id"], order_id=order["id"],
                                                               sub_order_id=s["id"], sku=ln["sku"], quantity=q)
                                                  for s, ln, q in lines],
                           planned_at=T0, dispatch_after=T0)


def changed(order: dict, shipment_id: str, to: str, minute: int, **fields) -> ShipmentStatusChanged:
    return ShipmentStatusChanged(shipment_id=shipment_id, order_id=order["id"], order_ids=[order["id"]],
                                 sub_order_ids=[], from_status="", to_status=to, event=to, source="carrier",
                                 at=T0 + timedelta(minutes=minute), warehouse="WH-1", carrier="SF", **fields)


async def test_shipments_are_tracked_on_the_order_and_the_buyer_confirms_receipt(orders):
    order = await paid_order(orders)
    (m1, m2), key = order["sub_orders"], {"Idempotency-Key": "confirm-1"}
    a, b = m1["lines"][0], m2["lines"][0]
    await deliver(orders, planned(order, "sh-1", [(m1, a, 2)]), planned(order, "sh-2", [(m2, b, 1)]),
                  changed(order, "sh-1", "dispatched", 1, waybill="SF100", dispatch_number="sh-1-1"),
                  changed(order, "sh-1", "shipped", 2))
    seen = (await orders.http.get(f"/orders/{order['id']}", headers=BUYER)).json()
    assert seen["status"] == "partially_shipped"
    assert [(s["id"], s["status"], s["waybill"]) for s in seen["shipments"]] == [
        ("sh-1", "shipped", "SF100"), ("sh-2", "ready", None)]
    assert [e["status"] for e in seen["shipments"][0]["events"]] == ["ready", "dispatched", "shipped"]
    merchant = (await orders.http.get(f"/orders/{order['id']}", headers=M1)).json()
    assert [s["id"] for s in merchant["shipments"]] == ["sh-1"]  # not the other merchant's parcel

    early = await orders.http.post(f"/orders/{order['id']}/confirm-receipt", headers=BUYER | key)
    assert early.status_code == 409 and early.json()["type"].endswith("/illegal-transition"), early.text
    await deliver(orders, changed(order, "sh-2", "shipped", 3), changed(order, "sh-1", "signed", 4),
                  changed(order, "sh-2", "signed", 5))
    other = await orders.http.post(f"/orders/{order['id']}/confirm-receipt", headers=bearer("buyer-2", "buyer"))
    assert other.status_code == 403, other.text
    confirmed = await orders.http.post(f"/orders/{order['id']}/confirm-receipt", headers=BUYER | key)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "completed", confirmed.text
    again = await orders.http.post(f"/orders/{order['id']}/confirm-receipt", headers=BUYER | key)
    assert again.headers.get("idempotent-replayed") == "true" and again.json() == confirmed.json()
    assert [(h["from"], h["to"]) for h in confirmed.json()["history"][-3:]] == [
        ("awaiting_shipment", "partially_shipped"), ("partially_shipped", "shipped"), ("shipped", "completed")]
