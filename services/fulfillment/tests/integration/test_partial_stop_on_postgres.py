"""Partial stops on PostgreSQL (issue 12): a StopFulfillment naming fewer units than the order's
line has shrinks its shipment not dispatched yet, the stop's pieces read back and count
cumulatively, a repeat stops nothing more, and the line's whole quantity then cancels the rest."""

from tradeflow_contracts.fulfillment import OrderLineRef, StopFulfillment
from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_fulfillment.app.stop_fulfillment import stop_fulfillment

from .conftest import goods, order_paid, published

STOPPED = "fulfillment.fulfillment-stopped"


async def _stop(transactions, collaborators, units: int) -> None:
    message = StopFulfillment(order_id="o-1", reason="after-sales case c-1", requested_by="after-sales",
                              requested_at=collaborators.clock.now(),
                              lines=[OrderLineRef(line_id="a", sub_order_id="o-1-m-1", sku="SKU-a", quantity=units,
                                                  kind="physical")])
    async with transactions.begin() as tx:
        await stop_fulfillment(tx, message, collaborators)


async def _shipment(transactions) -> tuple[str, list[int]]:
    async with transactions.read() as tx:
        [s] = await tx.shipments.find(order_id="o-1")
    return s.status.value, [ln.quantity for ln in s.lines]


async def _stopped_units(sessions) -> list[int]:
    """Each answer's stopped units in all."""
    return [sum(u["quantity"] for u in p["stopped"]) for _, _, kind, p in await published(sessions) if kind == STOPPED]


async def test_a_partial_stop_shrinks_the_shipment_and_counts_cumulatively_across_requests(
        transactions, collaborators, sessions):
    async with transactions.begin() as tx:
        await plan_fulfillment(tx, order_paid("o-1", ("m-1", [goods("a", 3)])), collaborators)
    await _stop(transactions, collaborators, 1)
    assert await _shipment(transactions) == ("ready", [2])
    await _stop(transactions, collaborators, 2)
    await _stop(transactions, collaborators, 2)  # a repeat: nothing more
    assert await _shipment(transactions) == ("ready", [1])
    async with transactions.read() as tx:
        stop = await tx.stops.get("o-1")
    assert [(o.units.piece, o.units.quantity) for o in stop.outcomes] == [
        (f"{stop.outcomes[0].units.shipment_id}#cut-1", 1), (f"{stop.outcomes[0].units.shipment_id}#cut-2", 1)]
    await _stop(transactions, collaborators, 3)
    assert await _shipment(transactions) == ("cancelled", [1])
    assert await _stopped_units(sessions) == [1, 2, 2, 3]
