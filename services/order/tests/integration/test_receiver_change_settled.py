"""A channel's address change answered by fulfillment (ReceiverChangeSettled on fulfillment.events,
through the kit's processor as the service consumes it, on the real database): a shipment changed →
GET /orders/{id} shows the new receiver, its history the change, and OrderChanged tells after-sales;
nothing changed (refused, or nothing to send) → the order keeps its receiver; a repeat changes
nothing more."""

from datetime import UTC, datetime

from tradeflow_contracts.fulfillment import ReceiverChangeSettled, ReceiverOutcome
from tradeflow_kit.messaging.processor import Outcome
from tradeflow_testing.access import bearer

BUYER = bearer("buyer-1", "buyer")
WEST = {"name": "Li Lei", "phone": "13800001111", "region": "west", "city": "Chengdu", "address": "9 Jinli St"}


def settled(order_id: str, *outcomes: tuple[str, bool, str], change_id: str = "chg-1") -> ReceiverChangeSettled:
    return ReceiverChangeSettled(
        change_id=change_id, order_id=order_id, receiver=WEST,
        changed=bool(outcomes) and all(c for _, c, _ in outcomes),
        outcomes=[ReceiverOutcome(shipment_id=s, changed=c, detail=d) for s, c, d in outcomes],
        settled_at=datetime(2026, 12, 6, 9, tzinfo=UTC))


async def test_a_shipment_changed_makes_the_new_receiver_the_orders(orders, consumer):
    order = await orders.paid("buyer-1", ("SKU-A", "m-1", 1, 100))
    facts_before = len(await orders.published("order.changed"))
    outcome = await consumer.take(settled(order["id"], ("sh-1", True, "changed"), ("sh-2", False, "on its way")))
    assert outcome is Outcome.PROCESSED
    seen = (await orders.http.get(f"/orders/{order['id']}", headers=BUYER)).json()
    assert (seen["receiver"], seen["status"]) == (WEST, "awaiting_shipment")
    assert (seen["history"][-1]["event"], seen["history"][-1]["actor"]) == ("receiver_changed", "fulfillment")
    facts = await orders.published("order.changed")
    assert len(facts) == facts_before + 1 and facts[-1][1]["receiver"] == WEST
    assert await consumer.take(settled(order["id"], ("sh-1", True, "changed"))) is Outcome.PROCESSED
    again = (await orders.http.get(f"/orders/{order['id']}", headers=BUYER)).json()
    assert len(again["history"]) == len(seen["history"]) and len(await orders.published("order.changed")) == len(facts)


async def test_nothing_changed_leaves_the_receiver_as_it_was(orders, consumer):
    order = await orders.paid("buyer-1", ("SKU-A", "m-1", 1, 100))
    await consumer.take(settled(order["id"], ("sh-1", False, "on its way")))
    await consumer.take(settled(order["id"], change_id="chg-2"))  # nothing to send
    seen = (await orders.http.get(f"/orders/{order['id']}", headers=BUYER)).json()
    assert seen["receiver"] == order["receiver"] != WEST
    assert "receiver_changed" not in [h["event"] for h in seen["history"]]
