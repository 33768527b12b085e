"""The messages fulfillment consumes, as a plain table: each calls one use case in the message's
own transaction. A domain error (an order that can never be planned) is permanent: the kit
dead-letters it at once with its reason; anything else is retried."""

from collections.abc import Callable

from tradeflow_contracts import after_sales, fulfillment, inventory, orders
from tradeflow_contracts.registry import Contract
from tradeflow_fulfillment.app.cancel_return import cancel_expected_return
from tradeflow_fulfillment.app.change_receiver import change_receiver
from tradeflow_fulfillment.app.expect_return import expect_return
from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_fulfillment.app.ports import Collaborators, FulfillmentTransaction
from tradeflow_fulfillment.app.record_stock_arrival import record_stock_arrival
from tradeflow_fulfillment.app.revoke_entitlement import revoke_for_case
from tradeflow_fulfillment.app.ship_replacement import ship_replacement
from tradeflow_fulfillment.app.stop_fulfillment import stop_fulfillment
from tradeflow_kit.messaging.handlers import UseCase, by_topic, use_case_handlers
from tradeflow_kit.messaging.processor import Handler, MessageContext

USE_CASES: dict[type[Contract], UseCase] = {
    orders.OrderPaid: plan_fulfillment,
    fulfillment.StopFulfillment: stop_fulfillment,
    fulfillment.ChangeReceiver: change_receiver,
    inventory.PreSaleStockArrived: record_stock_arrival,
    after_sales.ExpectReturn: expect_return,
    after_sales.CancelExpectedReturn: cancel_expected_return,
    after_sales.ShipReplacement: ship_replacement,
    after_sales.RevokeEntitlement: revoke_for_case,
}


def message_handlers(transaction_for: Callable[[MessageContext], FulfillmentTransaction],
                     c: Collaborators) -> dict[str, dict[type[Contract], Handler]]:
    """Handlers by topic, for `runtime.consume` (order.paid on the order events topic, the
    order's stops and receiver changes and the after-sales cases' ExpectReturn, CancelExpectedReturn,
    ShipReplacement and RevokeEntitlement on fulfillment's commands topic, a pre-sale's goods arrived on
    inventory's events topic)."""
    return by_topic(use_case_handlers(USE_CASES, transaction_for, c))
