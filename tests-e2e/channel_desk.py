"""The channel e2e tests' desk (issue 13): a marketplace shop of its own in the market simulator
(push or pull shape) configured as a channel through the gateway, local SKUs mapped to the shop's,
the shop's buyers paying orders there, and what the platform made of them — the ledger's channel
order, the platform's zero-amount order, its shipments, and what the shop was told back."""

import os
import random

import httpx
from platform_client import eventually, unique

MARKET_URL = os.environ.get("TRADEFLOW_MARKET_SIMULATOR_URL", "http://127.0.0.1:8193")
RECEIVER = {"name": "Li Lei", "phone": "13800138000", "region": "Zhejiang", "city": "Hangzhou",
            "address": "1 Wensan Rd"}
FORMATS = {"marketplace_push": {"money": "decimal", "address": "joined"},
           "marketplace_pull": {"money": "minor", "address": "split"}}


def new_phone() -> str:
    """A mobile number no other test uses: 139 and eight random digits."""
    return f"139{random.randrange(10**8):08d}"


class ChannelDesk:
    def __init__(self, platform, market: httpx.AsyncClient) -> None:
        self.platform, self.market, self.staff = platform, market, platform.staff

    # -- the shop and its channel ----------------------------------------------------------------
    async def shop(self, kind: str, **controls) -> str:
        """A new shop of `kind` in the simulator, configured as a channel of the same code."""
        code, secret = unique("shop").lower(), unique("secret-of-the-shop")
        r = await self.market.post("/sim/market/shops", json={"code": code, "kind": kind, "secret": secret})
        assert r.status_code == 201, r.text
        statuses = r.json()["statuses"]
        await self.configure(code, kind, secret, statuses, **controls)
        return code

    async def configure(self, code: str, kind: str, secret: str, statuses: dict, money: str | None = None,
                        **controls) -> dict:
        formats = FORMATS.get(kind, {}) | ({"money": money} if money else {})
        body = {"kind": kind, "secret": secret, "currency": "CNY", "vocabulary": {
            "statuses": statuses, "carriers": {}, **formats}, **controls}
        if kind != "offline":
            body["api_base_url"] = f"{MARKET_URL}/{code}"
        r = await self.platform.http.put(f"/channels/{code}", json=body, headers=self.staff)
        assert r.status_code in (200, 201), r.text
        return r.json()

    async def channel(self, code: str) -> dict:
        r = await self.platform.http.get(f"/channels/{code}", headers=self.staff)
        assert r.status_code == 200, r.text
        return r.json()

    async def mapped(self, code: str, channel_sku: str, sku: str) -> None:
        """Map the shop's SKU to ours (once the adapter has heard of our SKU from the catalog)."""
        async def put() -> httpx.Response:
            return await self.platform.http.put(f"/channels/{code}/sku-map/{channel_sku}", json={"sku": sku},
                                                headers=self.staff)
        await eventually(put, lambda r: r.status_code == 200, 30, f"{channel_sku} mapped to {sku}")

    async def product(self, code: str, price: int, *, kind: str = "physical", on_hand: int = 10) -> tuple[str, str]:
        """A fresh local SKU (of a fresh merchant) mapped from a fresh shop SKU: (shop sku, local sku)."""
        sku = await self.platform.product(unique("m-ch"), price, on_hand=on_hand, kind=kind)
        shop_sku = unique("cs")
        await self.mapped(code, shop_sku, sku)
        return shop_sku, sku

    # -- the shop's buyers -------------------------------------------------------------------------
    async def buys(self, code: str, *lines: tuple[str, int, int], member: str | None = None,
                   phone: str | None = "new", receiver: dict | None = RECEIVER, **more) -> dict:
        """A buyer pays an order in the shop: lines (shop sku, quantity, unit price), each paid in full.
        `phone`: "new" — a phone of its own (a buyer of their own); None — no phone."""
        body = {"member_id": member or unique("member"), "phone": new_phone() if phone == "new" else phone,
                "receiver": receiver,
                "lines": [{"channel_sku": s, "quantity": q, "unit_price_amount": p, "paid_amount": q * p}
                          for s, q, p in lines], **more}
        r = await self.market.post(f"/sim/market/{code}/orders", json=body)
        assert r.status_code == 201, r.text
        return r.json()

    async def shop_does(self, code: str, external_id: str, action: str, body: dict) -> dict:
        r = await self.market.post(f"/sim/market/{code}/orders/{external_id}/{action}", json=body)
        assert r.status_code in (200, 201), r.text
        return r.json()

    async def told(self, code: str, external_id: str, until, what: str, timeout: float = 45) -> list[dict]:
        """The sync-back calls the shop received for the order, once `until` holds for them."""
        async def calls() -> list[dict]:
            r = await self.market.get(f"/sim/market/{code}/synced", params={"order": external_id})
            assert r.status_code == 200, r.text
            return r.json()["items"]
        return await eventually(calls, until, timeout, what)

    # -- what the platform made of it -------------------------------------------------------------
    async def ledger(self, code: str, external_id: str, *statuses: str, timeout: float = 45) -> dict:
        async def get() -> httpx.Response:
            return await self.platform.http.get(f"/channels/{code}/orders/{external_id}", headers=self.staff)
        r = await eventually(get, lambda r: r.status_code == 200 and r.json()["status"] in statuses, timeout,
                             f"{external_id} {'/'.join(statuses)} in the ledger")
        return r.json()

    async def placed(self, code: str, external_id: str, *statuses: str, timeout: float = 60) -> dict:
        """The platform's order of the channel order, once in one of `statuses`."""
        record = await self.ledger(code, external_id, "placed", timeout=timeout)
        return await self.platform.wait_order(record["order_id"], lambda o: o["status"] in statuses,
                                              f"order {record['order_id']} {'/'.join(statuses)}", timeout)

    async def shipments(self, order_id: str) -> list[dict]:
        r = await self.platform.http.get("/fulfillment/shipments", params={"order_id": order_id}, headers=self.staff)
        assert r.status_code == 200, r.text
        return r.json()["items"]

    async def review(self, code: str) -> dict:
        r = await self.platform.http.get(f"/channels/{code}/review", headers=self.staff)
        assert r.status_code == 200, r.text
        return r.json()

    async def changes(self, code: str) -> list[dict]:
        """The channel's cancellations, refunds and address changes, with their status and detail."""
        r = await self.platform.http.get(f"/channels/{code}/changes", headers=self.staff)
        assert r.status_code == 200, r.text
        return r.json()["items"]

    async def decide_change(self, code: str, change_id: str, action: str, body: dict | None = None) -> dict:
        """Staff approve or reject a change waiting in review."""
        r = await self.platform.http.post(f"/channels/{code}/changes/{change_id}/{action}", json=body,
                                          headers=self.staff)
        assert r.status_code == 200, r.text
        return r.json()
