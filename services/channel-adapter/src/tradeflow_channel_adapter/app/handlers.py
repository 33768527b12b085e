"""The service's consumed messages as one table, each calling one use case in the message's own
transaction. Of every order's facts, every case's moves and every receiver change fulfillment
settles, only the channel orders', the channel cases' and the channel's address changes' are taken
in (`ACCEPTS`, judged on the message alone)."""

from collections.abc import Callable

from tradeflow_channel_adapter.app import address_changes as addresses
from tradeflow_channel_adapter.app import answers as a
from tradeflow_channel_adapter.app.ports import ChannelAdapterTransaction, Collaborators
from tradeflow_contracts import channels as ch
from tradeflow_contracts.after_sales import CaseStatusChanged
from tradeflow_contracts.fulfillment import ReceiverChangeSettled
from tradeflow_contracts.order_facts import CatalogSkuChanged, OrderChanged
from tradeflow_contracts.registry import Contract
from tradeflow_kit.messaging.handlers import UseCase, by_topic, use_case_handlers
from tradeflow_kit.messaging.processor import Handler, MessageContext

USE_CASES: dict[type[Contract], UseCase] = {
    CatalogSkuChanged: a.record_catalog_sku,
    ch.ChannelOrderPlaced: a.record_placed,
    ch.ChannelOrderRefused: a.record_refused,
    ch.ChannelOrderNotCancelled: a.record_not_cancelled,
    OrderChanged: a.record_order_changed,
    CaseStatusChanged: a.record_case,
    ReceiverChangeSettled: addresses.record_receiver_settled,
}

ACCEPTS = {OrderChanged: a.a_channel_order, CaseStatusChanged: a.a_channel_case,
           ReceiverChangeSettled: addresses.a_channel_change}


def message_handlers(transaction_for: Callable[[MessageContext], ChannelAdapterTransaction],
                     c: Collaborators) -> dict[str, dict[type[Contract], Handler]]:
    return by_topic(use_case_handlers(USE_CASES, transaction_for, c, accepts=ACCEPTS))
