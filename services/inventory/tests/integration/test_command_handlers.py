"""The command handlers as the Kafka consumer runs them: inbox, use case and outbox in one
transaction (the kit's MessageProcessor, fed records directly instead of from the broker)."""

from sqlalchemy import select

from tradeflow_contracts.envelope import Envelope
from tradeflow_contracts.inventory import EVENTS, LineToReserve, ReleaseStock, ReserveStock
from tradeflow_inventory.adapters.tables import outbox
from tradeflow_kit.messaging.processor import Outcome

from .message_support import published, record
from .stock_support import expect, incoming_levels, seed, stock_levels


def reserve_command(*lines: LineToReserve) -> ReserveStock:
    return ReserveStock(order_id="o-1", sub_order_id="s-1", region="east", lines=list(lines))


async def test_a_reserve_command_reserves_and_publishes_stock_reserved_keyed_by_order(sessions, processor):
    await seed(sessions, {"east-1": ("east", 1)}, {("a", "east-1"): 3})
    command = record(reserve_command(LineToReserve(line_id="l1", sku="a", quantity=2)))
    assert await processor.process(command) is Outcome.PROCESSED
    assert await processor.process(command) is Outcome.DUPLICATE
    [(topic, key, type_, payload)] = await published(sessions)
    assert (topic, key, type_) == (EVENTS, "o-1", "inventory.stock-reserved")
    assert payload["allocations"] == [{"line_id": "l1", "sku": "a", "warehouse": "east-1", "quantity": 2,
                                       "incoming": False}]
    assert await stock_levels(sessions) == {("a", "east-1"): (3, 2, 2)}
    async with sessions() as s:
        causation = Envelope.from_bytes((await s.execute(select(outbox.c.value))).scalar_one()).causation_id
    assert causation == str(Envelope.from_bytes(command.value).message_id)


async def test_a_short_sub_order_publishes_the_rejection_with_shortages(sessions, processor):
    await seed(sessions, {"east-1": ("east", 1)}, {("a", "east-1"): 1})
    await processor.process(record(reserve_command(LineToReserve(line_id="l1", sku="a", quantity=2))))
    [(_, _, type_, payload)] = await published(sessions)
    assert type_ == "inventory.stock-reservation-rejected" and payload["reason"] == "insufficient-stock"
    assert payload["shortages"] == [{"sku": "a", "requested": 2, "available": 1}]


async def test_a_release_command_publishes_what_was_released(sessions, processor):
    await seed(sessions, {"east-1": ("east", 1)}, {("a", "east-1"): 3})
    await processor.process(record(reserve_command(LineToReserve(line_id="l1", sku="a", quantity=2))))
    release = ReleaseStock(order_id="o-1", sub_order_id="s-1", reason="order-cancelled")
    assert await processor.process(record(release, offset=1)) is Outcome.PROCESSED
    assert (await published(sessions))[-1][2:] == (
        "inventory.stock-released", {"order_id": "o-1", "sub_order_id": "s-1", "released_quantity": 2})
    assert await stock_levels(sessions) == {("a", "east-1"): (3, 0, 0)}


async def test_a_command_no_retry_can_fix_is_dead_lettered_at_once(sessions, processor, dead_letters):
    await seed(sessions, {"east-1": ("east", 1)}, {("a", "east-1"): 3})
    twice = [LineToReserve(line_id="l1", sku="a", quantity=1)] * 2
    assert await processor.process(record(reserve_command(*twice))) is Outcome.DEAD_LETTERED
    assert dead_letters.kinds == ["permanent"]
    assert await published(sessions) == [] and await stock_levels(sessions) == {("a", "east-1"): (3, 0, 0)}


async def test_a_pre_sale_command_reserves_incoming_stock_and_says_so(sessions, processor):
    await seed(sessions, {"east-1": ("east", 1)}, {("a", "east-1"): 3})
    await expect(sessions, {("a", "east-1"): 5})
    command = reserve_command(LineToReserve(line_id="l1", sku="a", quantity=4)).model_copy(update={"pre_sale": True})
    assert await processor.process(record(command)) is Outcome.PROCESSED
    [(_, _, type_, payload)] = await published(sessions)
    assert type_ == "inventory.stock-reserved"
    assert payload["allocations"] == [{"line_id": "l1", "sku": "a", "warehouse": "east-1", "quantity": 4,
                                       "incoming": True}]
    assert await stock_levels(sessions) == {("a", "east-1"): (3, 0, 0)}
    assert await incoming_levels(sessions) == {("a", "east-1"): (5, 4, 4)}
