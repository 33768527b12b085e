"""The unit of work every service uses: its messages reach the outbox only if its transaction
commits, correlated as the service chose."""

import pytest
from sqlalchemy import select

from tradeflow_contracts.envelope import Envelope
from tradeflow_kit.db import session_factory
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.unit_of_work import SqlaTransactions, SqlaUnitOfWork

from .messaging_support import ItemCounted, outbox_table

MESSAGE = ItemCounted(item="apple")


async def outbox_rows(engine) -> list[tuple[str, str]]:
    async with session_factory(engine)() as s:
        rows = await s.execute(select(outbox_table.c.key, outbox_table.c.value).order_by(outbox_table.c.id))
        return [(key, Envelope.from_bytes(value).correlation_id) for key, value in rows]


async def test_a_unit_publishes_through_the_outbox_only_when_it_commits(engine):
    transactions = SqlaTransactions(session_factory(engine), Outbox(outbox_table, producer="test"), SqlaUnitOfWork,
                                    lambda: "corr-1")
    async with transactions.begin() as tx:
        await tx.publish(MESSAGE, key="k-1")
    with pytest.raises(RuntimeError):
        async with transactions.begin() as tx:
            await tx.publish(MESSAGE, key="k-2")
            raise RuntimeError("the use case failed")
    assert await outbox_rows(engine) == [("k-1", "corr-1")]


async def test_without_a_correlation_id_messages_are_correlated_with_their_key(engine):
    transactions = SqlaTransactions(session_factory(engine), Outbox(outbox_table, producer="test"), SqlaUnitOfWork,
                                    lambda: None)
    async with transactions.begin() as tx:
        await tx.publish(MESSAGE, key="order-7")
    assert await outbox_rows(engine) == [("order-7", "order-7")]


async def test_a_unit_for_reading_never_commits(engine):
    transactions = SqlaTransactions(session_factory(engine), Outbox(outbox_table, producer="test"), SqlaUnitOfWork)
    async with transactions.read() as tx:
        await tx.publish(MESSAGE, key="k-1")
    assert await outbox_rows(engine) == []
