"""Cancellation after payment, decided shipment by shipment by its stage (issue 11), through the
gateway and the whole stack, the warehouse (WMS) and carrier (TMS) simulators driven through their
control APIs:

* not dispatched → the shipment is cancelled, the stock released, the order refunded in full;
* dispatched, not shipped → the warehouse is asked to intercept: success → cancelled and
  refunded; failure, or no answer by FULFILLMENT_INTERCEPT_DEADLINE_SECONDS → the cancel is
  refused with the reason and the parcel goes on;
* shipped → the carrier is asked: success → refunded at once, the parcel comes back and its
  units are restocked when the warehouse receives it; failure → refused;
* signed → refused at once (409, after-sales);
* two parcels, one signed and one stopped → the refund covers exactly the stopped line.

After each: stock on hand = initial − shipped + restocked, and nothing stays reserved."""


import httpx
import pytest
from platform_client import auth, eventually, line, order_body, unique

HIGH_VALUE = 2_100_000  # above fulfillment's high-value threshold: the shipment waits for review


class Shop:
    """A paid order of fresh SKUs, its shipments, and the simulators' answers."""

    def __init__(self, platform, wms, tms) -> None:
        self.platform, self.wms, self.tms = platform, wms, tms
        self.buyer = unique("buyer")

    async def paid(self, *goods: tuple[int, str], quantity: int = 2) -> tuple[dict, list[tuple[str, str]]]:
        """An order of one line per (price, warehouse), each SKU with 10 on hand there; paid."""
        skus = []
        for price, warehouse in goods:
            skus.append((await self.platform.product(unique("m-cxl"), price, on_hand=10, warehouse=warehouse),
                         warehouse))
        order = await self.platform.placed(self.buyer, order_body([line(sku, quantity) for sku, _ in skus]))
        payment = await self.platform.start_payment(self.buyer, order["id"])
        await self.platform.psp_decides(payment["psp_reference"], "succeed")
        await self.platform.wait_order(order["id"], lambda o: o["status"] == "awaiting_shipment", "paid")
        return order, skus

    async def shipments(self, order_id: str) -> list[dict]:
        r = await self.platform.http.get("/fulfillment/shipments", params={"order_id": order_id},
                                         headers=self.platform.staff)
        assert r.status_code == 200, r.text
        return sorted(r.json()["items"], key=lambda s: s["warehouse"])

    async def shipment_in(self, order_id: str, status: str, warehouse: str | None = None, timeout: float = 30) -> dict:
        def found(items: list[dict]) -> bool:
            return any(s["status"] == status and warehouse in (None, s["warehouse"]) for s in items)
        items = await eventually(lambda: self.shipments(order_id), found, timeout, f"a shipment {status}")
        return next(s for s in items if s["status"] == status and warehouse in (None, s["warehouse"]))

    async def cancel(self, order_id: str) -> httpx.Response:
        return await self.platform.cancel(self.buyer, order_id, key=unique("cxl"))

    async def warehouse_decides(self, dispatch_number: str, outcome: str) -> None:
        """Once the interception (or shipment) can be decided: the interceptor sends it within a second."""
        async def decide() -> httpx.Response:
            return await self.wms.post(f"/sim/dispatches/{dispatch_number}", json={"outcome": outcome})
        await eventually(decide, lambda r: r.status_code == 202, 30, f"the warehouse can answer {outcome}")

    async def carrier_decides(self, waybill: str, event: str) -> None:
        async def decide() -> httpx.Response:
            return await self.tms.post(f"/sim/waybills/{waybill}", json={"event": event})
        await eventually(decide, lambda r: r.status_code == 202, 30, f"the carrier can answer {event}")

    async def stock(self, sku: str, warehouse: str) -> tuple[int, int]:
        [row] = [w for w in (await self.platform.stock_of(sku))["warehouses"] if w["warehouse"] == warehouse]
        return row["on_hand"], row["reserved"]

    async def stock_settles(self, sku: str, warehouse: str, expected: tuple[int, int]) -> None:
        await eventually(lambda: self.stock(sku, warehouse), lambda row: row == expected, 30,
                         f"{sku} in {warehouse}: (on hand, reserved) = {expected}")


