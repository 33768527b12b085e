"""A channel as configuration (DOMAIN §6, API.md Channels): its kind, its vocabulary, its price
list and its controls. A channel of an existing kind is added by configuration only."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from tradeflow_channel_adapter.domain.errors import BadNews
from tradeflow_channel_adapter.domain.external import ExternalStatus


class Kind(StrEnum):
    MARKETPLACE_PUSH = "marketplace_push"
    """A marketplace that pushes signed webhooks (shape A)."""
    MARKETPLACE_PULL = "marketplace_pull"
    """A marketplace we poll with a cursor (shape B)."""
    ERP = "erp"
    """An ERP in front of marketplaces that pushes signed webhooks, its lines naming its goods codes
    (a channel SKU is mapped directly, or through the ERP code)."""
    OFFLINE = "offline"
    """A partner whose orders staff import from CSV."""


class MoneyFormat(StrEnum):
    MINOR = "minor"
    """Integers in minor units (fen): 1250."""
    DECIMAL = "decimal"
    """Decimal strings in major units: "12.50" (at most two decimals)."""


class AddressFormat(StrEnum):
    SPLIT = "split"
    """Region, city and street address in separate fields."""
    JOINED = "joined"
    """One line: "<region> <city> <street address>"."""


@dataclass(frozen=True)
class Vocabulary:
    """How a channel words things: its status words (→ the standard ones), its carrier names (our
    carrier code → the channel's), its money and address formats."""

    statuses: dict[str, ExternalStatus] = field(default_factory=dict)
    carriers: dict[str, str] = field(default_factory=dict)
    money: MoneyFormat = MoneyFormat.MINOR
    address: AddressFormat = AddressFormat.SPLIT

    def status(self, word: object, where: str) -> ExternalStatus:
        if isinstance(word, str) and word in self.statuses:
            return self.statuses[word]
        raise BadNews(where, f"unknown status {word!r}; this channel's words are {sorted(self.statuses)}")

    def status_word(self, status: ExternalStatus) -> str:
        """The channel's word for a standard status (the first configured), else the standard word."""
        return next((word for word, s in self.statuses.items() if s is status), status.value)

    def carrier(self, code: str) -> str:
        return self.carriers.get(code, code)

    def amount(self, value: object, where: str) -> int:
        """A money value in the channel's format → integer minor units, exactly, or BadNews."""
        if self.money is MoneyFormat.MINOR:
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return value
            raise BadNews(where, f"expected a non-negative integer of minor units, got {value!r}")
        if not isinstance(value, str):
            raise BadNews(where, f"expected a decimal string like \"12.50\", got {value!r}")
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise BadNews(where, f"expected a decimal string like \"12.50\", got {value!r}") from None
        minor = number * 100
        if not number.is_finite() or number < 0 or minor != minor.to_integral_value():
            raise BadNews(where, f"expected a non-negative amount with at most two decimals, got {value!r}")
        return int(minor)

    def money_value(self, amount: int) -> int | str:
        """Minor units → the channel's format (for sync back)."""
        return amount if self.money is MoneyFormat.MINOR else f"{amount // 100}.{amount % 100:02d}"


@dataclass(frozen=True)
class PriceList:
    """What the channel pays us per unit: an explicit price per local SKU, else the base price ×
    `markup_bp` / 10000 (basis points; 10000 = the base price), rounded half up to the minor unit."""

    markup_bp: int = 10000
    explicit: dict[str, int] = field(default_factory=dict)

    def unit_price(self, sku: str, base_price: int) -> int:
        if sku in self.explicit:
            return self.explicit[sku]
        return (base_price * self.markup_bp + 5000) // 10000


@dataclass(frozen=True)
class Controls:
    """The channel's credit: `credit_limit_amount` over [valid_from, valid_until) (None: no
    limit / no bound), and at most `member_limit_amount` per channel member (None: no limit).
    Amounts are price-list amounts in minor units."""

    credit_limit_amount: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    member_limit_amount: int | None = None


@dataclass(frozen=True)
class Channel:
    code: str
    kind: Kind
    secret: str
    currency: str
    vocabulary: Vocabulary = Vocabulary()
    price_list: PriceList = PriceList()
    controls: Controls = Controls()
    api_base_url: str | None = None
    """Where the channel serves its feed (pull) and takes our sync-back calls."""
    active: bool = True
