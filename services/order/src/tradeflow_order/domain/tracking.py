"""What the order knows of its shipments and entitlements (fulfillment's, told by its events), and
what the order's status makes of them (DOMAIN §1 States, §4): `partially_shipped` while some of
its physical units have left their warehouses and others not, `shipped` when all have,
`completed` when every parcel is signed for and the buyer confirms receipt — or, for virtual goods
only, as soon as every entitlement is granted.
"""

from dataclasses import dataclass, field
from datetime import datetime

SHIPPED_STATUSES = frozenset({"shipped", "in_transit", "out_for_delivery", "signed"})  # left the warehouse
SIGNED = "signed"


@dataclass(frozen=True)
class ShippedLine:
    line_id: str
    quantity: int


@dataclass(frozen=True)
class TrackingEvent:
    at: datetime
    status: str
    event: str


@dataclass
class OrderShipment:
    """A shipment holding (some of) the order's lines; a merged one holds other orders' too, and
    this is the order's part of it."""

    id: str
    warehouse: str
    carrier: str
    status: str
    lines: tuple[ShippedLine, ...]
    waybill: str | None = None
    dispatch_number: str | None = None
    events: list[TrackingEvent] = field(default_factory=list)

    @property
    def left_warehouse(self) -> bool:
        return self.status in SHIPPED_STATUSES

    def units(self) -> dict[str, int]:
        return {line.line_id: line.quantity for line in self.lines}


def shipped_units(shipments: list[OrderShipment], *, signed_only: bool = False) -> dict[str, int]:
    """Units of each line in shipments that left their warehouse (or were signed for)."""
    units: dict[str, int] = {}
    for shipment in shipments:
        if shipment.status == SIGNED if signed_only else shipment.left_warehouse:
            for line_id, quantity in shipment.units().items():
                units[line_id] = units.get(line_id, 0) + quantity
    return units
