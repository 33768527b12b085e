"""The fulfillment contracts are registered, travel on fulfillment.events (created at stack
start with the other business topics) and read back what they wrote."""

from datetime import UTC, datetime

import pytest

from tradeflow_contracts import fulfillment
from tradeflow_contracts.envelope import new_envelope
from tradeflow_contracts.registry import payload_of, registry
from tradeflow_contracts.topics import all_topics

AT = datetime(2026, 12, 1, tzinfo=UTC)
MESSAGES = [
    fulfillment.ShipmentPlanned(shipment_id="s", order_id="o", order_ids=["o"], sub_order_ids=["so"], warehouse="W",
                                carrier="SF", status="ready", lines=[{"line_id": "l", "order_id": "o",
                                                                      "sub_order_id": "so", "sku": "A",
                                                                      "quantity": 1}],
                                planned_at=AT, dispatch_after=AT),
    fulfillment.ShipmentStatusChanged(shipment_id="s", order_id="o", order_ids=["o"], sub_order_ids=["so"],
                                      from_status="ready", to_status="pending_review", event="hold",
                                      source="fulfillment", at=AT, warehouse="W", carrier="SF"),
    fulfillment.EntitlementGranted(entitlement_id="e", account="b", sku="C", quantity=1, order_id="o",
                                   sub_order_id="so", line_id="l", granted_at=AT),
    fulfillment.EntitlementRevoked(entitlement_id="e", account="b", sku="C", order_id="o", line_id="l",
                                   reason="refunded", revoked_at=AT),
]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m.TYPE)
def test_each_contract_is_registered_on_the_fulfillment_events_topic_and_round_trips(message):
    assert message.TOPIC == "fulfillment.events" and message.TOPIC in all_topics()
    envelope = new_envelope(message.TYPE, message.VERSION, payload_of(message), producer="fulfillment",
                            correlation_id="o")
    assert registry.parse(envelope) == message
