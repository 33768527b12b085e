"""What the fulfillment use cases need from the outside, named by role; adapters implement them:
the database (repositories in one transaction), and the warehouse (WMS) and the carriers (TMS)."""

from collections.abc import Collection
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from tradeflow_contracts.registry import Contract
from tradeflow_fulfillment.app.case_ports import CaseReturns, CaseRevocations
from tradeflow_fulfillment.app.change_ports import ReceiverChanges
from tradeflow_fulfillment.domain.entitlement import Entitlement
from tradeflow_fulfillment.domain.model import Receiver, ShipmentLine
from tradeflow_fulfillment.domain.planning import PlanningRules
from tradeflow_fulfillment.domain.returns import CaseReturn
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.stopping import OrderStop
from tradeflow_kit.system import Clock, IdGenerator

Page = tuple[datetime, str] | None  # continue after this (time, id): newest first


class ShipmentRepository(Protocol):
    async def add(self, shipment: Shipment) -> None:
        """Store a new shipment with its lines and history."""

    async def save(self, shipment: Shipment) -> None:
        """Store what changed of a loaded shipment: its row, its lines as they are now, and the
        history entries recorded since it was loaded (history is append-only)."""

    async def get(self, shipment_id: str, *, lock: bool = False) -> Shipment:
        """The shipment; ShipmentNotFound if there is none. `lock`: row-locked until the
        transaction ends (whoever changes it holds it)."""

    async def claim_due(self, now: datetime) -> Shipment | None:
        """A shipment a dispatch may begin for now (`Shipment.can_begin_dispatch`), the longest
        due first, row-locked until the transaction ends; those another transaction holds are
        skipped (SKIP LOCKED), so dispatchers running side by side never take the same one."""

    async def holding(self, order_id: str) -> list[Shipment]:
        """Every shipment holding the order's lines (not an after-sales case's replacement),
        row-locked in id order (the one order every use case locks shipments in) until the
        transaction ends."""

    async def claim_interception(self, now: datetime) -> Shipment | None:
        """A shipment being intercepted whose request is due to be sent (again) or whose deadline
        has passed (`Shipment.interception_due_at` ≤ now), row-locked; SKIP LOCKED like
        `claim_due`."""

    async def lock_buyer(self, buyer_id: str) -> None:
        """Serialize the planning of this buyer's orders until the transaction ends, so two paid
        orders arriving together see each other's waiting shipments (and merge, not race)."""

    async def waiting(self, buyer_id: str, now: datetime) -> list[Shipment]:
        """The buyer's shipments still waiting in their merge window (ready, dispatch_after after
        `now`; never a case's replacement), row-locked until the transaction ends."""

    async def find(self, *, order_id: str | None = None, status: str | None = None, warehouse: str | None = None,
                   buyer_id: str | None = None, merchant_id: str | None = None, limit: int = 20,
                   before: Page = None, in_status_before: datetime | None = None,
                   excluding: Collection[str] = (), case_id: str | None = None) -> list[Shipment]:
        """Newest planned first; narrowed to those holding the order's lines, in a status or
        warehouse, of one buyer, and/or holding a merchant's lines, of an after-sales case; with
        `in_status_before`, to those that entered their current status before then (stuck), none
        in `excluding`."""


class EntitlementRepository(Protocol):
    async def add(self, entitlements: Collection[Entitlement]) -> None: ...

    async def of_order(self, order_id: str) -> list[Entitlement]:
        """The order's entitlements, row-locked until the transaction ends."""

    async def save(self, entitlement: Entitlement) -> None: ...

    async def get(self, entitlement_id: str, *, lock: bool = False) -> Entitlement:
        """The entitlement; EntitlementNotFound if there is none. `lock`: row-locked until the
        transaction ends."""

    async def find(self, *, account: str | None, limit: int, before: Page = None) -> list[Entitlement]:
        """Newest granted first; an account's, or all."""


class OrderStops(Protocol):
    async def get(self, order_id: str) -> OrderStop | None:
        """The order's stop, row-locked until the transaction ends (after its shipments: every use
        case locks shipments first); None if it was never asked to stop."""

    async def save(self, stop: OrderStop) -> None:
        """Insert or update."""


class PlannedOrders(Protocol):
    async def claim(self, order_id: str, at: datetime) -> bool:
        """Record that the order's fulfillment is planned; False if it was already (by any
        message, any replica): the caller then does nothing."""

    async def was_skipped(self, order_id: str) -> bool:
        """Whether the order was skipped as paid before the start point."""

    async def is_planned(self, order_id: str) -> bool:
        """Whether the order was planned (not skipped, not unknown)."""

    async def skip(self, order_id: str, at: datetime, paid_at: datetime) -> bool:
        """Record that the order, paid at `paid_at` before the start point, is not planned (ops
        see it: `planned_orders.outcome`); False if the order was planned or skipped already."""


class PreSaleArrivals(Protocol):
    """Sub-orders whose pre-sale goods arrived (PreSaleStockArrived), kept whether or not their
    order is planned yet."""

    async def lock_order(self, order_id: str) -> None:
        """Serialize planning the order, recording its arrivals and stopping it before it is
        planned until the transaction ends, so an arrival or a stop during planning is seen by
        one of the two."""

    async def record(self, order_id: str, sub_order_id: str, arrived_at: datetime, at: datetime) -> bool:
        """Record the arrival; False if it was recorded before."""

    async def arrived(self, sub_order_ids: Collection[str]) -> frozenset[str]:
        """Those of the sub-orders whose goods arrived."""