@pytest.fixture
def shop(platform, wms, tms) -> Shop:
    return Shop(platform, wms, tms)


def cancelled_in_full(order: dict) -> bool:
    return order["status"] == "cancelled" and order["payment_status"] == "refunded"


def cancellation(order: dict) -> str | None:
    return (order.get("cancellation") or {}).get("state")


async def test_before_dispatch_the_shipment_is_cancelled_the_stock_released_and_all_refunded(shop):
    order, [(sku, wh)] = await shop.paid((HIGH_VALUE, unique("WH-C")), quantity=1)
    await shop.shipment_in(order["id"], "pending_review")  # high value: waits for staff, never dispatched
    r = await shop.cancel(order["id"])
    assert r.status_code == 202, r.text
    done = await shop.platform.wait_order(order["id"], cancelled_in_full, "cancelled and refunded")
    assert (cancellation(done), done["refunded_amount"]) == ("cancelled", done["paid_amount"])
    assert [s["status"] for s in await shop.shipments(order["id"])] == ["cancelled"]
    await shop.stock_settles(sku, wh, (10, 0))


async def test_dispatched_and_intercepted_at_the_warehouse_is_cancelled_and_refunded(shop):
    order, [(sku, wh)] = await shop.paid((1500, unique("WH-C")))
    s = await shop.shipment_in(order["id"], "dispatched")
    assert (await shop.cancel(order["id"])).status_code == 202
    await shop.warehouse_decides(s["dispatch_number"], "intercept_ok")
    done = await shop.platform.wait_order(order["id"], cancelled_in_full, "cancelled after the interception")
    assert done["refunded_amount"] == done["paid_amount"] == 3000
    assert [x["status"] for x in await shop.shipments(order["id"])] == ["cancelled"]
    await shop.stock_settles(sku, wh, (10, 0))


@pytest.mark.parametrize("outcome", ["intercept_fail", "ignore"])
async def test_an_interception_failed_or_unanswered_refuses_the_cancel_and_the_parcel_goes_on(shop, outcome):
    order, [(sku, wh)] = await shop.paid((1500, unique("WH-C")))
    s = await shop.shipment_in(order["id"], "dispatched")
    assert (await shop.cancel(order["id"])).status_code == 202
    await shop.warehouse_decides(s["dispatch_number"], outcome)  # ignore: the deadline passes unanswered
    refused = await shop.platform.wait_order(order["id"], lambda o: cancellation(o) == "refused", "refused",
                                             timeout=60)
    problem = "intercept-failed" if outcome == "intercept_fail" else "intercept-timeout"
    assert [g["problem"] for g in refused["cancellation"]["going_on"]] == [problem]
    assert (refused["status"], refused["payment_status"]) == ("awaiting_shipment", "paid")
    if outcome == "ignore":
        return  # the warehouse reports nothing more on it (the simulator was told to ignore it)
    await shop.warehouse_decides(s["dispatch_number"], "ship")
    await shop.platform.wait_order(order["id"], lambda o: o["status"] == "shipped", "it shipped all the same")
    await shop.stock_settles(sku, wh, (8, 0))


async def test_shipped_and_intercepted_by_the_carrier_is_refunded_at_once_and_restocked_when_back(shop):
    order, [(sku, wh)] = await shop.paid((1500, unique("WH-C")))
    s = await shop.shipment_in(order["id"], "dispatched")
    await shop.warehouse_decides(s["dispatch_number"], "ship")
    await shop.shipment_in(order["id"], "shipped")
    await shop.stock_settles(sku, wh, (8, 0))
    assert (await shop.cancel(order["id"])).status_code == 202
    await shop.carrier_decides(s["waybill"], "intercept_ok")
    done = await shop.platform.wait_order(order["id"], cancelled_in_full, "refunded once the carrier stopped it")
    assert done["refunded_amount"] == 3000
    await shop.shipment_in(order["id"], "returning")
    await shop.stock_settles(sku, wh, (8, 0))  # nothing back on hand before the warehouse has it
    await shop.warehouse_decides(s["dispatch_number"], "return_received")
    await shop.shipment_in(order["id"], "returned")
    await shop.stock_settles(sku, wh, (10, 0))


