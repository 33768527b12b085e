"""Fulfillment journeys through the gateway and the whole stack (issue 11, "Prove it"), the
warehouse (WMS) and carrier (TMS) simulators driven through their control APIs:

* a two-warehouse order ships in two parcels: `partially_shipped` (the order and its sub-order)
  while one has left and the other not, `shipped` once both have, receipt confirmed by the buyer
  once both are signed for — refused (409, saying what is missing) before that;
* two orders of one buyer to one receiver, paid together, merge into one shipment, dispatched
  once, that both orders track;
* a fragile line ships apart from an ordinary one of the same warehouse;
* duplicate and out-of-order callbacks (and a late `in_transit` after `signed`) change nothing
  wrong: recorded, not applied; the stock deducted once.

After each: on hand = initial − shipped (+ restocked: none here), and reserved = what the open
reservations still hold (`GET /inventory/stock/{sku}` against `GET /inventory/reservations`).

Timing: the test stack's merge window is FULFILLMENT_MERGE_WINDOW_SECONDS=2 (it counts from the
first shipment's planning) and ORDER_AUTO_CONFIRM_SECONDS=5 (from the last signing)."""

import asyncio

import httpx
import pytest
from platform_client import auth, eventually, line, order_body, unique

INITIAL = 10  # units on hand of every fresh SKU here


class Journey:
    """One buyer's paid orders of fresh SKUs, their shipments, the simulators' answers and the books."""

    def __init__(self, platform, wms, tms) -> None:
        self.platform, self.wms, self.tms = platform, wms, tms
        self.buyer = unique("buyer")
        self.receiver = {"name": "Li Lei", "phone": unique("138"), "region": "east", "city": "Shanghai",
                         "address": unique("1 Nanjing Rd")}

    async def sku(self, merchant: str, warehouse: str, price: int = 1500, **fields) -> str:
        """A fresh SKU with INITIAL units on hand in `warehouse` only."""
        return await self.platform.product(merchant, price, on_hand=INITIAL, warehouse=warehouse, **fields)

    async def placed_and_asked_to_pay(self, *lines: dict) -> tuple[dict, str]:
        """An order of `lines` to the buyer's one receiver, its payment started: (order, PSP reference)."""
        order = await self.platform.placed(self.buyer, order_body(list(lines), receiver=self.receiver))
        payment = await self.platform.start_payment(self.buyer, order["id"])
        return order, payment["psp_reference"]

    async def paid(self, *lines: dict) -> dict:
        order, psp_reference = await self.placed_and_asked_to_pay(*lines)
        await self.platform.psp_decides(psp_reference, "succeed")
        await self.platform.wait_order(order["id"], lambda o: o["status"] == "awaiting_shipment", "paid")
        return order

    # -- shipments ------------------------------------------------------------------------------
    async def shipments(self, order_id: str) -> list[dict]:
        r = await self.platform.http.get("/fulfillment/shipments", params={"order_id": order_id},
                                         headers=self.platform.staff)
        assert r.status_code == 200, r.text
        return sorted(r.json()["items"], key=lambda s: s["warehouse"] + s["id"])

    async def shipment(self, shipment_id: str) -> dict:
        r = await self.platform.http.get(f"/fulfillment/shipments/{shipment_id}", headers=self.platform.staff)
        assert r.status_code == 200, r.text
        return r.json()

    async def all_dispatched(self, order_id: str, count: int) -> list[dict]:
        """The order's `count` shipments, once every one of them is dispatched."""
        return await eventually(lambda: self.shipments(order_id),
                                lambda items: len(items) == count and all(s["status"] == "dispatched" for s in items),
                                45, f"order {order_id}'s {count} shipment(s) dispatched after the merge window")

    async def shipment_in(self, shipment_id: str, status: str, until=lambda s: True) -> dict:
        return await eventually(lambda: self.shipment(shipment_id), lambda s: s["status"] == status and until(s),
                                45, f"shipment {shipment_id} {status}")

    # -- the simulators -------------------------------------------------------------------------
    async def warehouse_ships(self, dispatch_number: str, **how: bool) -> dict:
        r = await self.wms.post(f"/sim/dispatches/{dispatch_number}", json={"outcome": "ship"} | how)
        assert r.status_code == 202, r.text
        return r.json()

    async def carrier_reports(self, waybill: str, event: str, **how: bool) -> dict:
        r = await self.tms.post(f"/sim/waybills/{waybill}", json={"event": event} | how)
        assert r.status_code == 202, r.text
        return r.json()

    async def delivered(self, sim: httpx.AsyncClient, subject: str, value: str, count: int) -> list[dict]:
        """The simulator's `count` webhooks about `value`, once every one was answered 2xx."""
        async def deliveries() -> list[dict]:
            r = await sim.get("/sim/webhooks", params={subject: value})
            assert r.status_code == 200, r.text
            return r.json()["items"]
        return await eventually(deliveries, lambda items: len(items) == count and all(
            d["state"] == "delivered" for d in items), 45, f"{count} webhooks about {value} delivered")

    # -- the order ------------------------------------------------------------------------------
    async def confirm_receipt(self, order_id: str, key: str | None = None) -> httpx.Response:
        return await self.platform.http.post(f"/orders/{order_id}/confirm-receipt",
                                             headers=auth(self.buyer, "buyer") | {
                                                 "Idempotency-Key": key or unique("confirm")})

    async def order_in(self, order_id: str, status: str, timeout: float = 45) -> dict:
        return await self.platform.wait_order(order_id, lambda o: o["status"] == status, f"order {status}", timeout)

    # -- the books ------------------------------------------------------------------------------
    async def books_hold(self, sku: str, warehouse: str, order_ids: list[str], *, shipped: int,
                         reserved: int, restocked: int = 0) -> None:
        """On hand = INITIAL − shipped + restocked; reserved = what the orders' open reservations of
        `sku` in `warehouse` still hold (active: quantity − incoming − shipped − released), and that
        is `reserved`."""
        async def books() -> tuple[int, int, int]:
            [row] = [w for w in (await self.platform.stock_of(sku))["warehouses"] if w["warehouse"] == warehouse]
            held = 0
            for order_id in order_ids:
                r = await self.platform.http.get("/inventory/reservations", params={"order_id": order_id},
                                                 headers=self.platform.staff)
                assert r.status_code == 200, r.text
                held += sum(x["quantity"] - x["incoming"] - x["shipped"] - x["released"] for x in r.json()["items"]
                            if (x["sku"], x["warehouse"], x["state"]) == (sku, warehouse, "active"))
            return row["on_hand"], row["reserved"], held
        expected = (INITIAL - shipped + restocked, reserved, reserved)
        await eventually(books, lambda seen: seen == expected, 45,
                         f"{sku} in {warehouse}: (on hand, reserved, held by open reservations) = {expected}")

    async def deductions(self, shipment_id: str) -> list[dict]:
        r = await self.platform.http.get("/inventory/movements", params={"shipment_id": shipment_id},
                                         headers=self.platform.staff)
        assert r.status_code == 200, r.text
        return r.json()["items"]