class ProviderCallbacks(Protocol):
    async def first_time(self, source: str, event_id: str, *, type_: str, reference: str, shipment_id: str,
                         at: datetime) -> bool:
        """Record the provider's event as seen in the open transaction; False if it was before
        (a concurrent duplicate waits for the first one's transaction, then sees it)."""


class FulfillmentTransaction(Protocol):
    """One database transaction (the unit of work): the service's repositories in it, and the
    messages it publishes on commit."""

    @property
    def shipments(self) -> ShipmentRepository: ...

    @property
    def entitlements(self) -> EntitlementRepository: ...

    @property
    def planned_orders(self) -> PlannedOrders: ...

    @property
    def stops(self) -> OrderStops: ...

    @property
    def callbacks(self) -> ProviderCallbacks: ...

    @property
    def returns(self) -> CaseReturns: ...

    @property
    def revocations(self) -> CaseRevocations: ...

    @property
    def pre_sale_arrivals(self) -> PreSaleArrivals: ...

    @property
    def receiver_changes(self) -> ReceiverChanges: ...

    message_occurred_at: datetime | None
    """When the message this transaction handles occurred (its envelope's `occurred_at`; for
    order.paid: when the order was paid); None outside a message handler."""

    async def publish(self, message: Contract, *, key: str) -> None:
        """Publish when (and only if) the transaction commits (transactional outbox)."""


class Transactions(Protocol):
    def begin(self) -> AbstractAsyncContextManager[FulfillmentTransaction]:
        """A new transaction: committed when the block ends normally, rolled back otherwise."""

    def read(self) -> AbstractAsyncContextManager[FulfillmentTransaction]:
        """A transaction for reading only: rolled back, never committed."""


@dataclass(frozen=True)
class Collaborators:
    """What the use cases share, built once in the composition root."""

    clock: Clock
    ids: IdGenerator
    rules: PlanningRules
    intercept_deadline: timedelta = timedelta(minutes=2)  # how long a warehouse or carrier has to answer


# -- the warehouse and the carriers ------------------------------------------------------------
class OutsideUnavailable(Exception):
    """The warehouse or the carrier could not be reached or failed (network, timeout, 5xx): the
    same request may succeed later."""


class OutsideRefused(Exception):
    """The warehouse or the carrier answered no; the same request will not change that."""


class DispatchNumberTaken(OutsideRefused):
    """The warehouse holds this dispatch number for another shipment."""


@dataclass(frozen=True)
class DispatchInstruction:
    dispatch_number: str
    shipment_id: str
    warehouse: str
    carrier: str
    waybill: str
    receiver: Receiver
    lines: tuple[ShipmentLine, ...]


@dataclass(frozen=True)
class WaybillRequest:
    shipment_id: str
    carrier: str
    warehouse: str
    receiver: Receiver
    weight_grams: int


@dataclass(frozen=True)
class OutsideStatus:
    """What the warehouse says of a dispatch, or the carrier of a waybill, in its own words."""

    reference: str  # the dispatch number or the waybill
    shipment_id: str
    status: str
    interception: str


class Warehouse(Protocol):
    """The warehouse management system (WMS) of every warehouse; it reports progress by callback."""

    async def dispatch(self, instruction: DispatchInstruction) -> None:
        """Returns once the warehouse holds the instruction: taken now, or — its number sent before
        for this same shipment (a retry) — taken already. DispatchNumberTaken if it holds the
        number for another shipment; OutsideRefused, OutsideUnavailable."""

    async def intercept(self, dispatch_number: str) -> None:
        """Ask the warehouse to stop the dispatch; the answer comes by callback. OutsideRefused
        once it has shipped."""

    async def status(self, dispatch_number: str) -> OutsideStatus | None:
        """The dispatch as the warehouse sees it; None if it does not know the number."""

    async def expect_return(self, case_return: CaseReturn) -> None:
        """Tell the warehouse to expect the case's return parcel (with its waybill when known); again
        changes nothing there, or records the newer waybill. OutsideRefused, OutsideUnavailable."""

    async def cancel_return(self, case_id: str, send_back: bool) -> None:
        """Tell the warehouse the case no longer waits for its parcel (again: nothing changes there);
        done too when it never knew the return. OutsideRefused, OutsideUnavailable."""


class Carriers(Protocol):
    """The carriers' transport management system (TMS); it reports the parcel's way by callback."""

    async def create_waybill(self, request: WaybillRequest) -> str:
        """The carrier's waybill for the shipment; the same request again gives the same waybill
        (no second parcel). OutsideRefused, OutsideUnavailable."""

    async def cancel_waybill(self, waybill: str) -> None:
        """Void a waybill whose parcel the courier never had (again: fine), so the shipment may
        have another — to a new receiver. OutsideRefused once the courier has it."""

    async def intercept(self, waybill: str) -> None:
        """Ask the carrier to stop the parcel; the answer comes by callback. OutsideRefused once
        it was signed for."""

    async def status(self, waybill: str) -> OutsideStatus | None:
        """The parcel as the carrier sees it; None if it does not know the waybill."""


@dataclass(frozen=True)
class Logistics:
    """The outside systems the goods go through, built once in the composition root."""

    warehouse: Warehouse
    carriers: Carriers