async def test_shipped_and_not_stopped_by_the_carrier_is_refused(shop):
    order, _ = await shop.paid((1500, unique("WH-C")))
    s = await shop.shipment_in(order["id"], "dispatched")
    await shop.warehouse_decides(s["dispatch_number"], "ship")
    await shop.shipment_in(order["id"], "shipped")
    assert (await shop.cancel(order["id"])).status_code == 202
    await shop.carrier_decides(s["waybill"], "intercept_fail")
    refused = await shop.platform.wait_order(order["id"], lambda o: cancellation(o) == "refused", "refused")
    assert (refused["status"], refused["payment_status"]) == ("shipped", "paid")


async def test_signed_for_is_refused_at_once_pointing_to_after_sales(shop):
    order, _ = await shop.paid((1500, unique("WH-C")))
    s = await shop.shipment_in(order["id"], "dispatched")
    await shop.warehouse_decides(s["dispatch_number"], "ship")
    for event in ("picked_up", "signed"):
        await shop.carrier_decides(s["waybill"], event)
    await shop.platform.wait_order(order["id"], lambda o: [t["status"] for t in o["shipments"]] == ["signed"],
                                   "signed")
    r = await shop.cancel(order["id"])
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[-1]) == (409, "not-cancellable-signed"), r.text


async def test_two_parcels_one_signed_one_stopped_refund_exactly_the_stopped_line(shop):
    wh_1, wh_2 = unique("WH-C1"), unique("WH-C2")
    order, [(sku_1, _), (sku_2, _)] = await shop.paid((1500, wh_1), (700, wh_2))
    first = await shop.shipment_in(order["id"], "dispatched", wh_1)
    second = await shop.shipment_in(order["id"], "dispatched", wh_2)
    await shop.warehouse_decides(first["dispatch_number"], "ship")
    for event in ("picked_up", "signed"):
        await shop.carrier_decides(first["waybill"], event)
    await shop.shipment_in(order["id"], "signed", wh_1)
    assert (await shop.cancel(order["id"])).status_code == 202
    await shop.warehouse_decides(second["dispatch_number"], "intercept_ok")
    partly = await shop.platform.wait_order(order["id"], lambda o: cancellation(o) == "partially_cancelled",
                                            "the second parcel stopped, the first one signed for")
    lines = {ln["sku"]: ln for sub in partly["sub_orders"] for ln in sub["lines"]}
    assert (lines[sku_2]["cancelled_quantity"], lines[sku_1]["cancelled_quantity"]) == (2, 0)
    refunded = await shop.platform.wait_order(order["id"], lambda o: o["payment_status"] == "partially_refunded",
                                              "the stopped line refunded")
    lines = {ln["sku"]: ln for sub in refunded["sub_orders"] for ln in sub["lines"]}
    assert (lines[sku_2]["refunded_amount"], lines[sku_1]["refunded_amount"]) == (lines[sku_2]["paid_amount"], 0)
    assert refunded["refunded_amount"] == lines[sku_2]["paid_amount"] == 1400
    await shop.stock_settles(sku_2, wh_2, (10, 0))
    await shop.stock_settles(sku_1, wh_1, (8, 0))
    done = await shop.platform.wait_order(order["id"], lambda o: o["status"] == "completed",
                                          "completed once what was left is received", timeout=60)
    assert done["payment_status"] == "partially_refunded"


async def test_a_buyer_cannot_cancel_someone_elses_paid_order(shop, platform):
    order, _ = await shop.paid((1500, unique("WH-C")))
    r = await platform.http.post(f"/orders/{order['id']}/cancel", json={"reason": "not mine"},
                                 headers=auth(unique("buyer"), "buyer") | {"Idempotency-Key": unique("k")})
    assert r.status_code in (403, 404), r.text
