"""Hostile pushes to the channel adapter that a schema-driven fuzzer cannot send (they must be
signed by the channel; issue 13): each correctly signed by the shop, each a well-formed order
spoiled in one field — NUL bytes, quantities and money as strings, floats, booleans, negative or
beyond BIGINT, more decimals than the cent, an unknown status word, a phone that is not one,
another currency, bodies that are not an object. Each is a 422 problem+json naming the field in
the channel's own shape, and nothing of it reaches the ledger."""

import copy
import json

import pytest
from channel_desk import ChannelDesk
from fuzzing import problem_violation
from platform_client import unique

NUL = "bad\x00value"
BIG = 2**63

SPOILED = [  # (the field the refusal names, how the order's webhook body is spoiled)
    ("tid", lambda b: b.update(tid=NUL)),
    ("status", lambda b: b.update(status="WAIT_ANYBODY")),
    ("buyer_open_uid", lambda b: b.update(buyer_open_uid=None)),
    ("receiver_mobile", lambda b: b.update(receiver_mobile="call me maybe")),  # checked once read, named as sent
    ("currency", lambda b: b.update(currency="USD")),
    ("orders", lambda b: b.update(orders=[])),
    ("orders", lambda b: b.update(orders={"0": "x"})),
    ("orders.0.num", lambda b: b["orders"][0].update(num="1")),
    ("orders.0.num", lambda b: b["orders"][0].update(num=1.0)),
    ("orders.0.num", lambda b: b["orders"][0].update(num=True)),
    ("orders.0.num", lambda b: b["orders"][0].update(num=-1)),
    ("orders.0.num", lambda b: b["orders"][0].update(num=BIG)),
    ("orders.0.price", lambda b: b["orders"][0].update(price=12.5)),
    ("orders.0.price", lambda b: b["orders"][0].update(price="12.505")),
    ("orders.0.price", lambda b: b["orders"][0].update(price="-1.00")),
    ("orders.0.price", lambda b: b["orders"][0].update(price=str(BIG))),
    ("orders.0.payment", lambda b: b["orders"][0].update(payment="NaN")),
    ("orders.0.outer_sku_id", lambda b: b["orders"][0].update(outer_sku_id=NUL)),
]


@pytest.fixture
async def pushed(platform, market) -> tuple[ChannelDesk, str, dict]:
    """A push shop with a mapped course, and the webhook body of one well-formed order of it."""
    desk = ChannelDesk(platform, market)
    shop = await desk.shop("marketplace_push")
    course, _ = await desk.product(shop, 1000, kind="virtual", on_hand=0)
    bought = await desk.buys(shop, (course, 1, 1000), receiver=None)
    await desk.ledger(shop, bought["order_id"], "placed", "accepted")
    [news] = bought["news"]
    return desk, shop, news


def _broken(answer: dict, field: str) -> list[str]:
    status, body = answer["status_code"], answer.get("body")
    body = json.loads(body) if isinstance(body, str) else body
    if status != 422 or not isinstance(body, dict) or problem_violation(
            status, "application/problem+json", json.dumps(body).encode()) is not None:
        return [f"{field}: {status} {str(body)[:200]}"]
    named = [e.get("field", "") for e in body.get("errors") or []]
    return [] if any(n == field or n.startswith(f"{field}.") for n in named) else [f"{field} not named in {named}"]


async def test_every_spoiled_push_is_refused_naming_its_field_and_nothing_is_kept(pushed):
    desk, shop, news = pushed
    broken: list[str] = []
    for field, spoil in SPOILED:
        body = copy.deepcopy(news) | {"tid": unique("T"), "msg_id": unique("msg")}
        spoil(body)
        r = await desk.market.post(f"/sim/market/{shop}/push-raw", json={"body": body})
        assert r.status_code == 200, r.text
        broken += _broken(r.json(), field)
    for raw in ("[]", '"order"', "1", "null", "{"):
        r = await desk.market.post(f"/sim/market/{shop}/push-raw", json={"raw": raw})
        if r.json()["status_code"] != 422:
            broken.append(f"raw {raw!r}: {r.json()['status_code']}")
    assert not broken, "\n".join(broken)
    r = await desk.platform.http.get(f"/channels/{shop}/orders", headers=desk.staff)
    assert [x["external_order_id"] for x in r.json()["items"]] == [news["tid"]]
