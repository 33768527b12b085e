"""Domain events the fulfillment aggregates record; the app layer turns them into outbox messages
(`app/announcements.py`, the one explicit map)."""

from dataclasses import dataclass
from datetime import datetime

from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus


@dataclass(frozen=True)
class LinesPlanned:
    """The order's lines go in this shipment: a new one, or one it was merged into."""

    order_id: str


@dataclass(frozen=True)
class StatusChanged:
    from_status: ShipmentStatus
    to_status: ShipmentStatus
    event: ShipmentEvent
    at: datetime
    source: str


@dataclass(frozen=True)
class OrderLeft:
    """The order's lines left the shipment, which goes on without them (the order was cancelled)."""

    order_id: str
    status: ShipmentStatus


@dataclass(frozen=True)
class MergedAway:
    """Staff merged the shipment into `into`: the order's lines moved there, and this one — holding
    nothing now — is cancelled."""

    order_id: str
    status: ShipmentStatus
    into: str


@dataclass(frozen=True)
class LeftWarehouse:
    """The goods were first reported past `shipped` (reports may skip it): their stock is now
    out of the warehouse, once per shipment."""


@dataclass(frozen=True)
class CameBack:
    """A parcel stopped after shipping was received back at its warehouse: its units are on hand
    again, once per shipment."""


@dataclass(frozen=True)
class EntitlementWasGranted:
    pass


@dataclass(frozen=True)
class EntitlementWasRevoked:
    pass


ShipmentDomainEvent = (LinesPlanned | StatusChanged | OrderLeft | MergedAway | LeftWarehouse
                       | CameBack)
EntitlementDomainEvent = EntitlementWasGranted | EntitlementWasRevoked
