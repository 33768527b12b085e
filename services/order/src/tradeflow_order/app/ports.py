"""What the order use cases need from the outside, by role; adapters implement them."""

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from tradeflow_contracts.registry import Contract
from tradeflow_kit.notices import Notices
from tradeflow_kit.sagas.definition import SagaDefinition
from tradeflow_kit.sagas.ports import SagaStore
from tradeflow_kit.system import Clock, IdGenerator
from tradeflow_order.domain.catalog import CatalogSku, Coupon, CouponUses, FreightTemplate, PointsEntry
from tradeflow_order.domain.model import Receiver
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.risk import RiskPolicy


class OrderRepository(Protocol):
    async def add(self, order: Order) -> None:
        """Store a new order with its sub-orders, lines and history so far."""

    async def get(self, order_id: str) -> Order:
        """The order (with the step its saga stands in); OrderNotFound if there is none. Writers
        lock the order's saga first, so one order's changes run one at a time."""

    async def save(self, order: Order) -> None:
        """Store what the saga may change, and append the new history entries (which wakes the
        order's `OrderChanges` watchers, in every process, when the transaction commits)."""

    async def find(self, *, buyer_id: str | None, merchant_id: str | None, status: str | None, limit: int,
                   before: tuple[datetime, str] | None) -> list[Order]:
        """Newest first; narrowed to a buyer's orders and/or those holding a merchant's sub-orders."""

    async def find_external(self, channel: str, external_order_id: str) -> Order | None:
        """The channel's order placed here (at most one: the pair is unique), or None."""

    async def lock_buyer(self, buyer_id: str) -> None:
        """Serialize this buyer's placements until the transaction ends."""

    async def unpaid_units(self, buyer_id: str, skus: set[str]) -> dict[str, int]:
        """Stock units of each SKU the buyer holds in unpaid orders (pending payment, not cancelled)."""

    async def recent_counts(self, phone: str, receiver: Receiver, since: datetime) -> tuple[int, int]:
        """Orders placed since `since` for this phone, and for this address."""

    async def claim_due_auto_confirm(self, now: datetime) -> str | None:
        """One order whose auto-confirmation is due, locked (SKIP LOCKED: another replica takes
        another) until the transaction ends; None when there is none."""


class CatalogRepository(Protocol):
    """The price book (SKUs, freight templates, coupons) and the buyers' points ledgers."""

    async def skus(self, codes: set[str]) -> dict[str, CatalogSku]:
        """The current version of each SKU that exists (absent codes are simply missing)."""

    async def put_sku(self, sku: CatalogSku) -> CatalogSku:
        """Store a new version of the SKU (version 1 if new, else the last + 1, kept in its
        history) and return it as stored."""

    async def find_skus(self, *, merchant_id: str | None, limit: int, after: str | None) -> list[CatalogSku]:
        """SKUs ordered by code, after the `after` code, narrowed to a merchant's."""

    async def sku_versions(self, sku: str) -> list[CatalogSku]:
        """Every version of the SKU, oldest first."""

    async def freight_templates(self, merchant_ids: set[str]) -> dict[str, FreightTemplate]: ...

    async def put_freight_template(self, template: FreightTemplate) -> FreightTemplate:
        """Store a new version of the merchant's template and return it as stored."""

    async def coupons(self, codes: set[str], *, lock: bool = False) -> dict[str, Coupon]:
        """The coupons that exist; with `lock`, each row is locked (FOR UPDATE, in code order)
        until the transaction ends, so concurrent placements count its uses one at a time."""

    async def put_coupon(self, coupon: Coupon) -> Coupon: ...

    async def coupon_uses(self, code: str, buyer_id: str) -> CouponUses:
        """How many orders hold the coupon now (held, not returned): in all, and of this buyer."""

    async def hold_coupons(self, order_id: str, buyer_id: str, codes: list[str], at: datetime) -> None:
        """Record that the order holds these coupons (one use each)."""

    async def return_coupons(self, order_id: str, at: datetime) -> list[str]:
        """Give back the coupons the order still holds; the codes given back (none the second time)."""

    async def points_balance(self, buyer_id: str) -> int: ...

    async def points_entries(self, buyer_id: str, *, limit: int = 100) -> list[PointsEntry]:
        """Newest first."""

    async def add_points(self, entry: PointsEntry) -> None: ...

    async def return_points(self, order_id: str, at: datetime) -> int:
        """Give back the points the order spent (a `returned` entry), once: the amount returned
        (0 when it spent none or they were already returned); less what after-sales gave back."""

    async def return_points_part(self, order_id: str, buyer_id: str, refund_id: str, amount: int,
                                 at: datetime) -> int:
        """Give back `amount` of the order's points for an after-sales refund, once per refund id:
        the amount returned (0 the second time)."""


@dataclass(frozen=True)
class ChannelGmv:
    """GMV of one channel in one currency: the orders paid (own or channel's), what the buyers paid
    for them (a channel order: what they paid the channel), and how many were channel orders."""

    channel: str
    currency: str
    orders: int
    gmv_amount: int
    channel_orders: int


class OrderReports(Protocol):
    async def gmv_by_channel(self, since: datetime, until: datetime, currency: str | None) -> list[ChannelGmv]:
        """Orders created in [since, until) and paid (cancelled before payment: not counted), by
        channel and currency (ordered so); a channel order counts its lines' channel paid amounts,
        the platform's own orders their paid amount."""


class OrderTransaction(Protocol):
    """One database transaction (the unit of work): the repositories in it, and the messages it
    publishes when — and only if — it commits (transactional outbox)."""

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def sagas(self) -> SagaStore: ...

    @property
    def catalog(self) -> CatalogRepository: ...

    @property
    def reports(self) -> OrderReports: ...

    async def publish(self, message: Contract, *, key: str) -> None: ...


class Transactions(Protocol):
    def begin(self) -> AbstractAsyncContextManager[OrderTransaction]:
        """A new transaction: committed when the block ends normally, rolled back otherwise."""

    def read(self) -> AbstractAsyncContextManager[OrderTransaction]:
        """A transaction for reading only: rolled back, never committed."""


OrderChanges = Notices  # a change of an order (a new history entry) committed, in any replica: watch(order_id)


@dataclass(frozen=True)
class Collaborators:
    """What the use cases share, built once in the composition root."""

    clock: Clock
    ids: IdGenerator
    saga: SagaDefinition  # the order saga's declared table (`order_saga.order_saga`)
    risk: RiskPolicy
    max_unpaid_units_per_sku: int = 50
    auto_confirm_after: timedelta = timedelta(days=7)  # receipt confirmed for the buyer once all is received

    @property
    def payment_timeout(self) -> timedelta:
        return self.saga.step("awaiting_payment").deadline
