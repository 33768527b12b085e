"""In-memory stand-ins for the fulfillment's ports, so use cases run without a database."""

from datetime import UTC, datetime
from itertools import count

from tradeflow_fulfillment.app.ports import Collaborators
from tradeflow_fulfillment.domain.errors import ShipmentNotFound
from tradeflow_fulfillment.domain.transitions import ShipmentStatus

from .builders import RULES


class FixedClock:
    def __init__(self, at: datetime = datetime(2026, 12, 1, 10, tzinfo=UTC)) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


class CountingIds:
    def __init__(self) -> None:
        self._n = count(1)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._n)}"


class FakeShipments:
    def __init__(self) -> None:
        self.rows: dict = {}
        self.locked: list[str] = []

    async def add(self, shipment):
        assert shipment.id not in self.rows
        shipment.pull_new_history()
        self.rows[shipment.id] = shipment

    async def save(self, shipment):
        assert shipment.id in self.rows
        shipment.pull_new_history()

    async def get(self, shipment_id):
        if shipment_id not in self.rows:
            raise ShipmentNotFound(shipment_id)
        return self.rows[shipment_id]

    async def lock_buyer(self, buyer_id):
        self.locked.append(buyer_id)

    async def waiting(self, buyer_id, now):
        return [s for s in self.rows.values()
                if s.buyer_id == buyer_id and s.status is ShipmentStatus.READY and s.dispatch_after > now]


class FakeEntitlements:
    def __init__(self) -> None:
        self.rows: list = []

    async def add(self, entitlements):
        self.rows.extend(entitlements)


class FakePlannedOrders:
    def __init__(self) -> None:
        self.orders: set[str] = set()

    async def claim(self, order_id, at):
        if order_id in self.orders:
            return False
        self.orders.add(order_id)
        return True


class FakeTransaction:
    """An in-memory unit of work: the repositories, and what it published as (key, message)."""

    def __init__(self) -> None:
        self.shipments, self.entitlements = FakeShipments(), FakeEntitlements()
        self.planned_orders = FakePlannedOrders()
        self.published: list[tuple[str, object]] = []

    async def publish(self, message, *, key):
        self.published.append((key, message))

    def types(self) -> list[str]:
        return [m.TYPE for _, m in self.published]


def collaborators(clock: FixedClock) -> Collaborators:
    return Collaborators(clock, CountingIds(), RULES)
