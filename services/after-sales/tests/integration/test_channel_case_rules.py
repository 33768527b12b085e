"""A channel's case on the service's database (`OpenChannelCase` handled as the consumer handles
it): goods that left come back as a return; what the rules refuse is answered `refused` with the
reason and keeps nothing; an id not the adapter's is malformed; an order not known yet is retried,
not refused; the channel (and system) read cases as staff do; moves with a reason tell it."""

from datetime import UTC, datetime

import pytest

from tradeflow_after_sales.app.errors import OrderFactsNotYetKnown
from tradeflow_after_sales.domain.errors import InvalidCase
from tradeflow_contracts.channels import ChannelCaseLine, OpenChannelCase
from tradeflow_testing.access import bearer

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CHANNEL, SYSTEM = bearer("channel-adapter", "channel"), bearer("ops-bot", "system")
OTHER_BUYER = bearer("buyer-2", "buyer")


def refund(*lines: tuple[str, int], amount: int = 10000, case_id: str = "as_ch_1") -> OpenChannelCase:
    return OpenChannelCase(case_id=case_id, order_id="O-1", channel="tmall", external_refund_id="TM-R-1",
                           lines=[ChannelCaseLine(line_id=i, quantity=q) for i, q in lines or (("L1", 1),)],
                           reason="buyer regretted", channel_refund_amount=amount, requested_by="channel:tmall",
                           at=AT)


async def channel_order(world, *, status: str = "shipped", channel_paid: int | None = 20000, type: str = "channel"):
    await world.order(world.line(quantity=2, unit_price=0, paid=0, channel_paid_amount=channel_paid),
                      type=type, status=status)


async def refusal(world, case_id: str = "as_ch_1") -> str:
    [told] = [e for e in await world.sent("after-sales.case-status-changed") if e.payload["case_id"] == case_id]
    assert (told.payload["to_status"], told.payload["open"]) == ("refused", False)
    assert (await world.http.get(f"/after-sales/{case_id}", headers=CHANNEL)).status_code == 404
    return told.payload["reason"]


async def test_goods_that_left_come_back_as_a_return(world):
    await channel_order(world)
    await world.reply(refund())
    case = await world.case("as_ch_1")
    assert (case["type"], case["status"], case["refund_amount"], case["return_to"]) == (
        "return_and_refund", "awaiting_return", 0, {"warehouse": "WH-1"})
    [expect] = await world.sent("fulfillment.expect-return")
    assert expect.payload["lines"] == [{"line_id": "L1", "sku": "SKU-L1", "quantity": 1}]
    moves = [(e.payload["to_status"], e.payload["type"], e.payload["reason"])
             for e in await world.sent("after-sales.case-status-changed")]
    assert moves[-1][:2] == ("awaiting_return", "return_and_refund") and "come back" in moves[-1][2]


async def test_units_other_cases_hold_are_refused(world):
    await channel_order(world)
    await world.reply(refund(("L1", 2), amount=20000))
    await world.reply(refund(("L1", 1), case_id="as_ch_2"))
    assert (await refusal(world, "as_ch_2")).startswith("quantity-exceeds-claimable: line L1: 1 units claimed, 0")


async def test_a_line_not_in_the_order_is_refused(world):
    await channel_order(world)
    await world.reply(refund(("L9", 1)))
    assert (await refusal(world)).startswith("line-not-in-order")


async def test_a_refund_on_an_order_not_of_a_channel_is_refused(world):
    await channel_order(world, type="normal")
    await world.reply(refund())
    assert (await refusal(world)) == "invalid-case: a channel refund amount is only for a channel order"


async def test_a_line_without_its_channel_paid_amount_is_refused(world):
    await channel_order(world, channel_paid=None)
    await world.reply(refund())
    assert (await refusal(world)).startswith("channel-paid-unknown: line L1")


async def test_an_id_not_the_adapters_is_malformed_and_opens_nothing(world):
    await channel_order(world)
    with pytest.raises(InvalidCase, match="as_ch_"):
        await world.reply(refund(case_id="as_1"))
    assert await world.sent() == []


async def test_an_order_not_known_yet_is_tried_again_not_refused(world):
    with pytest.raises(OrderFactsNotYetKnown):
        await world.reply(refund())
    assert await world.sent() == []


async def test_the_channel_and_system_read_cases_as_staff_do(world):
    await channel_order(world)
    await world.reply(refund())
    for reader in (CHANNEL, SYSTEM):
        assert (await world.http.get("/after-sales/as_ch_1", headers=reader)).json()["id"] == "as_ch_1"
        listed = (await world.http.get("/after-sales", params={"order_id": "O-1"}, headers=reader)).json()
        assert [c["id"] for c in listed["items"]] == ["as_ch_1"]
    assert (await world.http.get("/after-sales/as_ch_1", headers=OTHER_BUYER)).status_code == 403
    assert (await world.http.get("/after-sales", headers=OTHER_BUYER)).json()["items"] == []


async def test_a_rejection_tells_its_reason(world):
    await world.order(world.line())
    case = await world.opened()
    await world.act(case["id"], "reject", {"reason": "the photos show no damage"})
    moves = [(e.payload["to_status"], e.payload["reason"]) for e in await world.sent("after-sales.case-status-changed")]
    assert moves == [("requested", None), ("rejected", "the photos show no damage")]
