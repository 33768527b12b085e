"""The order saga's replies (inventory, payment and fulfillment events), the after-sales
service's commands and case moves, and the channels' orders (channel.events) and cancellations:
a table, each calling one use case in the message's own transaction. A domain error is permanent
(dead-lettered at once, and the order's saga parked as needs_attention); anything else is retried
by the kit. A channel's order that cannot be placed is answered, not an error."""

from collections.abc import Callable

from tradeflow_contracts import after_sales, channels, fulfillment, inventory, payments
from tradeflow_contracts.registry import Contract
from tradeflow_kit.messaging.handlers import UseCase, by_topic, use_case_handlers
from tradeflow_kit.messaging.processor import Handler, MessageContext
from tradeflow_order.app import record_fulfillment as shipping
from tradeflow_order.app import record_payment_reply as pay
from tradeflow_order.app import record_stock_reply as stock
from tradeflow_order.app import serve_after_sales as cases
from tradeflow_order.app.cancel_channel_order import record_cancel_channel_order
from tradeflow_order.app.place_channel_order import record_channel_order_received
from tradeflow_order.app.ports import Collaborators, OrderTransaction

USE_CASES: dict[type[Contract], UseCase] = {
    inventory.StockReserved: stock.record_stock_reserved,
    inventory.StockReservationRejected: stock.record_stock_rejected,
    inventory.PreSaleStockArrived: stock.record_pre_sale_stock_arrived,
    payments.PaymentSucceeded: pay.record_payment_succeeded,
    payments.PaymentFailed: pay.record_payment_failed,
    payments.PaymentClosed: pay.record_payment_closed,
    payments.PaymentRefunded: pay.record_refunded,
    payments.RefundFailed: pay.record_refund_failed,
    fulfillment.ShipmentPlanned: shipping.record_shipment_planned,
    fulfillment.ShipmentStatusChanged: shipping.record_shipment_changed,
    fulfillment.EntitlementGranted: shipping.record_entitlement_granted,
    fulfillment.FulfillmentStopped: shipping.record_fulfillment_stopped,
    fulfillment.ReceiverChangeSettled: shipping.record_receiver_changed,
    after_sales.CancelLines: cases.record_cancel_lines,
    after_sales.RefundLines: cases.record_refund_lines,
    after_sales.CaseStatusChanged: cases.record_case_status_changed,
    channels.ChannelOrderReceived: record_channel_order_received,
    channels.CancelChannelOrder: record_cancel_channel_order,
}


def _the_orders_own(m: fulfillment.ShipmentPlanned | fulfillment.ShipmentStatusChanged) -> bool:
    return m.case_id is None


ACCEPTS = {fulfillment.ShipmentPlanned: _the_orders_own, fulfillment.ShipmentStatusChanged: _the_orders_own}
"""An after-sales case's replacement shipment (`case_id`) is not the order's goods: the case follows it."""


def reply_handlers(transaction_for: Callable[[MessageContext], OrderTransaction],
                   c: Collaborators) -> dict[str, dict[type[Contract], Handler]]:
    """Handlers by topic, for `runtime.consume`; every reply the saga awaits has one."""
    c.saga.check_handles(USE_CASES)
    return by_topic(use_case_handlers(USE_CASES, transaction_for, c, accepts=ACCEPTS))
