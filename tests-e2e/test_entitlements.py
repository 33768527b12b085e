"""Virtual goods taken back by staff, through the gateway and the whole stack (issue 11:
entitlements "revocable by after-sales or staff with a reason"): a buyer's course, granted at once
when paid, is revoked by staff with a reason; the buyer's own list keeps showing it, revoked, with
when and why; revoking it again is refused saying so, and a buyer may not revoke at all."""

from platform_client import auth, line, order_body, unique


async def test_staff_revoke_a_course_and_the_buyer_sees_it_revoked_with_the_reason(platform):
    buyer = unique("buyer")
    course = await platform.product(unique("m-course"), 9900, on_hand=0, kind="virtual")
    order = await platform.placed(buyer, order_body([line(course, 1)], type="virtual"))
    payment = await platform.start_payment(buyer, order["id"])
    await platform.psp_decides(payment["psp_reference"], "succeed")
    done = await platform.wait_order(order["id"], lambda o: o["status"] == "completed", "the course granted")
    [granted] = [ln["entitlement_id"] for s in done["sub_orders"] for ln in s["lines"]]

    async def revoke(headers: dict, reason: str):
        return await platform.http.post(f"/entitlements/{granted}/revoke", json={"reason": reason},
                                        headers=headers | {"Idempotency-Key": unique("revoke")})

    by_buyer = await revoke(auth(buyer, "buyer"), "I want my money back")
    assert (by_buyer.status_code, by_buyer.json()["type"].rsplit("/", 1)[1]) == (403, "forbidden")
    r = await revoke(platform.staff, "shared the course account publicly")
    assert r.status_code == 200, r.text
    assert (r.json()["id"], r.json()["status"]) == (granted, "revoked")

    mine = await platform.http.get("/entitlements", headers=auth(buyer, "buyer"))
    [listed] = mine.json()["items"]
    assert {k: listed[k] for k in ("id", "sku", "status", "revoked_at", "revoke_reason")} == {
        "id": granted, "sku": course, "status": "revoked", "revoked_at": r.json()["revoked_at"],
        "revoke_reason": "shared the course account publicly"}

    again = await revoke(platform.staff, "twice")
    assert (again.status_code, again.headers["content-type"]) == (409, "application/problem+json")
    assert (again.json()["type"].rsplit("/", 1)[1], again.json()["revoked_at"], again.json()["revoke_reason"]) == (
        "entitlement-revoked", r.json()["revoked_at"], "shared the course account publicly")
