"""Drive the order saga in memory: place orders, deliver replies through the same handler table
the service consumes with, and fire deadlines with the kit's own scheduler."""

from datetime import timedelta

from tradeflow_contracts import fulfillment as ful
from tradeflow_contracts import inventory as inv
from tradeflow_contracts import payments as pay
from tradeflow_contracts.registry import Contract
from tradeflow_kit.sagas.instance import FailurePolicy
from tradeflow_kit.sagas.scheduler import fire_due_deadlines
from tradeflow_order.app.close_unpaid_order import deadline_actions
from tradeflow_order.app.handlers import USE_CASES
from tradeflow_order.app.place_order import place_order
from tradeflow_order.domain.model import Receiver, Terms
from tradeflow_order.domain.placement import STAFF_PRICED, Cart, CartLine

from .fakes import FakeDatabase, FakeTransactions, FixedClock, collaborators

RECEIVER = Receiver("Han Meimei", "13900000000", "east", "Hangzhou", "2 West Lake Rd")


class SagaWorld:
    def __init__(self, **settings) -> None:
        self.clock, self.db = FixedClock(), FakeDatabase()
        self.c = collaborators(self.clock, **settings)
        self.transactions = FakeTransactions(self.db)

    async def place(self, *lines: CartLine, buyer: str = "b1", terms: Terms = STAFF_PRICED):
        cart = Cart(buyer, "app", "CNY", RECEIVER,
                    list(lines) or [CartLine("SKU-A", "m1", 2, 1999), CartLine("SKU-B", "m2", 1, 5000)], 1000, [],
                    terms)
        async with self.transactions.begin() as tx:
            return await place_order(tx, self.c, cart, f"buyer:{buyer}")

    async def reply(self, message: Contract) -> None:
        async with self.transactions.begin() as tx:
            await USE_CASES[type(message)](tx, message, self.c)

    async def reserve_all(self, order) -> None:
        for sub in order.sub_orders:
            await self.reply(reserved(order.id, sub.id))

    async def fire_deadlines(self, policy: FailurePolicy = FailurePolicy()) -> int:
        return await fire_due_deadlines(self.transactions, self.c.saga, deadline_actions(self.c), self.clock.now,
                                        policy)

    def later(self, delta: timedelta) -> None:
        self.clock.at += delta

    def order(self, order_id: str):
        return self.db.orders[order_id]

    def saga(self, order_id: str):
        return self.db.sagas[order_id]

    def steps(self, order_id: str) -> list[str]:
        return [m.to_step for sid, m in self.db.moves if sid == order_id]


def reserved(order_id: str, sub_order_id: str) -> inv.StockReserved:
    return inv.StockReserved(order_id=order_id, sub_order_id=sub_order_id, reserved_at="2026-11-22T10:00:00Z",
                             allocations=[])


def rejected(order_id: str, sub_order_id: str) -> inv.StockReservationRejected:
    return inv.StockReservationRejected(order_id=order_id, sub_order_id=sub_order_id, reason="insufficient-stock",
                                        shortages=[inv.Shortage(sku="SKU-B", requested=1, available=0)])


def succeeded(order_id: str, amount: int) -> pay.PaymentSucceeded:
    return pay.PaymentSucceeded(order_id=order_id, payment_id="pay-1", amount=amount, currency="CNY",
                                psp_reference="psp-1", paid_at="2026-11-22T10:05:00Z")


def closed(order_id: str) -> pay.PaymentClosed:
    return pay.PaymentClosed(order_id=order_id, reason="payment deadline passed")


def refunded(order_id: str, refund_id: str, amount: int, paid: int) -> pay.PaymentRefunded:
    return pay.PaymentRefunded(order_id=order_id, refund_id=refund_id, amount=amount, refunded_total=amount,
                               paid_amount=paid)


def stopped_all(order) -> ful.FulfillmentStopped:
    """Fulfillment stopped every unit of the order (nothing was planned yet)."""
    return ful.FulfillmentStopped(
        order_id=order.id, reason="changed mind", going_on=[], decided_at="2026-11-22T10:10:00Z",
        stopped=[ful.StoppedUnits(line_id=ln.id, sub_order_id=s.id, quantity=ln.quantity)
                 for s in order.sub_orders for ln in s.lines])
