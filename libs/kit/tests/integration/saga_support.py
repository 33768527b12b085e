"""The saga tables on a fresh database, a clock the tests move, and a saga in a given step."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import MetaData

from tradeflow_kit.sagas.instance import SagaInstance, begin, move
from tradeflow_kit.sagas.schema import saga_tables

from ..saga_fixtures import CHECKOUT, T0

saga_metadata = MetaData()
sagas_table, saga_moves_table = saga_tables(saga_metadata)


@dataclass
class FakeClock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def checkout_in(saga_id: str, step: str, at: datetime) -> SagaInstance:
    """A checkout saga begun at `at` and moved along the happy path to `step` (at `at`)."""
    path = {"reserving": [], "awaiting_payment": ["awaiting_payment"], "paid": ["awaiting_payment", "paid"],
            "cancelling": ["cancelling"], "cancelled": ["cancelling", "cancelled"]}[step]
    saga = begin(CHECKOUT, saga_id, at)
    for to in path:
        move(CHECKOUT, saga, to, f"to {to}", at)
    return saga


async def add_all(transactions, *sagas: SagaInstance) -> None:
    async with transactions.begin() as tx:
        for saga in sagas:
            await tx.sagas.add(saga)