@pytest.fixture
def journey(platform, wms, tms) -> Journey:
    return Journey(platform, wms, tms)


def problem(r: httpx.Response) -> tuple[int, str]:
    return r.status_code, r.json().get("type", "").rsplit("/", 1)[-1]


def applied(shipment: dict, source: str | None = None) -> list[str]:
    return [e["event"] for e in shipment["events"] if e["applied"] and source in (None, e["source"])]


def not_applied(shipment: dict) -> list[tuple[str, str]]:
    return sorted((e["event"], e["source"]) for e in shipment["events"] if not e["applied"])


async def test_a_two_warehouse_order_ships_in_two_parcels_partially_shipped_between_and_the_buyer_confirms(journey):
    platform, merchant = journey.platform, unique("m-two")
    wh_1, wh_2 = unique("WH-J1"), unique("WH-J2")
    sku_1, sku_2 = await journey.sku(merchant, wh_1), await journey.sku(merchant, wh_2)
    order = await journey.paid(line(sku_1, 2), line(sku_2, 3))
    [sub] = (await platform.order(order["id"]))["sub_orders"]  # one merchant: one sub-order over two warehouses
    line_of = {ln["sku"]: ln["id"] for ln in sub["lines"]}

    first, second = sorted(await journey.all_dispatched(order["id"], 2), key=lambda s: s["warehouse"] != wh_1)
    assert [(s["warehouse"], [(ln["sku"], ln["quantity"]) for ln in s["lines"]]) for s in (first, second)] == [
        (wh_1, [(sku_1, 2)]), (wh_2, [(sku_2, 3)])]
    assert first["dispatch_number"] != second["dispatch_number"] and first["waybill"] != second["waybill"]
    await journey.books_hold(sku_1, wh_1, [order["id"]], shipped=0, reserved=2)
    await journey.books_hold(sku_2, wh_2, [order["id"]], shipped=0, reserved=3)

    # The first parcel leaves its warehouse and is signed for; the second is still in its warehouse.
    await journey.warehouse_ships(first["dispatch_number"])
    await journey.shipment_in(first["id"], "shipped")
    partly = await journey.order_in(order["id"], "partially_shipped")
    assert [s["status"] for s in partly["sub_orders"]] == ["partially_shipped"]
    await journey.books_hold(sku_1, wh_1, [order["id"]], shipped=2, reserved=0)
    await journey.books_hold(sku_2, wh_2, [order["id"]], shipped=0, reserved=3)
    for event in ("picked_up", "signed"):
        await journey.carrier_reports(first["waybill"], event)
    await journey.shipment_in(first["id"], "signed")
    tracked = await platform.wait_order(order["id"], lambda o: {s["id"]: s["status"] for s in o["shipments"]} == {
        first["id"]: "signed", second["id"]: "dispatched"}, "the order tracking one parcel signed, one dispatched")
    assert (tracked["status"], tracked["auto_confirm_at"]) == ("partially_shipped", None)
    r = await journey.confirm_receipt(order["id"])
    assert problem(r) == (409, "illegal-transition") and "partially_shipped" in r.json()["detail"], r.text

    # The second parcel leaves: the order has shipped, but it is not all signed for yet.
    await journey.warehouse_ships(second["dispatch_number"])
    shipped = await journey.order_in(order["id"], "shipped")
    assert [s["status"] for s in shipped["sub_orders"]] == ["shipped"]
    await journey.books_hold(sku_2, wh_2, [order["id"]], shipped=3, reserved=0)
    r = await journey.confirm_receipt(order["id"])
    assert problem(r) == (409, "illegal-transition") and "signed for" in r.json()["detail"], r.text
    assert (await platform.order(order["id"]))["status"] == "shipped"

    # Signed for: the buyer confirms at once (auto-confirm is ORDER_AUTO_CONFIRM_SECONDS later).
    for event in ("picked_up", "out_for_delivery", "signed"):
        await journey.carrier_reports(second["waybill"], event)
    await platform.wait_order(order["id"], lambda o: [s["status"] for s in o["shipments"]] == ["signed", "signed"]
                              and o["auto_confirm_at"] is not None, "both parcels signed for, auto-confirm armed")
    key = unique("confirm")
    r = await journey.confirm_receipt(order["id"], key)
    if r.status_code == 200:
        by = f"buyer:{journey.buyer}"
        assert (r.json()["status"], r.json()["auto_confirm_at"]) == ("completed", None)
        again = await journey.confirm_receipt(order["id"], key)  # the same key: the same answer, replayed
        assert (again.status_code, again.headers.get("Idempotent-Replayed"), again.json()["status"]) == (
            200, "true", "completed")
    else:  # the auto-confirm won the race on a slow machine: then it is the one confirmation
        assert problem(r) == (409, "illegal-transition") and "completed" in r.json()["detail"], r.text
        by = "system:auto-confirm"
    done = await journey.order_in(order["id"], "completed")
    assert [(h["to"], h["actor"]) for h in done["history"] if h["event"] == "confirm_receipt"] == [("completed", by)]
    assert [h["event"] for h in done["history"] if h["event"] in ("ship_part", "ship")] == ["ship_part", "ship"]
    assert [s["status"] for s in done["sub_orders"]] == ["completed"]
    assert {(ln["line_id"], ln["quantity"]) for s in done["shipments"] for ln in s["lines"]} == {
        (line_of[sku_1], 2), (line_of[sku_2], 3)}
    await journey.books_hold(sku_1, wh_1, [order["id"]], shipped=2, reserved=0)
    await journey.books_hold(sku_2, wh_2, [order["id"]], shipped=3, reserved=0)


