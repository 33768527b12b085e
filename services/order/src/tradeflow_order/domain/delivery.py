"""The order after payment (DOMAIN §1 States, §4): what it knows of its shipments and
entitlements, and what its status makes of them — `partially_shipped`, `shipped`, `completed` on
the buyer's confirmation (or by itself after the auto-confirm period), or at once for virtual goods
when every entitlement is granted. Cancelled units never ship: a line counts as shipped (signed
for, granted) when its units not cancelled are, and a fully cancelled line holds nothing back.
A part of the `Order` aggregate, kept apart from its saga steps.
"""

from datetime import datetime

from tradeflow_order.domain.errors import IllegalTransition
from tradeflow_order.domain.model import Receiver
from tradeflow_order.domain.states import OrderStatus
from tradeflow_order.domain.tracking import SIGNED, OrderShipment, ShippedLine, TrackingEvent, shipped_units

S = OrderStatus


class FollowsDelivery:
    """Mixed into `Order`: uses its sub-orders, shipments, status, auto-confirm time and
    `_transition` (the one way its status changes)."""

    def shipment_planned(self, shipment_id: str, warehouse: str, carrier: str, status: str,
                         lines: list[ShippedLine], now: datetime) -> None:
        """Fulfillment put (some of) the order's lines in a shipment. Told again, the shipment holds
        what it says now (a partial stop before dispatch shrinks it); a repeat changes nothing."""
        if (known := next((s for s in self.shipments if s.id == shipment_id), None)) is not None:
            known.lines = tuple(lines)
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

    def receiver_changed(self, receiver: Receiver, change_id: str, actor: str, now: datetime) -> None:
        """Fulfillment sends (some of) the order's goods to another receiver (a channel's address
        change, ReceiverChangeSettled with a shipment changed): the order's receiver is the new
        one, recorded in its history; the same receiver again changes nothing."""
        if receiver == self.receiver:
            return
        before, self.receiver = self.receiver, receiver
        self._record(now, self._status, "receiver_changed", actor,
                     f"change {change_id}: {before.region}/{before.city} → {receiver.region}/{receiver.city}")

    def entitlement_granted(self, line_id: str, entitlement_id: str, now: datetime) -> None:
        line = self.line(line_id)
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
        self._complete_sub_orders()

    def arm_auto_confirm(self, at: datetime) -> None:
        """Once everything is received, receipt is confirmed for the buyer at `at` unless they
        confirm first (DOMAIN §1: completed); armed once."""
        if self._status is S.SHIPPED and self._auto_confirm_at is None and not self._not_received():
            self._auto_confirm_at = at

    @property
    def signed_at(self) -> datetime | None:
        """When the last parcel was signed for; None while a physical unit going on is not (or
        the order has none)."""
        signed, physical = self._units_out(signed_only=True), self._physical_lines()
        if not physical or any(signed.get(ln.id, 0) < ln.remaining_quantity for ln in physical):
            return None
        return max((e.at for sh in self.shipments if sh.status == SIGNED for e in sh.events if e.status == SIGNED),
                   default=None)

    def _not_received(self) -> str | None:
        signed = self._units_out(signed_only=True)
        if any(signed.get(ln.id, 0) < ln.remaining_quantity for ln in self._physical_lines()):
            return "not every parcel of the order is signed for yet"
        if any(ln.kind == "virtual" and not ln.entitlement_id for ln in _going(self.lines)):
            return "not every entitlement of the order is granted yet"
        return None

    def _units_out(self, *, signed_only: bool = False) -> dict[str, int]:
        """Units of each line in parcels that left their warehouse (or were signed for), but for
        units stopped in them (intercepted by the carrier, on their way back)."""
        units = shipped_units(self.shipments, signed_only=signed_only)
        counted = {sh.id for sh in self.shipments if (sh.status == SIGNED if signed_only else sh.left_warehouse)}
        for line in self.lines:
            for stop in line.stops:
                if stop.shipment_id in counted:
                    units[line.id] = units.get(line.id, 0) - stop.quantity
        return units

    def _physical_lines(self) -> list:
        """Physical lines with units not cancelled."""
        return [ln for ln in _going(self.lines) if ln.kind == "physical"]

    def _complete_sub_orders(self) -> None:
        for sub in self.sub_orders:
            if sub.status is not S.CANCELLED:  # every unit of it was stopped
                sub.status = S.COMPLETED

    def _follow_fulfillment(self, now: datetime) -> None:
        if self._status not in (S.AWAITING_SHIPMENT, S.PARTIALLY_SHIPPED):
            return
        shipped = self._units_out()
        for sub in self.sub_orders:
            sub.status = _fulfilment_status(sub.lines, shipped, sub.status)
        physical = self._physical_lines()
        granted = all(ln.entitlement_id for ln in _going(self.lines) if ln.kind == "virtual")
        if not physical:
            if granted and self._can("complete"):
                self._transition("complete", "fulfillment", now, "every entitlement granted")
                self._complete_sub_orders()
        elif all(shipped.get(ln.id, 0) >= ln.remaining_quantity for ln in physical):
            self._transition("ship", "fulfillment", now)
        elif self._status is S.AWAITING_SHIPMENT and any(shipped.get(ln.id, 0) for ln in physical):
            self._transition("ship_part", "fulfillment", now)


def _going(lines: list) -> list:
    return [ln for ln in lines if ln.remaining_quantity]


def _fulfilment_status(lines: list, shipped: dict[str, int], status: OrderStatus) -> OrderStatus:
    """A sub-order's own status by its physical lines' units that left their warehouses."""
    physical = [ln for ln in _going(lines) if ln.kind == "physical"]
    if not physical or status not in (S.AWAITING_SHIPMENT, S.PARTIALLY_SHIPPED):
        return status
    if all(shipped.get(ln.id, 0) >= ln.remaining_quantity for ln in physical):
        return S.SHIPPED
    return S.PARTIALLY_SHIPPED if any(shipped.get(ln.id, 0) for ln in physical) else status
