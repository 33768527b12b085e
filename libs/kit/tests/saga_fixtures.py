"""A small saga for the kit's saga tests: reserve stock, await payment (with a deadline), then
paid — or cancel by releasing the stock (with a deadline too)."""

from datetime import UTC, datetime, timedelta

from tradeflow_contracts.registry import Contract
from tradeflow_kit.sagas.definition import SagaDefinition, SagaState, Step

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


class ReserveStock(Contract):
    TYPE, VERSION, TOPIC = "test.reserve-stock", 1, "test.stock"
    order_id: str


class StockReserved(Contract):
    TYPE, VERSION, TOPIC = "test.stock-reserved", 1, "test.stock"
    order_id: str


class PaymentCaptured(Contract):
    TYPE, VERSION, TOPIC = "test.payment-captured", 1, "test.payments"
    order_id: str


class ReleaseStock(Contract):
    TYPE, VERSION, TOPIC = "test.release-stock", 1, "test.stock"
    order_id: str


class StockReleased(Contract):
    TYPE, VERSION, TOPIC = "test.stock-released", 1, "test.stock"
    order_id: str


CHECKOUT = SagaDefinition("checkout", (
    Step("reserving", sends=(ReserveStock,), awaits=(StockReserved,), next=("awaiting_payment", "cancelling"),
         compensation=(ReleaseStock,), doc="stock is held for the order"),
    Step("awaiting_payment", awaits=(PaymentCaptured,), next=("paid", "cancelling"),
         deadline=timedelta(minutes=15), doc="the buyer has 15 minutes to pay"),
    Step("cancelling", sends=(ReleaseStock,), awaits=(StockReleased,), next=("cancelled",),
         deadline=timedelta(minutes=1)),
    Step("paid", ends=SagaState.COMPLETED, next=("cancelling",)),
    Step("cancelled", ends=SagaState.COMPENSATED),
))
