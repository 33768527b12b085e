"""An ERP channel (kind `erp`, the market simulator's shape C) through the gateway and the whole
stack (issue 13): an ERP pushes an order whose line's shop SKU is not mapped but whose ERP goods
code is — the order is placed with the local SKU the goods code maps to, and its status is synced
back to the ERP's own call in its own words; a duplicate push creates nothing; a line whose shop
SKU and goods code are both unmapped waits in review."""

import pytest
from channel_desk import ChannelDesk, new_phone
from platform_client import eventually, unique

SYNC_PATH = "order.logistics"


@pytest.fixture
def desk(platform, market) -> ChannelDesk:
    return ChannelDesk(platform, market)


async def erp_shop(desk: ChannelDesk) -> str:
    """An ERP shop of its own, configured as a channel: shape C words money as decimal yuan."""
    return await desk.shop("erp", money="decimal")


async def erp_buys(desk: ChannelDesk, code: str, shop_sku: str, goods_code: str, price: int, **more) -> dict:
    """A buyer pays one unit of a course through the ERP; the line names both codes."""
    body = {"member_id": unique("member"), "phone": new_phone(), "receiver": None,
            "lines": [{"channel_sku": shop_sku, "goods_code": goods_code, "quantity": 1, "unit_price_amount": price,
                       "paid_amount": price}], **more}
    r = await desk.market.post(f"/sim/market/{code}/orders", json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def test_an_erp_order_is_mapped_through_its_goods_code_placed_once_and_synced_back(desk, market):
    shop = await erp_shop(desk)
    course = await desk.platform.product(unique("m-erp"), 12900, on_hand=0, kind="virtual")
    goods_code = unique("G")
    await desk.mapped(shop, goods_code, course)
    bought = await erp_buys(desk, shop, unique("shop-sku-unmapped"), goods_code, 12900, duplicate=True)
    assert [n["Method"] for n in bought["news"]] == ["order.paid", "order.paid"]
    assert bought["news"][0]["Items"][0]["GoodsCode"] == goods_code

    order = await desk.placed(shop, bought["order_id"], "completed")
    assert (order["type"], order["channel"], order["paid_amount"]) == ("channel", shop, 0)
    line = order["sub_orders"][0]["lines"][0]
    assert (line["sku"], line["channel_unit_price_amount"], line["channel_paid_amount"]) == (course, 12900, 12900)

    calls = await desk.told(shop, bought["order_id"], lambda xs: "Finished" in [c["status"] for c in xs],
                            "the ERP told the course was delivered and the order finished")
    assert [c["status"] for c in calls][:2] == ["Signed", "Finished"]
    assert all(c["path"] == SYNC_PATH and c["known_order"] and c["body"]["SoId"] == bought["order_id"]
               for c in calls)

    async def pushes() -> list[dict]:
        r = await market.get(f"/sim/market/{shop}/pushes", params={"order": bought["order_id"]})
        return r.json()["items"]
    await eventually(pushes, lambda xs: len(xs) == 2 and all(p["state"] == "delivered" for p in xs), 30,
                     "both pushes of the order answered 2xx")
    r = await desk.platform.http.get(f"/channels/{shop}/orders", headers=desk.staff)
    assert r.status_code == 200 and [o["external_order_id"] for o in r.json()["items"]] == [bought["order_id"]]


async def test_an_erp_line_with_neither_code_mapped_waits_in_review(desk):
    shop = await erp_shop(desk)
    shop_sku, goods_code = unique("shop-sku-unmapped"), unique("G-unmapped")
    bought = await erp_buys(desk, shop, shop_sku, goods_code, 3000)

    waiting = await desk.ledger(shop, bought["order_id"], "review")
    assert waiting["review"]["reason"] == "unmapped-sku" and shop_sku in waiting["review"]["detail"]
    assert [o["external_order_id"] for o in (await desk.review(shop))["orders"]] == [bought["order_id"]]
