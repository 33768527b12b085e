"""A channel's receiver change (ChangeReceiver, issue 13) through the real broker (`bus`: order.paid
and the command consumed as the service consumes them) with the REAL warehouse and carrier
simulators: before dispatch the shipment changes at once (new receiver and carrier); dispatched,
the warehouse intercepts it first (its signed callback), then it goes again under a new dispatch
number with a new waybill; shipped, it is refused; a repeat change_id is answered the same; a
change that comes before order.paid waits for the plan, retries unspent."""

from datetime import UTC, datetime

import pytest

from tradeflow_contracts.fulfillment import COMMANDS, ChangeReceiver
from tradeflow_contracts.orders import EVENTS
from tradeflow_fulfillment.adapters.sqla_transaction import SqlaFulfillmentTransaction
from tradeflow_fulfillment.adapters.tables import inbox
from tradeflow_fulfillment.app.handlers import message_handlers
from tradeflow_fulfillment.app.intercept_shipments import intercept_due
from tradeflow_fulfillment.domain.errors import FulfillmentError
from tradeflow_testing.bus import Bus, consuming
from tradeflow_testing.polling import poll_until

from .conftest import goods, order_paid
from .simulated import POLICY, STAFF, ShiftedClock, Stack, simulated_stack  # noqa: F401 — the `stack` fixture

SETTLED = "fulfillment.receiver-change-settled"
WEST = {"name": "Li Lei", "phone": "13800001111", "region": "west", "city": "Chengdu", "address": "9 Jinli St"}


@pytest.fixture
async def bus(stack: Stack, infra, new_topic):
    """Fulfillment's handlers of order.events and fulfillment.commands consuming stand-ins on the real
    broker (`tradeflow_testing.bus`): the stack's running fulfillment never sees what a test sends."""
    stand_ins = {EVENTS: await new_topic(partitions=1), COMMANDS: await new_topic(partitions=1)}
    handlers = message_handlers(SqlaFulfillmentTransaction.for_message, stack.app.state.api.collaborators)
    async with consuming(stack.app.state.runtime, infra.kafka_bootstrap, handlers, stand_ins, inbox=inbox,
                         domain_errors=(FulfillmentError,), name="fulfillment") as consumers:
        yield consumers


def change(change_id: str = "chg-1") -> ChangeReceiver:
    return ChangeReceiver(change_id=change_id, order_id="o-1", receiver=WEST, reason="the buyer moved",
                          requested_by="channel:tmall", requested_at=datetime.now(UTC))


async def planned(stack: Stack, bus: Bus) -> str:
    """o-1 (one unit of a, from WH-1 to the east: SF) paid on the bus: its shipment's id."""
    await bus.send(order_paid("o-1", ("m-1", [goods("a")])), "o-1")
    [shipment] = await poll_until(lambda: _shipments(stack), lambda items: len(items) == 1, 30, "o-1 planned")
    assert shipment["carrier"] == "SF"
    return shipment["id"]


async def dispatched(stack: Stack, bus: Bus) -> dict:
    shipment_id = await planned(stack, bus)
    assert await stack.dispatch() == 1
    return await stack.wait_status(shipment_id, "dispatched")


async def settled(stack: Stack, count: int = 1) -> list[dict]:
    async def answers() -> list[dict]:
        return [payload for _, payload in await stack.messages(SETTLED)]
    return await poll_until(answers, lambda found: len(found) >= count, 30, f"{count} answer(s) to the change")


def outcomes(answer: dict) -> list[tuple]:
    return [(o["shipment_id"], o["changed"], o["detail"]) for o in answer["outcomes"]]


async def test_before_dispatch_it_changes_at_once_to_the_new_receiver_and_carrier(stack: Stack, bus: Bus):
    shipment_id = await planned(stack, bus)
    await bus.send(change(), "o-1")
    [answer] = await settled(stack)
    assert (answer["change_id"], answer["changed"]) == ("chg-1", True)
    assert outcomes(answer) == [(shipment_id, True, "changed")]
    shipment = await stack.shipment(shipment_id)
    assert (shipment["status"], shipment["carrier"], shipment["receiver"]["region"]) == ("ready", "YTO", "west")
    assert bus.letters == []


async def test_dispatched_it_is_intercepted_then_sent_again_with_a_new_waybill(stack: Stack, bus: Bus):
    before = await dispatched(stack, bus)
    await bus.send(change(), "o-1")
    await stack.wait_status(before["id"], "intercepting")
    transactions, logistics, _, _ = stack.app.state.dispatcher
    assert await intercept_due(transactions, logistics, ShiftedClock(), POLICY) == 1
    assert await stack.messages(SETTLED) == [], "nothing is settled before the warehouse answers"
    decided = await stack.wms.post(f"/sim/dispatches/{before['dispatch_number']}", json={"outcome": "intercept_ok"})
    assert decided.status_code < 300, decided.text
    [answer] = await settled(stack)
    assert (answer["changed"], outcomes(answer)) == (True, [(before["id"], True, "changed after interception")])
    assert (await stack.shipment(before["id"]))["status"] == "intercepted"
    assert await stack.dispatch() == 1
    after = await stack.wait_status(before["id"], "dispatched")
    assert (after["carrier"], after["receiver"]["city"]) == ("YTO", "Chengdu")
    assert after["dispatch_number"] != before["dispatch_number"] and after["waybill"] not in (None, before["waybill"])


async def test_shipped_it_is_refused_and_goes_on_as_it_was(stack: Stack, bus: Bus):
    shipment = await dispatched(stack, bus)
    await stack.wms.post(f"/sim/dispatches/{shipment['dispatch_number']}", json={"outcome": "ship"})
    await stack.wait_status(shipment["id"], "shipped")
    await bus.send(change(), "o-1")
    [answer] = await settled(stack)
    assert (answer["changed"], outcomes(answer)) == (False, [(shipment["id"], False, "on its way")])
    assert (await stack.shipment(shipment["id"]))["receiver"]["region"] == "east"


async def test_a_repeated_change_is_answered_again_the_same(stack: Stack, bus: Bus):
    shipment_id = await planned(stack, bus)
    await bus.send(change(), "o-1")
    await bus.send(change(), "o-1")  # the adapter asked again (its own new message)
    first, again = await settled(stack, 2)
    assert first == again and outcomes(first) == [(shipment_id, True, "changed")]
    history = [e["event"] for e in (await stack.shipment(shipment_id))["events"]]
    assert history.count("re_review") == 2, "re-reviewed once: requested, then applied"


async def test_a_change_before_the_order_is_planned_waits_for_the_plan(stack: Stack, bus: Bus):
    await bus.send(change(), "o-1")
    await poll_until(lambda: _value(bus.retried(ChangeReceiver)), lambda tries: tries >= 2, 30,
                     "the change tried before the plan")
    assert await stack.messages(SETTLED) == []
    shipment_id = await planned(stack, bus)
    [answer] = await settled(stack)
    assert (answer["changed"], outcomes(answer)) == (True, [(shipment_id, True, "changed")])
    assert (await stack.shipment(shipment_id))["carrier"] == "YTO"
    assert bus.letters == []


async def _shipments(stack: Stack) -> list[dict]:
    return (await stack.http.get("/fulfillment/shipments?order_id=o-1", headers=STAFF)).json()["items"]


async def _value(value):
    return value
