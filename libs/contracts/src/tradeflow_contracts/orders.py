"""Order contracts: what the order service tells the rest of the platform."""

from pydantic import BaseModel, Field

from tradeflow_contracts.registry import Contract, contract
from tradeflow_contracts.topics import events_topic

EVENTS = events_topic("order")


class Receiver(BaseModel):
    name: str
    phone: str
    region: str
    city: str
    address: str


class WarehouseQuantity(BaseModel):
    code: str
    quantity: int
    incoming: bool = False
    """True while the units are a pre-sale's, reserved against incoming stock (not on hand yet):
    inventory tells when they arrive (PreSaleStockArrived); until then they cannot ship."""


class PaidLine(BaseModel):
    line_id: str
    sku: str
    quantity: int
    kind: str  # physical | virtual
    fragile: bool = False
    paid_amount: int
    title: str | None = None
    weight_grams: int = 0  # per unit
    volume_cm3: int = 0  # per unit
    oversize: bool = False
    warehouse: str | None = None  # the one warehouse holding the line (None when split: see warehouses)
    warehouses: list[WarehouseQuantity] = Field(default_factory=list)


class PaidSubOrder(BaseModel):
    sub_order_id: str
    merchant_id: str
    paid_amount: int
    lines: list[PaidLine]


@contract
class OrderPlaced(Contract):
    TYPE, VERSION, TOPIC = "order.placed", 1, EVENTS
    order_id: str
    buyer_id: str
    channel: str
    currency: str
    goods_amount: int
    shipping_amount: int
    discount_amount: int
    paid_amount: int
    sub_order_ids: list[str]


@contract
class OrderPaid(Contract):
    """Hand-over to fulfillment: the paid sub-orders, what to ship and to whom."""

    TYPE, VERSION, TOPIC = "order.paid", 1, EVENTS
    order_id: str
    buyer_id: str
    currency: str
    receiver: Receiver
    sub_orders: list[PaidSubOrder]


@contract
class OrderCancelled(Contract):
    TYPE, VERSION, TOPIC = "order.cancelled", 1, EVENTS
    order_id: str
    reason: str
    refund_amount: int = 0
