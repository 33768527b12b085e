"""In-memory stand-ins for the fulfillment's ports, so use cases run without a database."""

from contextlib import asynccontextmanager
from datetime import UTC, datetime
from itertools import count

from tradeflow_fulfillment.app.ports import (
    Collaborators,
    DispatchNumberTaken,
    Logistics,
    OutsideRefused,
    OutsideStatus,
    OutsideUnavailable,
)
from tradeflow_fulfillment.domain.errors import EntitlementNotFound, ShipmentNotFound
from tradeflow_fulfillment.domain.transitions import ShipmentStatus

from .builders import RULES
from .receiver_change_fakes import FakeReceiverChanges


class FixedClock:
    def __init__(self, at: datetime = datetime(2026, 12, 1, 10, tzinfo=UTC)) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


class CountingIds:
    def __init__(self, start: int = 1) -> None:
        self._n = count(start)

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

    async def get(self, shipment_id, *, lock=False):
        if shipment_id not in self.rows:
            raise ShipmentNotFound(shipment_id)
        return self.rows[shipment_id]

    async def claim_due(self, now):
        due = [s for s in self.rows.values() if s.can_begin_dispatch(now)]
        return min(due, key=lambda s: (s.dispatch_after, s.id), default=None)

    async def claim_interception(self, now):
        due = [s for s in self.rows.values() if s.interception_due_at is not None and s.interception_due_at <= now]
        return min(due, key=lambda s: (s.interception_due_at, s.id), default=None)

    async def holding(self, order_id):
        return sorted((s for s in self.rows.values() if order_id in s.order_ids), key=lambda s: s.id)

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

    async def of_order(self, order_id):
        return [e for e in self.rows if e.order_id == order_id]

    async def save(self, entitlement):
        assert entitlement in self.rows

    async def get(self, entitlement_id, *, lock=False):
        found = next((e for e in self.rows if e.id == entitlement_id), None)
        if found is None:
            raise EntitlementNotFound(entitlement_id)
        return found


class FakeStops:
    def __init__(self) -> None:
        self.rows: dict = {}

    async def get(self, order_id):
        return self.rows.get(order_id)

    async def save(self, stop):
        self.rows[stop.order_id] = stop


class FakePlannedOrders:
    def __init__(self) -> None:
        self.orders: set[str] = set()
        self.skipped: dict[str, object] = {}  # order id → when it was paid

    async def claim(self, order_id, at):
        if order_id in self.orders:
            return False
        self.orders.add(order_id)
        return True

    async def was_skipped(self, order_id):
        return order_id in self.skipped

    async def is_planned(self, order_id):
        return order_id in self.orders and order_id not in self.skipped

    async def skip(self, order_id, at, paid_at):
        if order_id in self.orders:
            return False
        self.orders.add(order_id)
        self.skipped[order_id] = paid_at
        return True


class FakePreSaleArrivals:
    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, object]] = {}  # sub-order id → (order id, arrived at)
        self.locked: list[str] = []

    async def lock_order(self, order_id):
        self.locked.append(order_id)

    async def record(self, order_id, sub_order_id, arrived_at, at):
        if sub_order_id in self.rows:
            return False
        self.rows[sub_order_id] = (order_id, arrived_at)
        return True

    async def arrived(self, sub_order_ids):
        return frozenset(s for s in sub_order_ids if s in self.rows)


class FakeRevocations:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], dict] = {}  # (case id, line id) → the row

    async def record(self, case_id, order_id, line_id, reason, at, entitlement_id):
        row = self.rows.setdefault((case_id, line_id), {"order_id": order_id, "reason": reason, "at": at,
                                                        "entitlement_id": entitlement_id})
        row["entitlement_id"] = row["entitlement_id"] or entitlement_id

    async def of_line(self, order_id, line_id):
        asked = sorted((row["at"], case_id, row["reason"]) for (case_id, line), row in self.rows.items()
                       if line == line_id and row["order_id"] == order_id)
        return (asked[0][1], asked[0][2]) if asked else None


