"""Value objects of fulfillment: whom a parcel goes to, what it holds, the limits it keeps."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus


@dataclass(frozen=True)
class Receiver:
    name: str
    phone: str
    region: str
    city: str
    address: str

    @property
    def key(self) -> str:
        """Who and where, normalized, so that the same receiver written twice compares equal:
        case and runs of whitespace do not count, nor anything but the digits of the phone."""
        def norm(text: str) -> str:
            return " ".join(text.casefold().split())
        return "|".join((norm(self.name), re.sub(r"\D", "", self.phone), norm(self.region), norm(self.city),
                         norm(self.address)))


@dataclass(frozen=True)
class ShipmentLine:
    """Units of one order line in one shipment, with the measures of one unit and the share of the
    line's paid amount these units carry (a line split over parcels shares it to the cent)."""

    line_id: str
    order_id: str
    sub_order_id: str
    merchant_id: str
    sku: str
    quantity: int
    paid_amount: int = 0
    weight_grams: int = 0  # per unit
    volume_cm3: int = 0  # per unit
    fragile: bool = False
    oversize: bool = False

    @property
    def total_weight_grams(self) -> int:
        return self.weight_grams * self.quantity

    @property
    def total_volume_cm3(self) -> int:
        return self.volume_cm3 * self.quantity

    def with_quantity(self, quantity: int) -> "ShipmentLine":
        return replace(self, quantity=quantity)


class Flag(StrEnum):
    FRAGILE = "fragile"
    OVERSIZE = "oversize"
    HIGH_VALUE = "high_value"  # above the threshold: reviewed before dispatch
    OVER_LIMIT = "over_limit"  # one unit heavier or bulkier than a parcel may be: ships alone
    PROMISED_GOING_ON = "promised_going_on"
    """The carrier stopped the parcel after its stop was given up: the order was told its units go
    on, yet they come back — staff settle it with the buyer (`Shipment.stopped_late`)."""


@dataclass(frozen=True)
class ParcelRules:
    """The carrier's limits per parcel and the value above which a shipment is reviewed first."""

    max_weight_grams: int = 20_000
    max_volume_cm3: int = 100_000
    high_value_amount: int = 2_000_000

    def fits(self, weight_grams: int, volume_cm3: int) -> bool:
        return weight_grams <= self.max_weight_grams and volume_cm3 <= self.max_volume_cm3

    def flags_for(self, lines: Iterable[ShipmentLine]) -> frozenset[Flag]:
        lines = list(lines)
        flags = {Flag.FRAGILE} if any(ln.fragile for ln in lines) else set()
        if any(ln.oversize for ln in lines):
            flags.add(Flag.OVERSIZE)
        if sum(ln.paid_amount for ln in lines) > self.high_value_amount:
            flags.add(Flag.HIGH_VALUE)
        if not self.fits(sum(ln.total_weight_grams for ln in lines), sum(ln.total_volume_cm3 for ln in lines)):
            flags.add(Flag.OVER_LIMIT)
        return frozenset(flags)


@dataclass(frozen=True)
class HistoryEntry:
    """One thing that happened to a shipment: the status after it, or — `applied` False — the
    status it kept (a late or duplicate report is recorded, not applied)."""

    at: datetime
    status: ShipmentStatus
    event: ShipmentEvent
    source: str
    applied: bool = True
    detail: str | None = None
