"""Account linking: the buyer's phone, normalised, is one platform account whatever the channel; each
(channel, member) is linked to exactly one account; a buyer without a phone gets an account of its
own per (channel, member); concurrent first orders of one phone make one account."""

import asyncio

import pytest

from tradeflow_channel_adapter.adapters import tables

from .channel_adapter_world import PUSH, paid


@pytest.fixture
async def shops(world):
    for code in ("shopa", "shopc"):
        await world.selling(code, PUSH, ("TB-1", "COURSE-1", 10_000, "virtual"))
    return world


async def _buyers(world) -> dict[str, str]:
    """external order id → the account published as its buyer."""
    return {r["external_order_id"]: r["buyer_id"] for r in await world.received()}


async def test_the_same_phone_from_two_channels_is_one_account(shops):
    await shops.pushed("shopa", paid("A1", member="ua-1", phone="138 0013 8000"))
    await shops.pushed("shopc", paid("C1", member="uc-7", phone="+86 138-0013-8000"))
    await shops.pushed("shopa", paid("A2", member="ua-2", phone="13900139000"))

    [first, other] = sorted(await shops.rows(tables.accounts), key=lambda a: a["phone"])
    buyers = await _buyers(shops)
    assert (first["phone"], other["phone"]) == ("+8613800138000", "+8613900139000")
    assert buyers == {"A1": first["id"], "C1": first["id"], "A2": other["id"]}
    links = {(r["channel"], r["member_id"]): r["account_id"] for r in await shops.rows(tables.member_links)}
    assert links == {("shopa", "ua-1"): first["id"], ("shopc", "uc-7"): first["id"], ("shopa", "ua-2"): other["id"]}


async def test_a_member_without_a_phone_has_one_account_of_its_own(shops):
    await shops.pushed("shopa", paid("A1", member="anon-1", phone=None))
    await shops.pushed("shopa", paid("A2", member="anon-1", phone=""))
    await shops.pushed("shopa", paid("A3", member="anon-2", phone=None))
    await shops.pushed("shopc", paid("C1", member="anon-1", phone=None))

    buyers = await _buyers(shops)
    accounts = await shops.rows(tables.accounts)
    assert buyers["A1"] == buyers["A2"]
    assert len({buyers["A1"], buyers["A3"], buyers["C1"]}) == 3
    assert sorted(a["id"] for a in accounts) == sorted({buyers["A1"], buyers["A3"], buyers["C1"]})
    assert all(a["phone"] is None for a in accounts)


async def test_a_linked_member_keeps_its_account_whatever_phone_it_gives_later(shops):
    await shops.pushed("shopa", paid("A1", member="ua-1", phone=None))
    await shops.pushed("shopa", paid("A2", member="ua-1", phone="13800138000"))

    buyers = await _buyers(shops)
    assert buyers["A1"] == buyers["A2"]
    assert len(await shops.rows(tables.member_links)) == 1


async def test_ten_concurrent_first_orders_of_one_new_phone_make_one_account(shops):
    bodies = [(("shopa", "shopc")[i % 2], paid(f"R{i}", member=f"m-{i}", phone="13700137000")) for i in range(10)]

    answers = await asyncio.gather(*(shops.push(code, body) for code, body in bodies))

    assert [a.status_code for a in answers] == [200] * 10, [a.text for a in answers if a.status_code != 200]
    [account] = await shops.rows(tables.accounts)
    assert account["phone"] == "+8613700137000"
    assert set((await _buyers(shops)).values()) == {account["id"]}
    links = await shops.rows(tables.member_links)
    assert len(links) == 10 and {r["account_id"] for r in links} == {account["id"]}
    assert [r["status"] for r in await shops.ledger("shopa") + await shops.ledger("shopc")] == ["accepted"] * 10