class FakeCallbacks:
    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], dict] = {}

    async def first_time(self, source, event_id, **fields):
        if (source, event_id) in self.seen:
            return False
        self.seen[(source, event_id)] = fields
        return True


class FakeTransaction:
    """An in-memory unit of work: the repositories, and what it published as (key, message).
    `begin()` opens it again (the same rows), as the Transactions port does."""

    def __init__(self) -> None:
        self.shipments, self.entitlements = FakeShipments(), FakeEntitlements()
        self.planned_orders, self.callbacks = FakePlannedOrders(), FakeCallbacks()
        self.stops, self.revocations = FakeStops(), FakeRevocations()
        self.pre_sale_arrivals, self.receiver_changes = FakePreSaleArrivals(), FakeReceiverChanges()
        self.message_occurred_at = None  # as outside a message handler, unless a test sets it
        self.published: list[tuple[str, object]] = []
        self.commits = 0

    @asynccontextmanager
    async def begin(self):
        yield self
        self.commits += 1

    async def publish(self, message, *, key):
        self.published.append((key, message))

    def types(self) -> list[str]:
        return [m.TYPE for _, m in self.published]


def collaborators(clock: FixedClock, first_id: int = 1) -> Collaborators:
    return Collaborators(clock, CountingIds(first_id), RULES)


class FakeWarehouse:
    """Holds dispatch numbers as a warehouse does (one shipment each); `down` or `refuse` make the
    next calls fail that way."""

    def __init__(self) -> None:
        self.held: dict[str, str] = {}  # dispatch number → shipment id
        self.received: list = []  # every instruction sent, retries included
        self.intercepts: list[str] = []  # dispatch numbers asked to stop
        self.down, self.refuse = False, None

    async def dispatch(self, instruction):
        if self.down:
            raise OutsideUnavailable("the warehouse is unreachable: ConnectError")
        if self.refuse:
            raise OutsideRefused(self.refuse)
        self.received.append(instruction)
        holder = self.held.setdefault(instruction.dispatch_number, instruction.shipment_id)
        if holder != instruction.shipment_id:
            raise DispatchNumberTaken(f"held for {holder}")

    async def intercept(self, dispatch_number):
        if self.down:
            raise OutsideUnavailable("the warehouse is unreachable: ConnectError")
        if self.refuse:
            raise OutsideRefused(self.refuse)
        self.intercepts.append(dispatch_number)

    async def status(self, dispatch_number):
        if self.down:
            raise OutsideUnavailable("the warehouse is unreachable: ConnectError")
        holder = self.held.get(dispatch_number)
        return None if holder is None else OutsideStatus(dispatch_number, holder, "accepted", "none")


class FakeCarriers:
    """Issues one waybill per shipment (the same request again: the same one)."""

    def __init__(self) -> None:
        self.requests: list = []
        self.intercepts: list[str] = []  # waybills asked to stop
        self.cancelled: list[str] = []  # waybills voided
        self.down, self.refuse = False, None

    async def create_waybill(self, request):
        if self.down:
            raise OutsideUnavailable("the carrier is unreachable: ReadTimeout")
        if self.refuse:
            raise OutsideRefused(self.refuse)
        same = [r for r in self.requests if r.shipment_id == request.shipment_id]
        self.requests.append(request)
        if not same or same[-1] == request:
            return f"{request.carrier}-WB-{request.shipment_id}"
        return f"{request.carrier}-WB-{request.shipment_id}-{len(same) + 1}"  # re-addressed: a new waybill

    async def cancel_waybill(self, waybill):
        if self.down:
            raise OutsideUnavailable("the carrier is unreachable: ReadTimeout")
        self.cancelled.append(waybill)

    async def intercept(self, waybill):
        if self.down:
            raise OutsideUnavailable("the carrier is unreachable: ReadTimeout")
        if self.refuse:
            raise OutsideRefused(self.refuse)
        self.intercepts.append(waybill)

    async def status(self, waybill):
        raise NotImplementedError


def logistics() -> Logistics:
    return Logistics(FakeWarehouse(), FakeCarriers())
