"""What the channel adapter use cases need from the outside, named by role; adapters implement them."""

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from tradeflow_channel_adapter.domain.channel import Channel
from tradeflow_channel_adapter.domain.external import ChannelNews, Page, SyncUpdate
from tradeflow_channel_adapter.domain.ledger import ChannelOrder
from tradeflow_contracts.order_facts import CatalogSkuChanged
from tradeflow_contracts.registry import Contract
from tradeflow_kit.system import Clock, IdGenerator


@dataclass(frozen=True)
class CatalogSku:
    sku: str
    merchant_id: str
    kind: str
    unit_price_amount: int
    currency: str


@dataclass(frozen=True)
class ParkedNews:
    """A cancellation, refund or address change kept in `channel_news` (once, by its key)."""

    id: str
    channel: str
    external_order_id: str
    kind: str  # cancellation | refund | address_change
    news: ChannelNews
    status: str  # parked | sent | review | done | refused
    detail: str | None = None
    case_id: str | None = None


@dataclass(frozen=True)
class SyncCall:
    """One sync-back call to a channel, kept once by its key until the channel acknowledges it."""

    id: str
    channel: str
    channel_order_id: str
    key: str
    update: SyncUpdate
    attempts: int = 0
    status: str = "pending"  # pending | failing | acked
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    acked_at: datetime | None = None


class ChannelRepository(Protocol):
    async def get(self, code: str, *, lock: bool = False) -> Channel | None:
        """`lock`: the channel's row held to the end of the transaction (its credit is charged under
        it). Lock order: the channel's row before any of its ledger orders, never after one."""

    async def put(self, channel: Channel, now: datetime) -> bool:
        """Create or replace the configuration; True when created."""

    async def all(self) -> list[Channel]: ...

    async def cursor(self, code: str) -> str | None: ...

    async def save_cursor(self, code: str, cursor: str | None) -> None: ...


class SkuMapRepository(Protocol):
    async def of_channel(self, channel: str) -> dict[str, str]: ...

    async def put(self, channel: str, channel_sku: str, sku: str, by: str, now: datetime) -> None: ...


class CatalogRepository(Protocol):
    async def record(self, m: CatalogSkuChanged) -> bool: ...

    async def get_many(self, skus: set[str]) -> dict[str, CatalogSku]: ...


@dataclass(frozen=True)
class Account:
    id: str
    phone: str | None
    merged_into: str | None
    members: list[tuple[str, str]]
    """(channel, member id) linked to it."""


class AccountRepository(Protocol):
    async def get(self, account_id: str, *, lock: bool = False) -> Account | None: ...

    async def merge(self, account_id: str, into: str) -> None:
        """Move the account's member links to `into` and mark it merged into it."""

    async def link(self, channel: str, member_id: str, phone: str | None, new_id: str, now: datetime) -> str:
        """The account of (channel, member): the one already linked, else the phone's (created if
        new), else a new one of its own; concurrent links of one phone make one account."""


class ChannelOrderRepository(Protocol):
    async def add(self, order: ChannelOrder, now: datetime) -> ChannelOrder | None:
        """Insert; None (and nothing inserted) when (channel, external order id) is already in."""

    async def get(self, order_id: str, *, lock: bool = False) -> ChannelOrder | None: ...

    async def by_external(self, channel: str, external_order_id: str, *, lock: bool = False) -> ChannelOrder | None: ...

    async def by_order(self, order_id: str, *, lock: bool = False) -> ChannelOrder | None:
        """By the platform's order id."""

    async def save(self, order: ChannelOrder, now: datetime) -> None: ...

    async def credit_used(self, channel: str) -> int:
        """The channel's credit used: what its orders hold (charged on acceptance, given back on
        the order by a refusal, cancellation or refund — the channel's row is not touched)."""

    async def member_used(self, channel: str, member_id: str) -> int:
        """The credit the member's accepted and placed orders hold."""

    async def find(self, channel: str, status: str | None, limit: int, after: str | None) -> list[ChannelOrder]: ...


class NewsRepository(Protocol):
    async def add(self, news: ParkedNews, key: str, now: datetime) -> bool:
        """Keep it once by (channel, key); False when it was already kept."""

    async def get(self, news_id: str, *, lock: bool = False) -> ParkedNews | None: ...

    async def parked(self, channel: str, external_order_id: str) -> list[ParkedNews]: ...

    async def of_order(self, channel: str, external_order_id: str) -> list[ParkedNews]:
        """Every change of the order, in the order they came."""

    async def mark(self, news_id: str, status: str, now: datetime, *, detail: str | None = None,
                   case_id: str | None = None) -> None: ...

    async def by_case(self, case_id: str) -> ParkedNews | None: ...

    async def find(self, channel: str, status: str | None, limit: int) -> list[ParkedNews]: ...


class SyncRepository(Protocol):
    async def add(self, call: SyncCall) -> bool:
        """Keep the call once by its key; False when already kept."""

    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[SyncCall]:
        """Calls due now, each the oldest unacknowledged of its channel order (so a channel hears
        of an order in order), leased (not due again) for `lease`; SKIP LOCKED."""

    async def acked(self, call_id: str, now: datetime) -> None: ...

    async def failed(self, call_id: str, error: str, retry_at: datetime) -> None: ...

    async def find(self, channel: str | None, failing: bool, limit: int) -> list[SyncCall]: ...


class ChannelCalls(Protocol):
    async def send(self, channel: Channel, update: SyncUpdate) -> str | None:
        """Tell the channel (signed, at its api_base_url); None when it acknowledged, else why not."""

    async def fetch(self, channel: Channel, cursor: str | None) -> Page:
        """One page of a pull channel's feed from `cursor` (raises on a transport or shape problem)."""


class ChannelAdapterTransaction(Protocol):
    """One database transaction (the unit of work): the service's repositories in it, each a
    property named by role, and the messages it publishes on commit."""

    @property
    def channels(self) -> ChannelRepository: ...

    @property
    def sku_map(self) -> SkuMapRepository: ...

    @property
    def catalog(self) -> CatalogRepository: ...

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def orders(self) -> ChannelOrderRepository: ...

    @property
    def news(self) -> NewsRepository: ...

    @property
    def sync(self) -> SyncRepository: ...

    async def publish(self, message: Contract, *, key: str) -> None:
        """Publish when (and only if) the transaction commits (transactional outbox)."""


class Transactions(Protocol):
    def begin(self) -> AbstractAsyncContextManager[ChannelAdapterTransaction]:
        """A new transaction: committed when the block ends normally, rolled back otherwise."""

    def read(self) -> AbstractAsyncContextManager[ChannelAdapterTransaction]:
        """A transaction for reading only: rolled back, never committed."""


@dataclass(frozen=True)
class Collaborators:
    clock: Clock
    ids: IdGenerator
