"""A tiny service for the messaging tests: one effect table, test contracts, a switchable bug."""

import uuid
from dataclasses import dataclass, field

from sqlalchemy import Column, Integer, MetaData, Table, Text, Uuid, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tradeflow_contracts.registry import Contract, ContractRegistry
from tradeflow_kit.messaging.processor import MessageContext
from tradeflow_kit.messaging.schema import messaging_tables
from tradeflow_kit.outages import AwaitingFacts

metadata = MetaData()
outbox_table, inbox_table = messaging_tables(metadata)
effects = Table("effects", metadata,
                Column("id", Integer, primary_key=True, autoincrement=True),
                Column("message_id", Uuid, nullable=False),
                Column("item", Text, nullable=False))

test_contracts = ContractRegistry()


@test_contracts.register
class ItemCounted(Contract):
    TYPE = "test.item-counted"
    VERSION = 1
    TOPIC = "test.unused"

    item: str


@test_contracts.register
class ItemElsewhere(Contract):
    """Known to the platform, handled by no test consumer: records for other consumers."""

    TYPE = "test.item-elsewhere"
    VERSION = 1
    TOPIC = "test.unused"

    item: str


@dataclass
class Switchboard:
    """Test switches: which items the handler fails on (the "bug"), and which it pauses in."""

    broken_items: set[str] = field(default_factory=set)
    refused_items: set[str] = field(default_factory=set)  # a domain rule refuses them
    outages: dict[str, int] = field(default_factory=dict)  # item → attempts that find the database down
    awaiting: dict[str, int] = field(default_factory=dict)  # item → attempts before its facts have come


class RuleRefused(Exception):
    """A domain error of the test service: registered as permanent with the processor."""


def counting_handler(switches: Switchboard):
    async def handle(message: ItemCounted, ctx: MessageContext) -> None:
        await ctx.session.execute(insert(effects).values(message_id=ctx.envelope.message_id, item=message.item))
        if message.item in switches.broken_items:
            raise RuntimeError(f"bug: cannot count {message.item}")
        if message.item in switches.refused_items:
            raise RuleRefused(f"{message.item} may not be counted")
        if switches.outages.get(message.item, 0) > 0:
            switches.outages[message.item] -= 1
            raise ConnectionRefusedError("the database is down (a test outage)")
        if switches.awaiting.get(message.item, 0) > 0:
            switches.awaiting[message.item] -= 1
            raise AwaitingFacts(f"the facts {message.item} needs are on their way")

    return handle


async def create_schema(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)


async def effect_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(effects.c.item, func.count()).group_by(effects.c.item))
        return {item: n for item, n in rows}


async def effects_per_message(engine: AsyncEngine) -> dict[uuid.UUID, int]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(effects.c.message_id, func.count()).group_by(effects.c.message_id))
        return {mid: n for mid, n in rows}