async def test_two_orders_paid_together_to_one_receiver_merge_into_one_parcel_dispatched_once(journey):
    """Timing assumption: both payments are decided at the PSP at the same moment (both orders were
    placed and their payments started first), so the second order is planned well within the 2 s
    merge window the first one's shipment opened — the buyer's planning is serialized, so the
    second always finds the first waiting rather than racing it."""
    platform, merchant, warehouse = journey.platform, unique("m-merge"), unique("WH-JM")
    sku_a, sku_b = await journey.sku(merchant, warehouse), await journey.sku(merchant, warehouse)
    (order_a, psp_a), (order_b, psp_b) = [await journey.placed_and_asked_to_pay(line(sku, 1)) for sku in (sku_a, sku_b)]
    await asyncio.gather(platform.psp_decides(psp_a, "succeed"), platform.psp_decides(psp_b, "succeed"))
    orders = [order_a["id"], order_b["id"]]

    [merged] = await journey.all_dispatched(order_a["id"], 1)
    assert [s["id"] for s in await journey.shipments(order_b["id"])] == [merged["id"]]
    assert (sorted(merged["order_ids"]), sorted((ln["order_id"], ln["sku"]) for ln in merged["lines"])) == (
        sorted(orders), sorted([(order_a["id"], sku_a), (order_b["id"], sku_b)]))
    assert [e["event"] for e in merged["events"]].count("merge") == 1, merged["events"]
    assert (merged["dispatch_numbers"], applied(merged).count("dispatch")) == ([f"{merged['id']}-1"], 1)
    for sku in (sku_a, sku_b):
        await journey.books_hold(sku, warehouse, orders, shipped=0, reserved=1)

    await journey.warehouse_ships(merged["dispatch_number"])
    for event in ("picked_up", "signed"):
        await journey.carrier_reports(merged["waybill"], event)
    signed = await journey.shipment_in(merged["id"], "signed")
    assert applied(signed).count("dispatch") == 1 and len(signed["dispatch_numbers"]) == 1
    for order_id, sku in zip(orders, (sku_a, sku_b), strict=True):
        tracked = await platform.wait_order(order_id, lambda o: [s["status"] for s in o["shipments"]] == ["signed"],
                                            "the order tracking the merged parcel signed for")
        [shipment] = tracked["shipments"]
        [(own, own_sku)] = [(ln["id"], ln["sku"]) for s in tracked["sub_orders"] for ln in s["lines"]]
        assert (shipment["id"], own_sku) == (merged["id"], sku)
        assert (shipment["id"], shipment["waybill"], shipment["lines"]) == (
            merged["id"], merged["waybill"], [{"line_id": own, "quantity": 1}])  # only its own goods
    for order_id in orders:  # nobody confirms: receipt is confirmed for the buyer once the period passed
        done = await journey.order_in(order_id, "completed", timeout=60)
        assert [h["actor"] for h in done["history"] if h["event"] == "confirm_receipt"] == ["system:auto-confirm"]
    assert sorted((m["kind"], m["order_id"], m["sku"], m["quantity"]) for m in await journey.deductions(
        merged["id"])) == sorted([("deducted", order_a["id"], sku_a, 1), ("deducted", order_b["id"], sku_b, 1)])
    for sku in (sku_a, sku_b):
        await journey.books_hold(sku, warehouse, orders, shipped=1, reserved=0)


