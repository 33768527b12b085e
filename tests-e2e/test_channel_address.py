"""A channel's address change through the whole stack (issue 13, re-review): a pushed order of
goods is placed and dispatched; the shop's buyer changes the address on the marketplace; the
change waits for staff; approved, fulfillment intercepts the dispatched parcel at the warehouse
and sends it again (a new dispatch and waybill) to the new receiver, the order's receiver is the
new one, and the change reads done. A pulled order's parcel already on its way is not changed:
the approved change reads refused, naming the shipment."""

import httpx
import pytest
from channel_desk import ChannelDesk
from platform_client import eventually

NEW_RECEIVER = {"name": "Han Meimei", "phone": "13900001111", "region": "Sichuan", "city": "Chengdu",
                "address": "9 Jinli St"}


@pytest.fixture
def desk(platform, market) -> ChannelDesk:
    return ChannelDesk(platform, market)


async def dispatched(desk: ChannelDesk, kind: str) -> tuple[str, str, dict, dict]:
    """A shop of `kind` whose buyer's order of goods is placed and its one shipment dispatched:
    (shop, external order id, the platform's order, the shipment)."""
    shop = await desk.shop(kind)
    shop_sku, _ = await desk.product(shop, 3000)
    bought = await desk.buys(shop, (shop_sku, 1, 3000))
    order = await desk.placed(shop, bought["order_id"], "awaiting_shipment")
    [shipment] = await eventually(lambda: desk.shipments(order["id"]),
                                  lambda xs: [s["status"] for s in xs] == ["dispatched"], 45, "dispatched")
    return shop, bought["order_id"], order, shipment


async def address_changed(desk: ChannelDesk, shop: str, external_id: str) -> dict:
    """The shop's buyer changes the address; the change once waiting for staff."""
    await desk.shop_does(shop, external_id, "address", {"receiver": NEW_RECEIVER})
    [change] = await eventually(lambda: desk.changes(shop), lambda xs: xs and xs[0]["status"] == "review", 30,
                                "the address change waiting for staff")
    assert change["kind"] == "address_change"
    return change


async def answered(desk: ChannelDesk, shop: str) -> dict:
    [change] = await eventually(lambda: desk.changes(shop), lambda xs: xs[0]["status"] in ("done", "refused"), 60,
                                "fulfillment's answer")
    return change


async def test_an_approved_address_change_sends_the_dispatched_parcel_to_the_new_receiver(desk, wms):
    shop, external_id, order, first = await dispatched(desk, "marketplace_push")
    change = await address_changed(desk, shop, external_id)
    approved = await desk.decide_change(shop, change["id"], "approve", {"reason": "the buyer moved"})
    assert approved["status"] == "sent"

    async def stop_it() -> httpx.Response:
        return await wms.post(f"/sim/dispatches/{first['dispatch_number']}", json={"outcome": "intercept_ok"})
    await eventually(stop_it, lambda r: r.status_code == 202, 30, "the warehouse asked to intercept")

    done = await answered(desk, shop)
    assert done["status"] == "done", done["detail"]
    assert done["detail"].startswith(f"sent to the new receiver: {first['id']} changed")
    [again] = await eventually(lambda: desk.shipments(order["id"]),
                               lambda xs: xs[0]["status"] == "dispatched" and xs[0]["waybill"] != first["waybill"],
                               30, "dispatched again under a new waybill")
    assert (again["receiver"]["region"], again["receiver"]["city"]) == ("Sichuan", "Chengdu")
    assert again["dispatch_number"] != first["dispatch_number"]
    await desk.platform.wait_order(order["id"], lambda o: o["receiver"]["city"] == "Chengdu",
                                   "the order's receiver the new one")


async def test_an_address_change_of_a_parcel_on_its_way_is_refused_naming_it(desk, wms):
    shop, external_id, order, shipment = await dispatched(desk, "marketplace_pull")
    r = await wms.post(f"/sim/dispatches/{shipment['dispatch_number']}", json={"outcome": "ship"})
    assert r.status_code == 202, r.text
    await desk.platform.wait_order(order["id"], lambda o: o["status"] == "shipped", "shipped", 45)

    change = await address_changed(desk, shop, external_id)
    await desk.decide_change(shop, change["id"], "approve")
    refused = await answered(desk, shop)
    assert refused["status"] == "refused" and refused["detail"].startswith(shipment["id"]), refused["detail"]
    assert (await desk.platform.order(order["id"]))["receiver"]["city"] == "Hangzhou"
