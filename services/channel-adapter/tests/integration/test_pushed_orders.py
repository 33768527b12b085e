"""A push channel's signed webhook: an order read, mapped, linked to its buyer's account, charged
at the channel's price list and published once; a repeat is harmless; a push not provably the
channel's (or stale) is refused before anything is kept; a body that cannot be read is a 422 naming
its field."""

import asyncio
import json
from datetime import timedelta

import pytest

from tradeflow_channel_adapter.adapters import tables

from .channel_adapter_world import PUSH, SECRET, SIGNATURE, paid


@pytest.fixture
async def shop(world):
    """Channel `shopa`: COURSE-1 (base 100.00) at a 90 % markup, BOOK-1 (base 50.00) explicitly 30.00."""
    return await world.selling("shopa", PUSH | {"price_list": {"markup_bp": 9000, "explicit": {"BOOK-1": 3000}}},
                               ("TB-1", "COURSE-1", 10_000, "virtual"), ("TB-2", "BOOK-1", 5_000, "physical"))


ORDER = paid("3100", ("310001", "TB-1", 2, "129.00", "250.00"), ("310002", "TB-2", 1, "45.50", "45.50"),
             address="Zhejiang Hangzhou 2 West Lake Rd")


async def test_a_signed_order_is_published_with_its_mapped_skus_account_and_channel_prices(shop):
    receipt = await shop.pushed("shopa", ORDER)

    [account] = await shop.rows(tables.accounts)
    [record] = await shop.ledger("shopa")
    [received] = await shop.received()
    assert account["phone"] == "+8613800138000"
    assert receipt == {"kind": "order", "external_order_id": "3100", "id": record["id"], "status": "accepted",
                       "duplicate": False, "reason": None, "detail": None}
    assert received | {"received_at": None} == {
        "channel_order_id": record["id"], "channel": "shopa", "external_order_id": "3100", "external_status": "paid",
        "buyer_id": account["id"], "currency": "CNY",
        "receiver": {"name": "Li Lei", "phone": "13800138000", "region": "Zhejiang", "city": "Hangzhou",
                     "address": "2 West Lake Rd"},
        "delivery_method": "express", "paid_on_channel_at": "2026-12-06T13:29:15+08:00", "received_at": None,
        "lines": [{"external_line_id": "310001", "sku": "COURSE-1", "quantity": 2, "channel_unit_price_amount": 12900,
                   "channel_paid_amount": 25000},
                  {"external_line_id": "310002", "sku": "BOOK-1", "quantity": 1, "channel_unit_price_amount": 4550,
                   "channel_paid_amount": 4550}]}
    charged = 2 * 9000 + 3000  # the price list: COURSE-1 at 90 % of 100.00, BOOK-1 at its explicit 30.00
    assert (record["status"], record["source"], record["member_id"], record["account_id"], record["credit_amount"],
            record["unit_credit"]) == ("accepted", "push", "u-1", account["id"], charged,
                                       {"310001": 9000, "310002": 3000})
    assert await shop.credit_used("shopa") == charged
    [envelope] = await shop.sent()
    assert envelope.type == "channel.order-received"


async def test_a_repeated_push_is_answered_as_a_duplicate_and_publishes_nothing_new(shop):
    first = await shop.pushed("shopa", ORDER)
    again = await shop.pushed("shopa", ORDER | {"msg_id": "msg-again"})

    assert again == first | {"duplicate": True}
    assert len(await shop.ledger("shopa")) == 1
    assert len(await shop.sent()) == 1
    assert await shop.credit_used("shopa") == 21_000


async def test_the_same_order_pushed_five_times_at_once_is_kept_and_published_once(shop):
    answers = await asyncio.gather(*(shop.push("shopa", ORDER | {"msg_id": f"m{i}"}) for i in range(5)))

    receipts = [a.json()["received"][0] for a in answers]
    assert [a.status_code for a in answers] == [200] * 5
    assert sorted(r["duplicate"] for r in receipts) == [False, True, True, True, True]
    assert {r["id"] for r in receipts} == {(await shop.ledger("shopa"))[0]["id"]}
    assert len(await shop.sent()) == 1 and await shop.credit_used("shopa") == 21_000


