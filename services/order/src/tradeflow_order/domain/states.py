"""The order's states (DOMAIN §1 States), as enums: never bare strings."""

from enum import StrEnum


class OrderStatus(StrEnum):
    """What the buyer sees; moves only along `order.TRANSITIONS`."""

    PENDING_PAYMENT = "pending_payment"
    AWAITING_SHIPMENT = "awaiting_shipment"
    PARTIALLY_SHIPPED = "partially_shipped"  # some physical units left their warehouses, not all
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    CLOSED = "closed"


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class Reservation(StrEnum):
    """A sub-order's stock: pending → reserved | rejected; reserved (or pending) → released."""

    PENDING = "pending"
    RESERVED = "reserved"
    REJECTED = "rejected"
    RELEASED = "released"


class OrderStep(StrEnum):
    """Where the order saga stands; its moves are declared in `app/order_saga.py` and enforced
    by the kit when the saga is saved."""

    RESERVING = "reserving"
    HELD = "held"
    AWAITING_PAYMENT = "awaiting_payment"
    CLOSING_PAYMENT = "closing_payment"
    HANDED_OVER = "handed_over"
    CANCELLING = "cancelling"  # paid: fulfillment decides what of it can still be stopped
    CANCELLED = "cancelled"


class CancellationState(StrEnum):
    """A paid order's cancellation: asked (requested), then as fulfillment decided it."""

    REQUESTED = "requested"
    CANCELLED = "cancelled"  # every unit stopped: the order is cancelled
    PARTIALLY_CANCELLED = "partially_cancelled"  # some units stopped, the others go on
    REFUSED = "refused"  # nothing could be stopped any more