async def test_a_fragile_line_ships_apart_from_an_ordinary_one_of_the_same_warehouse(journey):
    platform, merchant, warehouse = journey.platform, unique("m-frag"), unique("WH-JF")
    vase = await journey.sku(merchant, warehouse, fragile=True, weight_grams=800)
    book = await journey.sku(merchant, warehouse, weight_grams=300)
    order = await journey.paid(line(vase, 1), line(book, 2))

    parcels = await journey.all_dispatched(order["id"], 2)
    by_flags = {tuple(s["flags"]): s for s in parcels}
    assert sorted(by_flags) == [(), ("fragile",)], [s["flags"] for s in parcels]
    fragile, ordinary = by_flags[("fragile",)], by_flags[()]
    assert [(ln["sku"], ln["quantity"]) for ln in fragile["lines"]] == [(vase, 1)]  # alone
    assert [(ln["sku"], ln["quantity"]) for ln in ordinary["lines"]] == [(book, 2)]
    assert {s["warehouse"] for s in parcels} == {warehouse} and fragile["waybill"] != ordinary["waybill"]
    assert (fragile["weight_grams"], ordinary["weight_grams"]) == (800, 600)
    tracked = await platform.order(order["id"])
    assert sorted(s["id"] for s in tracked["shipments"]) == sorted(s["id"] for s in parcels)
    await journey.books_hold(vase, warehouse, [order["id"]], shipped=0, reserved=1)
    await journey.books_hold(book, warehouse, [order["id"]], shipped=0, reserved=2)

    await journey.warehouse_ships(fragile["dispatch_number"])
    await journey.order_in(order["id"], "partially_shipped")
    await journey.books_hold(vase, warehouse, [order["id"]], shipped=1, reserved=0)
    await journey.books_hold(book, warehouse, [order["id"]], shipped=0, reserved=2)
    await journey.warehouse_ships(ordinary["dispatch_number"])
    await journey.order_in(order["id"], "shipped")
    await journey.books_hold(book, warehouse, [order["id"]], shipped=2, reserved=0)
    assert [(m["kind"], m["sku"], m["quantity"]) for m in await journey.deductions(fragile["id"])] == [
        ("deducted", vase, 1)]


