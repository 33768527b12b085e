"""The order after payment (DOMAIN §1 States, §4): what it knows of its shipments and
entitlements, and what its status makes of them — `partially_shipped`, `shipped`, `completed` on
the buyer's confirmation (or by itself after the auto-confirm period), or at once for virtual goods
when every entitlement is granted. A part of the `Order` aggregate, kept apart from its saga steps.
"""

from datetime import datetime

from tradeflow_order.domain.errors import IllegalTransition
from tradeflow_order.domain.states import OrderStatus
from tradeflow_order.domain.tracking import OrderShipment, ShippedLine, TrackingEvent, shipped_units

S = OrderStatus


class FollowsDelivery:
    """Mixed into `Order`: uses its sub-orders, shipments, status, auto-confirm time and
    `_transition` (the one way its status changes)."""

    def shipment_planned(self, shipment_id: str, warehouse: str, carrier: str, status: str,
                         lines: list[ShippedLine], now: datetime) -> None:
        """Fulfillment put (some of) the order's lines in a shipment; a repeat changes nothing."""
        if any(s.id == shipment_id for s in self.shipments):
            return
        self.shipments.append(OrderShipment(shipment_id, warehouse, carrier, status, tuple(lines),
                                            events=[TrackingEvent(now, status, "planned")]))

    def shipment_changed(self, shipment_id: str, status: str, event: str, at: datetime, now: datetime,
                         waybill: str | None = None, dispatch_number: str | None = None) -> None:
        """A shipment moved (dispatched, shipped, signed, …): tracked, and the order's status
        follows what its parcels did."""
        shipment = next((s for s in self.shipments if s.id == shipment_id), None)
        if shipment is None:
            raise IllegalTransition(f"order {self.id} has no shipment {shipment_id}")
        if any(e.at == at and e.status == status and e.event == event for e in shipment.events):
            return  # a repeat
        shipment.status, shipment.events = status, [*shipment.events, TrackingEvent(at, status, event)]
        shipment.waybill = waybill or shipment.waybill
        shipment.dispatch_number = dispatch_number or shipment.dispatch_number
        self._follow_fulfillment(now)

    def entitlement_granted(self, line_id: str, entitlement_id: str, now: datetime) -> None:
        line = next((ln for sub in self.sub_orders for ln in sub.lines if ln.id == line_id), None)
        if line is None:
            raise IllegalTransition(f"order {self.id} has no line {line_id}")
        if line.entitlement_id is None:
            line.entitlement_id = entitlement_id
            self._follow_fulfillment(now)

    def confirm_receipt(self, actor: str, now: datetime) -> None:
        """The buyer has everything: every parcel signed for (and every entitlement granted)."""
        if self._status is not S.SHIPPED:
            raise IllegalTransition(f"cannot confirm receipt of an order that is {self._status}")
        if reason := self._not_received():
            raise IllegalTransition(reason)
        self._transition("confirm_receipt", actor, now)
        self._auto_confirm_at = None
        for sub in self.sub_orders:
            sub.status = S.COMPLETED

    def arm_auto_confirm(self, at: datetime) -> None:
        """Once everything is received, receipt is confirmed for the buyer at `at` unless they
        confirm first (DOMAIN §1: completed); armed once."""
        if self._status is S.SHIPPED and self._auto_confirm_at is None and not self._not_received():
            self._auto_confirm_at = at

    def _not_received(self) -> str | None:
        signed = shipped_units(self.shipments, signed_only=True)
        if any(signed.get(ln.id, 0) < ln.quantity for ln in self._physical_lines()):
            return "not every parcel of the order is signed for yet"
        if any(ln.kind == "virtual" and not ln.entitlement_id for sub in self.sub_orders for ln in sub.lines):
            return "not every entitlement of the order is granted yet"
        return None

    def _physical_lines(self) -> list:
        return [ln for sub in self.sub_orders for ln in sub.lines if ln.kind == "physical"]

    def _follow_fulfillment(self, now: datetime) -> None:
        if self._status not in (S.AWAITING_SHIPMENT, S.PARTIALLY_SHIPPED):
            return
        shipped = shipped_units(self.shipments)
        for sub in self.sub_orders:
            sub.status = _fulfilment_status(sub.lines, shipped, sub.status)
        physical = self._physical_lines()
        granted = all(ln.entitlement_id for sub in self.sub_orders for ln in sub.lines if ln.kind == "virtual")
        if not physical:
            if granted:
                self._transition("complete", "fulfillment", now, "every entitlement granted")
                for sub in self.sub_orders:
                    sub.status = S.COMPLETED
        elif all(shipped.get(ln.id, 0) >= ln.quantity for ln in physical):
            self._transition("ship", "fulfillment", now)
        elif self._status is S.AWAITING_SHIPMENT and any(shipped.get(ln.id, 0) for ln in physical):
            self._transition("ship_part", "fulfillment", now)


def _fulfilment_status(lines: list, shipped: dict[str, int], status: OrderStatus) -> OrderStatus:
    """A sub-order's own status by its physical lines' units that left their warehouses."""
    physical = [ln for ln in lines if ln.kind == "physical"]
    if not physical or status not in (S.AWAITING_SHIPMENT, S.PARTIALLY_SHIPPED):
        return status
    if all(shipped.get(ln.id, 0) >= ln.quantity for ln in physical):
        return S.SHIPPED
    return S.PARTIALLY_SHIPPED if any(shipped.get(ln.id, 0) for ln in physical) else status
