"""Domain errors of the inventory service; the edges map them to HTTP problems or dead letters."""


class InventoryError(Exception):
    """A business rule refused the request."""

    slug = "inventory-rule-violated"


class InvalidQuantity(InventoryError):
    slug = "invalid-quantity"


class StockBelowReserved(InventoryError):
    """On-hand stock may never drop below what is already promised to orders."""

    slug = "stock-below-reserved"


class IncomingBelowReserved(InventoryError):
    """Incoming stock may never drop below what pre-sale orders already reserved of it."""

    slug = "incoming-below-reserved"


class InsufficientStock(InventoryError):
    slug = "insufficient-stock"


class IllegalTransition(InventoryError):
    slug = "illegal-transition"


class UnknownWarehouse(InventoryError):
    slug = "warehouse-not-found"


class InvalidReservationRequest(InventoryError):
    slug = "invalid-reservation-request"


class InvalidShipment(InventoryError):
    """A shipment or return that cannot be read as units of distinct reservation lines."""

    slug = "invalid-shipment"


class ReservationNotFound(InventoryError):
    """Units shipped (or named to release) that no reservation holds: no such (order, sub-order,
    line, warehouse), or one of another SKU."""

    slug = "reservation-not-found"


class DeductionBeyondReservation(InventoryError):
    """A shipment carries more units than its reservation has left to ship (or the reservation
    is released or fulfilled)."""

    slug = "deduction-beyond-reservation"


class ReleaseBeyondReservation(InventoryError):
    """A release names more units than the reservation still holds (on hand or incoming), or
    units of a reservation that is released or fulfilled."""

    slug = "release-beyond-reservation"


class UnitsStillIncoming(InventoryError):
    """A pre-sale's units that have not arrived cannot ship."""

    slug = "units-still-incoming"


class ShipmentNotDeducted(InventoryError):
    """A return of a shipment whose deduction inventory never booked."""

    slug = "shipment-not-deducted"


class RestockBeyondShipment(InventoryError):
    """A return brings back more units of a line than its shipment carried (less those already back)."""

    slug = "restock-beyond-shipment"


class ConflictingRepeat(InventoryError):
    """A shipment (or return) booked before comes again with other units."""

    slug = "conflicting-repeat"