async def test_duplicate_callbacks_act_once_and_a_late_in_transit_after_signed_is_recorded_not_applied(journey):
    warehouse = unique("WH-JD")
    sku = await journey.sku(unique("m-dup"), warehouse)
    order = await journey.paid(line(sku, 2))
    [s] = await journey.all_dispatched(order["id"], 1)

    sent = await journey.warehouse_ships(s["dispatch_number"], duplicate=True)  # each webhook twice, same event
    assert [w["type"] for w in sent["webhooks"]] == ["picked", "picked", "packed", "packed", "shipped", "shipped"]
    await journey.delivered(journey.wms, "dispatch_number", s["dispatch_number"], 6)
    shipped = await journey.shipment_in(s["id"], "shipped")
    assert applied(shipped, "wms") == ["picked", "packed", "shipped"] and not_applied(shipped) == []
    await journey.books_hold(sku, warehouse, [order["id"]], shipped=2, reserved=0)

    for event in ("picked_up", "out_for_delivery", "signed"):
        await journey.carrier_reports(s["waybill"], event, duplicate=True)
    await journey.carrier_reports(s["waybill"], "in_transit")  # late: the parcel was signed for already
    await journey.delivered(journey.tms, "waybill", s["waybill"], 7)
    done = await journey.shipment_in(s["id"], "signed", lambda x: ("in_transit", "tms") in not_applied(x))
    assert applied(done, "tms") == ["picked_up", "out_for_delivery", "signed"]
    assert not_applied(done) == [("in_transit", "tms")]
    late = [e for e in done["events"] if e["event"] == "in_transit"]
    assert [(e["status"], e["applied"], e["detail"]) for e in late] == [("signed", False, "late")], late
    assert (await journey.shipment(s["id"]))["status"] == "signed"
    tracked = await journey.platform.wait_order(order["id"], lambda o: [x["status"] for x in o["shipments"]] == [
        "signed"], "the order tracking its parcel signed")
    assert tracked["status"] in ("shipped", "completed")  # completed once auto-confirmed
    assert [(m["kind"], m["quantity"]) for m in await journey.deductions(s["id"])] == [("deducted", 2)]  # once
    await journey.books_hold(sku, warehouse, [order["id"]], shipped=2, reserved=0)


async def test_out_of_order_warehouse_reports_apply_the_furthest_and_record_the_rest(journey):
    warehouse = unique("WH-JO")
    sku = await journey.sku(unique("m-ooo"), warehouse)
    order = await journey.paid(line(sku, 3))
    [s] = await journey.all_dispatched(order["id"], 1)

    sent = await journey.warehouse_ships(s["dispatch_number"], out_of_order=True)
    assert [w["type"] for w in sent["webhooks"]] == ["shipped", "packed", "picked"]
    await journey.delivered(journey.wms, "dispatch_number", s["dispatch_number"], 3)
    shipped = await journey.shipment_in(s["id"], "shipped", lambda x: len(not_applied(x)) == 2)
    assert applied(shipped, "wms") == ["shipped"]
    assert not_applied(shipped) == [("packed", "wms"), ("picked", "wms")]
    await journey.order_in(order["id"], "shipped")
    await journey.books_hold(sku, warehouse, [order["id"]], shipped=3, reserved=0)

    for event in ("signed", "out_for_delivery", "picked_up"):  # the carrier's too, newest first
        await journey.carrier_reports(s["waybill"], event)
    await journey.delivered(journey.tms, "waybill", s["waybill"], 3)
    done = await journey.shipment_in(s["id"], "signed", lambda x: len(not_applied(x)) == 4)
    assert applied(done, "tms") == ["signed"]
    assert not_applied(done) == [("out_for_delivery", "tms"), ("packed", "wms"), ("picked", "wms"),
                                 ("picked_up", "tms")]
    assert [(m["kind"], m["quantity"]) for m in await journey.deductions(s["id"])] == [("deducted", 3)]
    await journey.order_in(order["id"], "completed", timeout=60)  # auto-confirmed: everything signed for
    await journey.books_hold(sku, warehouse, [order["id"]], shipped=3, reserved=0)
