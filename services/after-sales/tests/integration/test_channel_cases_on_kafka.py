"""A channel's refund through the real broker (`kafka_feed`): the order's facts on order.events and
`OpenChannelCase` on after-sales.commands, each consumed as the service consumes them. The case is
opened with the adapter's id and approved at once; no money moves (the order is asked to refund
zero); a course is revoked once refunded, units not shipped are stopped; a repeat opens nothing
more; a refund over what the units were paid on the channel is answered `refused` with its reason;
a command that comes before the order's facts is retried until they do. On a partly shipped order
the units are stopped first too: those that had left continue as a return (a part stop's split)."""

from datetime import UTC, datetime

from tradeflow_contracts.after_sales import GoingOnLine, LineMoney, LinesCancelled, LinesRefunded, StoppedLine
from tradeflow_contracts.channels import ChannelCaseLine, OpenChannelCase
from tradeflow_testing.access import bearer
from tradeflow_testing.polling import poll_until

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CHANNEL = bearer("channel-adapter", "channel")


def channel_line(world, line_id: str = "L1", *, quantity: int = 2, channel_paid: int = 20000, **more):
    return world.line(line_id, quantity=quantity, unit_price=0, paid=0, channel_paid_amount=channel_paid,
                      channel_unit_price_amount=channel_paid // quantity, **more)


def channel_facts(world, *lines, status: str = "awaiting_shipment", **more):
    return world.facts(*lines, type="channel", channel="tmall", status=status, external_order_id="TM-1",
                       external_status="paid", **more)


def refund(*lines: tuple[str, int], amount: int, case_id: str = "as_ch_1") -> OpenChannelCase:
    return OpenChannelCase(case_id=case_id, order_id="O-1", channel="tmall", external_refund_id="TM-R-1",
                           lines=[ChannelCaseLine(line_id=i, quantity=q) for i, q in lines], reason="buyer regretted",
                           channel_refund_amount=amount, requested_by="channel:tmall", at=AT)


async def sent_once(world, type_name: str, what: str) -> list:
    return await poll_until(lambda: world.sent(type_name), lambda sent: len(sent) == 1, 30, what)


async def test_a_refunded_course_is_refunded_for_nothing_here_then_revoked(world, kafka_feed):
    await kafka_feed.send(channel_facts(world, channel_line(world, "C1", quantity=1, channel_paid=19900,
                                                            kind="virtual", warehouse=None),
                                        status="completed", completed_at=AT))
    await kafka_feed.send(refund(("C1", 1), amount=19900))
    [ask] = await sent_once(world, "order.refund-lines", "the order asked to refund the case")
    assert ask.payload["lines"] == [{"line_id": "C1", "amount": 0, "points_amount": 0}]
    await kafka_feed.send(LinesRefunded(order_id="O-1", case_id="as_ch_1", refund_id=ask.payload["refund_id"],
                                        amount=0, lines=[LineMoney(line_id="C1", amount=0)], refunded_at=AT))
    [revoke] = await sent_once(world, "fulfillment.revoke-entitlement", "the entitlement's revocation")
    assert (revoke.payload["case_id"], revoke.payload["line_id"]) == ("as_ch_1", "C1")
    case = await world.case("as_ch_1")
    assert (case["status"], case["refund_amount"], case["channel_refund_amount"], case["requested_by"]) == (
        "refunded", 0, 19900, "channel:tmall")
    assert [(h["to"], h["actor"]) for h in case["history"][:2]] == [("requested", "channel:tmall"),
                                                                    ("approved", "channel:tmall")]
    assert await world.statuses("as_ch_1") == ["requested", "approved", "refunding", "refunded"]
    assert kafka_feed.letters == []


async def test_units_not_shipped_yet_are_stopped(world, kafka_feed):
    await kafka_feed.send(channel_facts(world, channel_line(world)))
    await kafka_feed.send(refund(("L1", 1), amount=10000))
    [stop] = await sent_once(world, "order.cancel-lines", "the order asked to stop the unit")
    assert (stop.payload["case_id"], stop.payload["lines"]) == (
        "as_ch_1", [{"line_id": "L1", "quantity": 1, "amount": 0, "points_amount": 0}])
    assert (await world.case("as_ch_1"))["status"] == "approved"
    assert not await world.sent("order.refund-lines")


async def test_on_a_partly_shipped_order_units_not_shipped_are_stopped_and_the_rest_come_back(world, kafka_feed):
    await kafka_feed.send(channel_facts(world, channel_line(world, "L1", quantity=1, warehouse="WH-7"),
                                        channel_line(world, "L2", warehouse="WH-1"), status="partially_shipped"))
    await kafka_feed.send(refund(("L1", 1), ("L2", 2), amount=40000))
    [stop] = await sent_once(world, "order.cancel-lines", "the order asked to stop the case's units")
    assert [(ln["line_id"], ln["quantity"]) for ln in stop.payload["lines"]] == [("L1", 1), ("L2", 2)]
    await world.reply(LinesCancelled(
        order_id="O-1", case_id="as_ch_1", outcome="decided", refund_id="O-1-cancel-as_ch_1", decided_at=AT,
        stopped=[StoppedLine(line_id="L2", quantity=2, amount=0)],
        going_on=[GoingOnLine(line_id="L1", quantity=1, problem="already-shipped", warehouse="WH-7")]))
    first = await world.case("as_ch_1")
    assert (first["status"], [(ln["line_id"], ln["quantity"]) for ln in first["lines"]]) == ("refunding", [("L2", 2)])
    rest = await world.case(first["continued_by"])
    assert (rest["type"], rest["status"], rest["split_from"], rest["requested_by"]) == (
        "return_and_refund", "awaiting_return", "as_ch_1", "channel:tmall")
    [expect] = await world.sent("fulfillment.expect-return")
    assert (expect.payload["case_id"], expect.payload["warehouse"], expect.payload["lines"][0]["line_id"]) == (
        rest["id"], "WH-7", "L1")
    await world.reply(LinesRefunded(order_id="O-1", case_id="as_ch_1", refund_id="O-1-cancel-as_ch_1", amount=0,
                                    lines=[LineMoney(line_id="L2", amount=0)], refunded_at=AT))
    assert (await world.case("as_ch_1"))["status"] == "completed"
    assert not await world.sent("order.refund-lines") and kafka_feed.letters == []


async def test_a_repeated_refund_opens_one_case(world, kafka_feed):
    await kafka_feed.send(channel_facts(world, channel_line(world)))
    await kafka_feed.send(refund(("L1", 1), amount=10000))
    await kafka_feed.send(refund(("L1", 1), amount=10000))  # the adapter asked again (its own new message)
    await poll_until(lambda: kafka_feed.taken(OpenChannelCase.TYPE), lambda taken: taken == 2, 30, "both taken")
    assert len(await world.sent("order.cancel-lines")) == 1
    assert await world.statuses("as_ch_1") == ["requested", "approved"]
    listed = (await world.http.get("/after-sales", params={"order_id": "O-1"}, headers=CHANNEL)).json()
    assert [c["id"] for c in listed["items"]] == ["as_ch_1"]


async def test_a_refund_over_what_the_units_were_paid_on_the_channel_is_refused_with_why(world, kafka_feed):
    await kafka_feed.send(channel_facts(world, channel_line(world)))
    await kafka_feed.send(refund(("L1", 1), amount=10001))
    await poll_until(lambda: world.statuses("as_ch_1"), lambda told: told == ["refused"], 30, "the refusal")
    [told] = await world.sent("after-sales.case-status-changed")
    assert {k: told.payload[k] for k in ("from_status", "open", "refund_amount", "type")} == {
        "from_status": None, "open": False, "refund_amount": 0, "type": "refund_only"}
    assert [(ln["line_id"], ln["quantity"]) for ln in told.payload["lines"]] == [("L1", 1)]
    assert told.payload["reason"].startswith("channel-refund-exceeds-paid: the channel refunded 10001")
    assert (await world.http.get("/after-sales/as_ch_1", headers=CHANNEL)).status_code == 404
    assert not await world.sent("order.cancel-lines") and kafka_feed.letters == []


async def test_a_refund_before_the_orders_facts_is_opened_once_they_come(world, kafka_feed):
    await kafka_feed.send(refund(("L1", 1), amount=10000))
    await poll_until(lambda: _value(kafka_feed.retried(OpenChannelCase)), lambda tries: tries >= 1, 30,
                     "the command tried before the facts")
    assert (await world.http.get("/after-sales/as_ch_1", headers=CHANNEL)).status_code == 404
    await kafka_feed.send(channel_facts(world, channel_line(world)))
    await sent_once(world, "order.cancel-lines", "the stop, once the facts came")
    assert (await world.case("as_ch_1"))["status"] == "approved"
    assert kafka_feed.letters == []


async def _value(value):
    return value
