"""Virtual goods: the refund revokes each line's entitlement (`RevokeEntitlement`) and the case
completes once every one answered (revoked, or nothing to revoke). Channel orders: no money moves
here — the case records the channel's refund amount, the order is asked for zero, and the goods
are still taken back."""

from datetime import UTC, datetime

from tradeflow_contracts.after_sales import EntitlementNotRevoked, LineMoney, LinesRefunded
from tradeflow_contracts.fulfillment import EntitlementRevoked
from tradeflow_testing.access import bearer

AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
STAFF = bearer("staff-1", "staff")


def refunded(case: dict, amount: int, lines: list[LineMoney]) -> LinesRefunded:
    return LinesRefunded(order_id="O-1", case_id=case["id"], refund_id=f"{case['id']}-r1", amount=amount,
                         lines=lines, refunded_at=AT)


async def test_a_refunded_course_revokes_its_entitlements_then_completes(world):
    await world.order(world.line("C1", quantity=1, unit_price=19900, kind="virtual", warehouse=None),
                      world.line("C2", quantity=1, unit_price=9900, kind="virtual", warehouse=None),
                      type="virtual", status="completed", completed_at=AT)
    case = await world.opened("refund_only", ("C1", 1), ("C2", 1))
    await world.act(case["id"], "approve")
    await world.reply(refunded(case, 29800, [LineMoney(line_id="C1", amount=19900),
                                             LineMoney(line_id="C2", amount=9900)]))
    assert (await world.case(case["id"]))["status"] == "refunded"
    revokes = await world.sent("fulfillment.revoke-entitlement")
    assert sorted(r.payload["line_id"] for r in revokes) == ["C1", "C2"]
    await world.reply(EntitlementRevoked(entitlement_id="ent-1", account="buyer-1", sku="SKU-C1", order_id="O-1",
                                         line_id="C1", reason="refunded", revoked_at=AT, case_id=case["id"]))
    assert (await world.case(case["id"]))["status"] == "refunded"
    await world.reply(EntitlementNotRevoked(case_id=case["id"], order_id="O-1", line_id="C2",
                                            reason="never granted", at=AT))
    assert (await world.case(case["id"]))["status"] == "completed"


async def test_an_unanswered_revocation_is_asked_again_for_the_lines_left(world):
    await world.order(world.line("C1", quantity=1, unit_price=100, kind="virtual", warehouse=None),
                      type="virtual", status="completed", completed_at=AT)
    case = await world.opened("refund_only", ("C1", 1))
    await world.act(case["id"], "approve")
    await world.reply(refunded(case, 100, [LineMoney(line_id="C1", amount=100)]))
    world.clock.advance(minutes=11)  # AFTER_SALES_REPLY_TIMEOUT_SECONDS: 600 by default
    assert await world.fire_deadlines() == 1
    assert len(await world.sent("fulfillment.revoke-entitlement")) == 2


async def test_a_virtual_line_cannot_be_returned(world):
    await world.order(world.line("C1", quantity=1, kind="virtual", warehouse=None), type="virtual",
                      status="completed", completed_at=AT)
    r = await world.open("return_and_refund", ("C1", 1))
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[1]) == (422, "virtual-goods-refund-only")


async def test_a_channel_order_records_the_channel_refund_and_moves_no_money(world):
    await world.order(world.line(quantity=1, unit_price=0, paid=0, channel_paid_amount=12900), type="channel")
    case = await world.opened("return_and_refund", ("L1", 1), channel_refund_amount=12900,
                              headers=STAFF, buyer_id="buyer-1")
    assert (case["refund_amount"], case["channel_refund_amount"], case["requested_by"]) == (
        0, 12900, "staff:staff-1")
    await world.act(case["id"], "approve")
    assert len(await world.sent("fulfillment.expect-return")) == 1  # the goods still come back


async def test_a_course_refunded_before_the_rest_ships_is_refunded_not_stopped(world):
    await world.order(world.line("L1"), world.line("C1", quantity=1, unit_price=990, kind="virtual", warehouse=None),
                      status="awaiting_shipment")
    case = await world.opened("refund_only", ("C1", 1))
    assert (await world.act(case["id"], "approve"))["status"] == "refunding"
    assert not await world.sent("order.cancel-lines")
    [ask] = await world.sent("order.refund-lines")
    assert ask.payload["lines"] == [{"line_id": "C1", "amount": 990, "points_amount": 0}]
