"""A channel's refund of an order partly shipped (one line's parcel left, the other's not yet): the
adapter asks after-sales for one channel case (`OpenChannelCase`) naming both lines by the
platform's line ids, on the facts it saw partly shipped (their version), keyed by the order — what
after-sales opens as a refund-only case on those facts; its completion gives both lines' credit
back. A cancellation the order refuses because the goods began to leave does the same for what no
refund took back yet."""

import pytest

from tradeflow_channel_adapter.adapters import tables
from tradeflow_contracts import channels as ch
from tradeflow_contracts.order_facts import ShipmentFacts, ShipmentLineFacts

from .channel_adapter_world import PUSH, case_moved, close, facts, paid, refund

ORDER = paid("3700", ("370001", "TB-1", 2, "100.00", "180.00"), ("370002", "TB-2", 1, "50.00", "50.00"),
             address="Zhejiang Hangzhou 2 West Lake Rd")
CREDIT = 2 * 10_000 + 5_000  # the price list: the catalog's prices


def _shipment(shipment_id: str, status: str, line: str, units: int) -> ShipmentFacts:
    return ShipmentFacts(shipment_id=shipment_id, warehouse="WH-1", carrier="SF", status=status,
                         waybill=f"SF{shipment_id}" if status == "shipped" else None,
                         lines=[ShipmentLineFacts(line_id=line, quantity=units)])


@pytest.fixture
async def shop(world):
    return await world.selling("shopa", PUSH, ("TB-1", "BOOK-1", 10_000, "physical"),
                               ("TB-2", "BOOK-2", 5_000, "physical"))


async def _partly_shipped(shop) -> dict:
    """Placed and paid (facts version 0), then line 1's parcel shipped and line 2's not yet (version 1)."""
    await shop.pushed("shopa", ORDER)
    received = await shop.place("3700", "O-1")
    await shop.feed(facts(received, "O-1", "partially_shipped", 1, kind="physical", shipments=[
        _shipment("S-1", "shipped", "O-1-L1", 2), _shipment("S-2", "planned", "O-1-L2", 1)]))
    return received


async def _cases(shop) -> list[tuple[str, dict]]:
    """(key, payload) of each OpenChannelCase published."""
    rows = await shop.rows(tables.outbox, tables.outbox.c.type == ch.OpenChannelCase.TYPE, order_by=tables.outbox.c.id)
    envelopes = {e.message_id: e for e in await shop.sent(ch.OpenChannelCase.TYPE)}
    return [(row["key"], envelopes[row["message_id"]].payload) for row in rows]


async def test_a_refund_of_a_partly_shipped_order_asks_for_one_case_of_both_lines_on_those_facts(shop):
    await _partly_shipped(shop)
    receipt = await shop.pushed("shopa", refund("RF7", "3700", ("370001", 2), ("370002", 1), fee="230.00"))
    repeat = await shop.pushed("shopa", refund("RF7", "3700", ("370001", 2), ("370002", 1), fee="230.00"))

    [(key, case)] = await _cases(shop)
    assert key == "O-1" and (receipt["status"], repeat["duplicate"]) == ("sent", True)
    assert case | {"at": None} == {
        "case_id": f"as_ch_{receipt['id']}", "order_id": "O-1", "channel": "shopa", "external_refund_id": "RF7",
        "lines": [{"line_id": "O-1-L1", "quantity": 2}, {"line_id": "O-1-L2", "quantity": 1}],
        "channel_refund_amount": 23_000, "reason": "broken", "requested_by": "channel:shopa", "at": None,
        "facts_version": 1}
    ch.OpenChannelCase.model_validate(case)  # the contract after-sales reads
    assert await shop.credit_used("shopa") == CREDIT

    await shop.feed(case_moved(case, "completed"))

    [change] = await shop.rows(tables.channel_news)
    assert (change["status"], change["case_id"], change["detail"]) == ("done", case["case_id"], "the case completed")
    [record] = await shop.ledger("shopa")
    assert (record["status"], record["credit_amount"], await shop.credit_used("shopa")) == ("placed", 0, 0)


async def test_a_refund_after_a_refund_of_the_shipped_line_asks_for_the_other_line_only(shop):
    await _partly_shipped(shop)
    first = await shop.pushed("shopa", refund("RF8", "3700", ("370001", 2), fee="180.00"))
    [(_, case)] = await _cases(shop)
    await shop.feed(case_moved(case, "completed"))
    second = await shop.pushed("shopa", refund("RF9", "3700", ("370002", 1), fee="50.00"))

    cases = [payload for _, payload in await _cases(shop)]
    assert (first["status"], second["status"]) == ("sent", "sent")
    assert [c["lines"] for c in cases] == [[{"line_id": "O-1-L1", "quantity": 2}],
                                           [{"line_id": "O-1-L2", "quantity": 1}]]
    assert await shop.credit_used("shopa") == 5_000


async def test_a_cancellation_of_a_partly_shipped_order_becomes_one_case_of_what_no_refund_took_back(shop):
    await _partly_shipped(shop)
    await shop.pushed("shopa", refund("RF8", "3700", ("370001", 1), fee="90.00"))
    sent = await shop.pushed("shopa", close("3700"))
    await shop.feed(ch.ChannelOrderNotCancelled(order_id="O-1", channel="shopa", external_order_id="3700",
                                                status="partially_shipped", reason="goods already left",
                                                at=shop.clock.now()))

    cases = [payload for _, payload in await _cases(shop)]
    assert sent["status"] == "sent"
    assert [(c["external_refund_id"], c["lines"], c["channel_refund_amount"]) for c in cases] == [
        ("RF8", [{"line_id": "O-1-L1", "quantity": 1}], 9_000),
        ("cancel-3700", [{"line_id": "O-1-L1", "quantity": 1}, {"line_id": "O-1-L2", "quantity": 1}], 9_000 + 5_000)]
    assert {c["facts_version"] for c in cases} == {1}
