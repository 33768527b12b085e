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
