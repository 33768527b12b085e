"""What the after-sales use cases need from the outside, named by role; adapters implement them."""

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.eligibility import AfterSalesWindows
from tradeflow_after_sales.domain.order_snapshot import Claim
from tradeflow_contracts.order_facts import CatalogSkuChanged, OrderChanged
from tradeflow_contracts.registry import Contract
from tradeflow_kit.sagas.definition import SagaDefinition
from tradeflow_kit.sagas.ports import SagaStore
from tradeflow_kit.system import Clock, IdGenerator

CASE_ID_PREFIX = "as"
"""A case's id is `as_…` (the kit's ids): an exchange's reservation uses it as its sub-order id,
which is how the case's stock replies are told from the orders' own."""


@dataclass
class CaseProgress:
    """The reverse saga's own data for one case (beside the kit's saga row): which refund attempt
    is asked (`<case_id>-r<n>`) and whether it failed, the refund the order makes for stopped units,
    consecutive failures of the current step, where the parcel goes back, what the replacement
    holds, the virtual lines whose entitlement answered, and the units the order stopped for the
    case (which the order's facts count as cancelled as well)."""

    case_id: str
    refund_attempt: int = 0
    pending_refund_id: str | None = None
    refund_failed: bool = False
    stop_refund_id: str | None = None
    failures: int = 0
    return_warehouse: str | None = None
    replacement_warehouses: list[dict] = field(default_factory=list)
    revoked_lines: list[str] = field(default_factory=list)
    stopped_lines: dict[str, list[int]] = field(default_factory=dict)  # line id → [units, amount]

    def next_refund_id(self) -> str:
        self.refund_attempt += 1
        self.pending_refund_id, self.refund_failed = f"{self.case_id}-r{self.refund_attempt}", False
        return self.pending_refund_id


@dataclass(frozen=True)
class CaseFilter:
    buyer_id: str | None = None
    merchant_id: str | None = None
    order_id: str | None = None
    status: str | None = None
    overdue_before: datetime | None = None  # pending review opened before this, or any overdue case
    now: datetime | None = None


class OrderFactsRepository(Protocol):
    async def record(self, facts: OrderChanged) -> bool:
        """Keep the facts if their version is newer than the kept one; True when kept."""

    async def get(self, order_id: str, *, lock: bool = False) -> OrderChanged | None:
        """`lock`: the order's row held until the transaction ends (its cases are counted one
        transaction at a time)."""


@dataclass(frozen=True)
class CatalogSku:
    """A SKU of the price book as after-sales keeps it (for an exchange's replacement)."""

    sku: str
    merchant_id: str
    unit_price_amount: int
    currency: str


class CatalogRepository(Protocol):
    async def record(self, m: CatalogSkuChanged) -> bool:
        """Keep the SKU if its version is newer than the kept one; True when kept."""

    async def get(self, sku: str) -> CatalogSku | None: ...


class CaseRepository(Protocol):
    async def add(self, case: AfterSalesCase, merchant_ids: list[str], progress: CaseProgress) -> None: ...

    async def get(self, case_id: str, *, lock: bool = False) -> AfterSalesCase | None: ...

    async def save(self, case: AfterSalesCase) -> None:
        """Store what changed and append the new history entries."""

    async def claims(self, order_id: str) -> tuple[Claim, ...]:
        """What every case of the order holds (`AfterSalesCase.claims()`)."""

    async def stopped_for_cases(self, order_id: str) -> dict[str, tuple[int, int]]:
        """Per line, the units (and their amount) the order stopped for those of the order's cases
        that still hold their units (`AfterSalesCase.holds_units`): a case closed without its
        refund leaves them to the order's cancelled units, where they stay counted."""

    async def progress(self, case_id: str) -> CaseProgress: ...

    async def save_progress(self, progress: CaseProgress) -> None: ...

    async def merchants(self, case_id: str) -> list[str]: ...

    async def find(self, where: CaseFilter, limit: int, before: tuple[datetime, str] | None
                   ) -> list[AfterSalesCase]:
        """Newest first by (opened_at, id), before the cursor."""


class AfterSalesTransaction(Protocol):
    """One database transaction (the unit of work): the repositories and the saga store in it,
    and the messages it publishes when — and only if — it commits."""

    @property
    def cases(self) -> CaseRepository: ...

    @property
    def order_facts(self) -> OrderFactsRepository: ...

    @property
    def catalog(self) -> CatalogRepository: ...

    @property
    def sagas(self) -> SagaStore: ...

    async def publish(self, message: Contract, *, key: str) -> None:
        """Publish when (and only if) the transaction commits (transactional outbox)."""


class Transactions(Protocol):
    def begin(self) -> AbstractAsyncContextManager[AfterSalesTransaction]:
        """A new transaction: committed when the block ends normally, rolled back otherwise."""

    def read(self) -> AbstractAsyncContextManager[AfterSalesTransaction]:
        """A transaction for reading only: rolled back, never committed."""


@dataclass(frozen=True)
class RetryPolicy:
    """A step refused or failed for a reason worth retrying is asked again after a backoff
    (doubling); after `max_attempts` failures the case needs attention."""

    max_attempts: int = 5
    first_backoff: timedelta = timedelta(seconds=30)
    max_backoff: timedelta = timedelta(minutes=30)

    def backoff(self, failures: int) -> timedelta:
        return min(self.first_backoff * 2 ** max(failures - 1, 0), self.max_backoff)


@dataclass(frozen=True)
class Collaborators:
    """What the use cases share, built once in the composition root."""

    clock: Clock
    ids: IdGenerator
    saga: SagaDefinition  # the reverse saga's declared table (`case_saga.case_saga`)
    windows: AfterSalesWindows = field(default_factory=AfterSalesWindows)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    merchant_review: bool = False  # merchants may review cases on their own sub-orders
    review_overdue_after: timedelta = timedelta(hours=48)

    @property
    def return_deadline(self) -> timedelta:
        return self.saga.step("awaiting_return").deadline