@pytest.mark.parametrize(("how", "detail"), [
    ({"secret": "not-the-channels-secret"}, "does not match"),
    ({"stale": -301}, "stale or replayed"),
    ({"stale": 301}, "stale or replayed"),
    ({"tampered": True}, "does not match"),
    ({"unsigned": True}, "are required"),
])
async def test_a_push_not_provably_from_the_channel_is_refused_401_and_nothing_is_kept(shop, how, detail):
    if "unsigned" in how:
        r = await shop.http.post("/channels/shopa/webhooks", json=ORDER)
    elif "tampered" in how:
        signed = await _signed_then_changed(shop)
        r = await shop.http.post("/channels/shopa/webhooks", content=signed[1], headers=signed[0])
    elif "stale" in how:
        r = await shop.push("shopa", ORDER, at=shop.clock.now() + timedelta(seconds=how["stale"]))
    else:
        r = await shop.push("shopa", ORDER, secret=how["secret"])

    assert r.status_code == 401, r.text
    assert r.json()["type"].endswith("/invalid-webhook-signature") and detail in r.json()["detail"]
    assert await shop.ledger("shopa") == [] and await shop.sent() == [] and await shop.rows(tables.accounts) == []


async def test_a_push_signed_within_the_tolerance_is_taken(shop):
    r = await shop.push("shopa", ORDER, at=shop.clock.now() - timedelta(seconds=299))
    assert r.status_code == 200 and len(await shop.sent()) == 1


@pytest.mark.parametrize(("raw", "field"), [
    (b"{not json", "body"),
    (b"[1, 2]", "body"),
    (None, "orders.0.num"),
    (None, "orders.1.price"),
    (None, "status"),
    (None, "event"),
    (None, "receiver_mobile"),
    (None, "currency"),
])
async def test_a_body_that_cannot_be_read_is_422_naming_the_field_and_nothing_is_kept(shop, raw, field):
    bad = {"orders.0.num": _line(0, num=0), "orders.1.price": _line(1, price="45.555"),
           "status": ORDER | {"status": "SOMETHING"}, "event": ORDER | {"event": "TradeExploded"},
           "receiver_mobile": ORDER | {"receiver_mobile": "12"}, "currency": ORDER | {"currency": "USD"}}
    r = await shop.push("shopa", raw=raw) if raw is not None else await shop.push("shopa", bad[field])

    assert r.status_code == 422, r.text
    assert r.json()["type"].endswith("/invalid-channel-message")
    assert [e["field"] for e in r.json()["errors"]] == [field]
    assert await shop.ledger("shopa") == [] and await shop.sent() == [] and await shop.credit_used("shopa") == 0


async def test_a_push_to_an_unknown_or_a_pull_channel_is_refused(shop):
    await shop.channel("shopb", PUSH | {"kind": "marketplace_pull"})
    unknown = await shop.push("nope", ORDER)
    pull = await shop.push("shopb", ORDER)
    assert (unknown.status_code, pull.status_code) == (404, 409)
    assert pull.json()["type"].endswith("/wrong-channel-kind")
    assert await shop.sent() == []


def _line(index: int, **change) -> dict:
    lines = [dict(line) for line in ORDER["orders"]]
    lines[index] |= change
    return ORDER | {"orders": lines}


async def _signed_then_changed(shop) -> tuple[dict, bytes]:
    """Headers signing the order, and a body changed after signing (a price lowered)."""
    content = json.dumps(ORDER).encode()
    headers = SIGNATURE.headers(SECRET, int(shop.clock.now().timestamp()), content)
    return headers, content.replace(b'"129.00"', b'"1.00"')


async def test_an_inactive_channels_push_is_refused_after_its_signature_is_checked(shop):
    await shop.channel("shopa", PUSH | {"active": False})
    unsigned = await shop.push("shopa", ORDER, secret="not-the-channels-secret")
    signed = await shop.push("shopa", ORDER)

    assert (unsigned.status_code, signed.status_code) == (401, 409)
    assert signed.json()["type"].endswith("/channel-inactive")
    assert await shop.ledger("shopa") == [] and await shop.sent() == []


async def test_the_ledger_shows_an_order_by_its_id_or_its_external_id(shop):
    receipt = await shop.pushed("shopa", ORDER)
    await shop.pushed("shopa", paid("3101", ("310101", "TB-9", 1, "1.00", "1.00")))

    by_id = await shop.get(f"/channels/shopa/orders/{receipt['id']}")
    by_external = await shop.get("/channels/shopa/orders/3100")
    accepted = await shop.get("/channels/shopa/orders", status="accepted")
    everything = await shop.get("/channels/shopa/orders", limit=1)

    assert by_id == by_external
    assert (by_id["status"], by_id["credit_amount"], by_id["source"]) == ("accepted", 21_000, "push")
    assert [ln["channel_sku"] for ln in by_id["lines"]] == ["TB-1", "TB-2"]
    assert [o["external_order_id"] for o in accepted["items"]] == ["3100"]
    assert len(everything["items"]) == 1 and everything["next_cursor"] == everything["items"][0]["id"]
