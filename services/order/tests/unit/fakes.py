"""An in-memory unit of work for the order use cases: the order saga runs without a database.

Each transaction works on the shared `FakeDatabase` and is rolled back (the state restored) if
its block raises, as a database transaction would; loading returns a copy, as loading rows does.
"""

import copy
import itertools
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from tradeflow_contracts.registry import Contract
from tradeflow_kit.sagas.definition import SagaState
from tradeflow_kit.sagas.instance import SagaInstance, SagaMove
from tradeflow_order.app.order_saga import order_saga
from tradeflow_order.app.ports import Collaborators
from tradeflow_order.domain.errors import OrderNotFound
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.risk import RiskPolicy

from .fake_catalog import FakeCatalog


class FixedClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 22, 10, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


class CountingIds:
    def __init__(self) -> None:
        self._next = itertools.count(1)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._next)}"


class FakeDatabase:
    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}
        self.sagas: dict[str, SagaInstance] = {}
        self.moves: list[tuple[str, SagaMove]] = []
        self.outbox: list[tuple[str, Contract]] = []  # (key, message), in commit order
        self.catalog = FakeCatalog()

    def sent(self, kind: type[Contract] | None = None) -> list[Contract]:
        return [m for _, m in self.outbox if kind is None or isinstance(m, kind)]


class FakeOrders:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    async def add(self, order):
        order.pull_new_history()
        stored = copy.deepcopy(order)
        stored.pull_events()  # events are published, never stored
        self.db.orders[order.id] = stored

    async def get(self, order_id):
        if order_id not in self.db.orders:
            raise OrderNotFound(f"no order {order_id}")
        return copy.deepcopy(self.db.orders[order_id])

    async def save(self, order):
        await self.add(order)

    async def find(self, *, buyer_id, merchant_id, status, limit, before):
        found = [o for o in self.db.orders.values() if buyer_id in (None, o.buyer_id)
                 and status in (None, o.status) and (merchant_id is None
                                                     or any(s.merchant_id == merchant_id for s in o.sub_orders))]
        return sorted(found, key=lambda o: (o.created_at, o.id), reverse=True)[:limit]

    async def find_external(self, channel, external_order_id):
        found = [o for o in self.db.orders.values() if o.channel == channel and o.terms.external is not None
                 and o.terms.external.order_id == external_order_id]
        return copy.deepcopy(found[0]) if found else None

    async def lock_buyer(self, buyer_id):
        pass  # one transaction at a time here

    async def unpaid_units(self, buyer_id, skus):
        units: dict[str, int] = {}
        for o in self.db.orders.values():
            if o.buyer_id == buyer_id and o.status == "pending_payment" and o.payment_status == "unpaid":
                for line in (ln for s in o.sub_orders for ln in s.lines if ln.kind == "physical" and ln.sku in skus):
                    units[line.sku] = units.get(line.sku, 0) + line.quantity
        return units

    async def recent_counts(self, phone, receiver, since):
        recent = [o for o in self.db.orders.values() if o.created_at >= since]
        return (sum(o.receiver.phone == phone for o in recent),
                sum(o.receiver.address == receiver.address for o in recent))

    async def claim_due_auto_confirm(self, now):
        due = sorted((o.auto_confirm_at, o.id) for o in self.db.orders.values()
                     if o.status == "shipped" and o.auto_confirm_at is not None and o.auto_confirm_at <= now)
        return due[0][1] if due else None


class FakeSagas:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    async def add(self, saga):
        await self.save(saga)

    async def get(self, saga_id, *, lock=False):
        saga = self.db.sagas.get(saga_id)
        return copy.deepcopy(saga) if saga else None

    async def save(self, saga):
        self.db.moves.extend((saga.id, m) for m in saga.pull_moves())
        self.db.sagas[saga.id] = copy.deepcopy(saga)

    async def claim_due(self, name, now, limit):
        due = sorted((s for s in self.db.sagas.values() if s.name == name and s.state is SagaState.RUNNING
                      and s.deadline_at is not None and s.deadline_at <= now), key=lambda s: s.deadline_at)
        return [copy.deepcopy(s) for s in due[:limit]]

    async def find(self, *, name, state, step, limit, after):
        raise NotImplementedError("not used by the use cases")

    async def history(self, saga_id):
        return [m for sid, m in self.db.moves if sid == saga_id]


class FakeOrderTransaction:
    def __init__(self, db: FakeDatabase) -> None:
        self.orders, self.sagas, self._db = FakeOrders(db), FakeSagas(db), db
        self.catalog = db.catalog
        self.published: list[tuple[str, Contract]] = []

    async def publish(self, message, *, key):
        self.published.append((key, message))


class FakeTransactions:
    """`Transactions` over the fake database: all or nothing, like the real one."""

    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    @asynccontextmanager
    async def begin(self):
        db = self.db
        before, catalog = copy.deepcopy((db.orders, db.sagas, db.moves)), db.catalog.snapshot()
        tx = FakeOrderTransaction(db)
        try:
            yield tx
        except BaseException:
            db.orders, db.sagas, db.moves = before
            db.catalog.restore(catalog)
            raise
        db.outbox.extend(tx.published)


def collaborators(clock: FixedClock, *, max_amount: int = 1_000_000, timeout: timedelta = timedelta(minutes=30),
                  max_unpaid_units: int = 50) -> Collaborators:
    return Collaborators(clock=clock, ids=CountingIds(), saga=order_saga(timeout),
                         risk=RiskPolicy(max_amount, 5, 5), max_unpaid_units_per_sku=max_unpaid_units)
