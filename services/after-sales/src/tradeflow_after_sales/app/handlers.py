"""The service's consumed messages as one table, each calling one use case in the message's own
transaction, one subscription per topic (`by_topic`): the order's facts and the participants'
replies on their events topics, and the service's own commands (after-sales.commands: a channel's
refund, `OpenChannelCase`). A domain error is permanent (dead-lettered at once, and a reply's case
parked in needs_attention); anything else is retried by the kit."""

from collections.abc import Callable

from tradeflow_after_sales.app import replies as r
from tradeflow_after_sales.app.catalog import record_catalog_sku
from tradeflow_after_sales.app.open_channel_case import open_channel_case
from tradeflow_after_sales.app.order_facts import record_order_changed
from tradeflow_after_sales.app.ports import CASE_ID_PREFIX, AfterSalesTransaction, Collaborators
from tradeflow_contracts import after_sales as a
from tradeflow_contracts import fulfillment, inventory
from tradeflow_contracts import order_facts as facts
from tradeflow_contracts.channels import OpenChannelCase
from tradeflow_contracts.registry import Contract
from tradeflow_kit.messaging.handlers import UseCase, by_topic, use_case_handlers
from tradeflow_kit.messaging.processor import Handler, MessageContext

USE_CASES: dict[type[Contract], UseCase] = {
    facts.OrderChanged: record_order_changed,
    facts.CatalogSkuChanged: record_catalog_sku,
    a.LinesCancelled: r.record_lines_cancelled,
    a.LinesRefunded: r.record_lines_refunded,
    a.LinesRefundFailed: r.record_lines_refund_failed,
    a.ReturnReceived: r.record_return_received,
    a.ReturnInspected: r.record_return_inspected,
    inventory.StockReserved: r.record_stock_reserved,
    inventory.StockReservationRejected: r.record_stock_rejected,
    fulfillment.ShipmentPlanned: r.record_replacement_planned,
    fulfillment.ShipmentStatusChanged: r.record_replacement_moved,
    fulfillment.EntitlementRevoked: r.record_entitlement_revoked,
    a.EntitlementNotRevoked: r.record_entitlement_not_revoked,
    OpenChannelCase: open_channel_case,
}


def _a_case_reservation(m: inventory.StockReserved | inventory.StockReservationRejected) -> bool:
    return m.sub_order_id.startswith(f"{CASE_ID_PREFIX}_")


def _about_a_case(m: fulfillment.ShipmentPlanned | fulfillment.ShipmentStatusChanged
                  | fulfillment.EntitlementRevoked) -> bool:
    return m.case_id is not None


ACCEPTS = {inventory.StockReserved: _a_case_reservation, inventory.StockReservationRejected: _a_case_reservation,
           fulfillment.ShipmentPlanned: _about_a_case, fulfillment.ShipmentStatusChanged: _about_a_case,
           fulfillment.EntitlementRevoked: _about_a_case}
"""Every order's stock replies, shipments and revocations travel on the topics the cases' own do:
only a case's are taken in (the others never open a transaction here)."""


def message_handlers(transaction_for: Callable[[MessageContext], AfterSalesTransaction],
                     c: Collaborators) -> dict[str, dict[type[Contract], Handler]]:
    """Handlers by topic, for `runtime.consume`; every reply the saga awaits has one."""
    c.saga.check_handles(USE_CASES)
    return by_topic(use_case_handlers(USE_CASES, transaction_for, c, accepts=ACCEPTS))


def case_id_of(payload: dict) -> str | None:
    """The case a consumed message is about (for parking it when the message is dead-lettered)."""
    return payload.get("case_id") or None
