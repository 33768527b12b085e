"""The after-sales e2e tests' desk: one buyer's paid orders of fresh SKUs, taken as far as a case
needs (shipped, signed for, completed) through the WMS and TMS simulators' control APIs, the
buyer's and staff's after-sales calls through the gateway, and the books checked after each
scenario: refunded ≤ paid per line and per order (the order, the payment and the cases agree),
and stock on hand = initial − shipped + restocked with nothing left reserved."""

import httpx
from platform_client import auth, eventually, line, order_body, unique

INITIAL = 10  # units on hand of every fresh SKU


class Desk:
    def __init__(self, platform, wms, tms) -> None:
        self.platform, self.wms, self.tms = platform, wms, tms
        self.buyer = unique("buyer")
        self.buyer_auth = auth(self.buyer, "buyer")
        self.staff = platform.staff

    # -- orders ---------------------------------------------------------------------------------
    async def sku(self, merchant: str, price: int, warehouse: str | None = None, **fields) -> tuple[str, str]:
        """A fresh SKU with INITIAL units on hand in a fresh warehouse: (sku, warehouse)."""
        warehouse = warehouse or unique("WH-as")
        on_hand = 0 if fields.get("kind") == "virtual" else INITIAL
        sku = await self.platform.product(merchant, price, on_hand=on_hand, warehouse=warehouse, **fields)
        return sku, warehouse

    async def paid(self, *lines: dict, **fields) -> dict:
        order = await self.platform.placed(self.buyer, order_body(list(lines), **fields))
        payment = await self.platform.start_payment(self.buyer, order["id"])
        await self.platform.psp_decides(payment["psp_reference"], "succeed")
        return await self.platform.wait_order(order["id"], lambda o: o["payment_status"] == "paid", "paid")

    async def course_completed(self, price: int) -> tuple[dict, str]:
        """A course (virtual goods) of a fresh merchant bought and paid: the order once completed
        (granted at once), and the course's line id."""
        course, _ = await self.sku(unique("m-course"), price, kind="virtual")
        order = await self.platform.placed(self.buyer, order_body([line(course, 1)], type="virtual"))
        payment = await self.platform.start_payment(self.buyer, order["id"])
        await self.platform.psp_decides(payment["psp_reference"], "succeed")
        done = await self.order_in(order["id"], "completed")
        return done, the_line(done, course)["id"]

    async def inspection_failed(self, merchant: str, price: int, note: str) -> tuple:
        """One unit bought, delivered, returned in an approved return_and_refund case and failed at
        inspection: (sku, warehouse, order, the case)."""
        sku, warehouse = await self.sku(merchant, price)
        order = await self.paid(line(sku, 1))
        await self.delivered(order["id"])
        case = await self.opened(order["id"], "return_and_refund", (the_line(order, sku)["id"], 1))
        await self.staff_did(case["id"], "approve")
        await self.case_in(case["id"], "awaiting_return")
        await self.parcel_sent(case["id"])
        await self.warehouse_inspects(case["id"], "inspect_fail", note)
        return sku, warehouse, order, await self.case_in(case["id"], "inspected_failed")

    async def order_in(self, order_id: str, *statuses: str, timeout: float = 45) -> dict:
        return await self.platform.wait_order(order_id, lambda o: o["status"] in statuses,
                                              f"order {order_id} {'/'.join(statuses)}", timeout)

    async def shipments(self, order_id: str) -> list[dict]:
        r = await self.platform.http.get("/fulfillment/shipments", params={"order_id": order_id}, headers=self.staff)
        assert r.status_code == 200, r.text
        return r.json()["items"]

    async def delivered(self, order_id: str) -> dict:
        """Every shipment of the order shipped and signed for, the order completed (auto-confirm)."""
        items = await eventually(lambda: self.shipments(order_id),
                                 lambda xs: xs and all(s["status"] == "dispatched" for s in xs), 45,
                                 f"order {order_id}'s shipments dispatched")
        for shipment in items:
            r = await self.wms.post(f"/sim/dispatches/{shipment['dispatch_number']}", json={"outcome": "ship"})
            assert r.status_code == 202, r.text
        for shipment in items:
            shipped = await eventually(lambda s=shipment: self.shipment(s["id"]), lambda s: s["waybill"], 45,
                                       "a waybill")
            await self.carrier(shipped["waybill"], "signed")
        return await self.order_in(order_id, "completed", timeout=60)

    async def shipment(self, shipment_id: str) -> dict:
        r = await self.platform.http.get(f"/fulfillment/shipments/{shipment_id}", headers=self.staff)
        assert r.status_code == 200, r.text
        return r.json()

    async def carrier(self, waybill: str, event: str) -> None:
        async def report() -> httpx.Response:
            return await self.tms.post(f"/sim/waybills/{waybill}", json={"event": event})
        await eventually(report, lambda r: r.status_code == 202, 30, f"the carrier reports {event}")

    # -- cases ----------------------------------------------------------------------------------
    async def open(self, order_id: str, type_: str, *lines: tuple[str, int], key: str | None = None,
                   as_staff: bool = False, **fields) -> httpx.Response:
        body = {"order_id": order_id, "type": type_, "reason": fields.pop("reason", "not as described"),
                "description": "e2e", "evidence": ["https://example.com/photo.jpg"],
                "lines": [{"line_id": line_id, "quantity": q} for line_id, q in lines]} | fields
        headers = (self.staff if as_staff else auth(self.buyer, "buyer")) | {"Idempotency-Key": key or unique("as")}
        return await self.platform.http.post("/after-sales", json=body, headers=headers)

    async def opened(self, order_id: str, type_: str, *lines: tuple[str, int], **fields) -> dict:
        r = await self.open(order_id, type_, *lines, **fields)
        assert r.status_code == 201, r.text
        return r.json()

    async def case(self, case_id: str) -> dict:
        r = await self.platform.http.get(f"/after-sales/{case_id}", headers=self.staff)
        assert r.status_code == 200, r.text
        return r.json()

    async def case_in(self, case_id: str, *statuses: str, timeout: float = 45) -> dict:
        return await eventually(lambda: self.case(case_id), lambda c: c["status"] in statuses, timeout,
                                f"case {case_id} {'/'.join(statuses)}")

    async def staff_does(self, case_id: str, action: str, body: dict | None = None) -> httpx.Response:
        return await self.platform.http.post(f"/after-sales/{case_id}/{action}", json=body or {"reason": "e2e"},
                                             headers=self.staff | {"Idempotency-Key": unique(action)})

    async def staff_did(self, case_id: str, action: str, body: dict | None = None) -> dict:
        r = await self.staff_does(case_id, action, body)
        assert r.status_code in (200, 202), f"{action}: {r.status_code} {r.text}"
        return r.json()

    async def parcel_sent(self, case_id: str) -> dict:
        r = await self.platform.http.post(f"/after-sales/{case_id}/return-parcel",
                                          json={"carrier": "sf", "waybill": unique("RET")},
                                          headers=auth(self.buyer, "buyer") | {"Idempotency-Key": unique("rp")})
        assert r.status_code in (200, 202), r.text
        return r.json()

    async def warehouse_inspects(self, case_id: str, outcome: str, note: str = "") -> None:
        """The warehouse receives the case's parcel, then inspects it (`inspect_ok` | `inspect_fail`)."""
        for step in ("receive", outcome):
            async def report(step=step) -> httpx.Response:
                return await self.wms.post(f"/sim/case-returns/{case_id}", json={"outcome": step, "note": note})
            await eventually(report, lambda r: r.status_code == 202, 30, f"the warehouse can {step} {case_id}")

    # -- the books ------------------------------------------------------------------------------
    async def money_agrees(self, order_id: str, refunded: int) -> dict:
        """The order has `refunded` back in all, no line more than it paid, and the payment service
        says the same."""
        order = await self.platform.wait_order(order_id, lambda o: o["refunded_amount"] == refunded,
                                               f"order {order_id} refunded {refunded}")
        lines = [ln for sub in order["sub_orders"] for ln in sub["lines"]]
        assert all(0 <= ln["refunded_amount"] <= ln["paid_amount"] for ln in lines), lines
        assert sum(ln["refunded_amount"] for ln in lines) == refunded <= order["paid_amount"]
        payments = [p for p in await self.platform.payments_of(order_id) if p["status"] == "succeeded"]
        assert sum(p["refunded_amount"] for p in payments) == refunded, payments
        return order

    async def stock_is(self, sku: str, warehouse: str, *, shipped: int, restocked: int = 0, reserved: int = 0) -> None:
        """On hand = INITIAL − shipped + restocked, and `reserved` still held."""
        async def row() -> tuple[int, int]:
            [w] = [w for w in (await self.platform.stock_of(sku))["warehouses"] if w["warehouse"] == warehouse]
            return w["on_hand"], w["reserved"]
        expected = (INITIAL - shipped + restocked, reserved)
        await eventually(row, lambda seen: seen == expected, 45, f"{sku} in {warehouse}: (on hand, reserved)")


def problem(r: httpx.Response, status: int, slug: str) -> dict:
    """The answer is the problem+json refusal `slug` with `status`."""
    assert (r.status_code, r.headers["content-type"].split(";")[0]) == (status, "application/problem+json"), r.text
    assert r.json()["type"].endswith(f"/{slug}"), r.text
    return r.json()


def the_line(order: dict, sku: str) -> dict:
    return next(ln for sub in order["sub_orders"] for ln in sub["lines"] if ln["sku"] == sku)


__all__ = ["Desk", "line", "problem", "the_line"]
