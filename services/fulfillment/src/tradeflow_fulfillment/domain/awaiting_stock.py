"""Pre-sale goods not in the warehouse yet (DOMAIN §3 预售, issue 11). Part of the Shipment
aggregate (`shipment.py`).

* A shipment holding units of a sub-order whose stock is still incoming is planned like any
  other (its parcel, carrier, review) but waits for those goods: it is **not due** — the
  dispatcher leaves it (`Dispatching.can_begin_dispatch`) — while it awaits any sub-order.
* Inventory tells when a sub-order's goods arrived (PreSaleStockArrived); the shipment then
  stops waiting for it. Once it awaits nothing it is due as its merge window says: at once when
  the window (counted from planning, never restarted) has passed, else when it ends.
* While it waits it neither joins another order's shipment nor takes one in (`merging.py`): it
  would hold the others back, or they would make it go before its goods.
Both facts are kept in its history (`await_stock`, `stock_arrived`); its status does not change.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from tradeflow_fulfillment.domain.errors import IllegalTransition
from tradeflow_fulfillment.domain.transitions import ShipmentEvent, ShipmentStatus

if TYPE_CHECKING:
    from tradeflow_fulfillment.domain.shipment import Shipment

S, E = ShipmentStatus, ShipmentEvent
BEFORE_DISPATCH = (S.PENDING_REVIEW, S.READY)
SOURCE = "fulfillment"


class AwaitingStock:
    @property
    def awaiting_stock(self: "Shipment") -> tuple[str, ...]:
        """The sub-orders whose goods it waits for (empty: none)."""
        return tuple(self._awaiting)

    def await_stock(self: "Shipment", sub_order_ids: Iterable[str], at: datetime) -> None:
        """Planned while these sub-orders' goods are still incoming: wait for them."""
        new = [s for s in dict.fromkeys(sub_order_ids) if s not in self._awaiting]
        if not new:
            return
        if self._status not in BEFORE_DISPATCH:
            raise IllegalTransition(f"shipment {self.id} is {self._status}: it can no longer wait for stock")
        self._awaiting.extend(new)
        self._record(at, E.AWAIT_STOCK, SOURCE, detail=", ".join(new))

    def stock_arrived(self: "Shipment", sub_order_id: str, at: datetime, source: str = "inventory") -> None:
        """The sub-order's goods arrived: no longer waited for."""
        if sub_order_id not in self._awaiting:
            raise IllegalTransition(f"shipment {self.id} does not wait for the goods of sub-order {sub_order_id}")
        self._awaiting.remove(sub_order_id)
        self._record(at, E.STOCK_ARRIVED, source, detail=sub_order_id)
