"""Place an order: split per merchant, priced to the cent, and start its saga.

The buyer's cap: the stock units of one SKU a buyer holds in unpaid orders (pending payment, not
cancelled) plus those asked may not exceed `max_unpaid_units_per_sku`, so one buyer cannot hold a
product's whole stock until the payment deadline. The buyer's placements are serialized by a
transaction-level lock, so concurrent requests cannot both slip under it. An order of virtual
goods only has no stock to reserve and goes straight to the risk check.
"""

from tradeflow_kit.sagas.instance import begin, move
from tradeflow_order.app.advance import after_reservation
from tradeflow_order.app.announcements import publish_events
from tradeflow_order.app.ports import Collaborators, OrderTransaction
from tradeflow_order.domain.errors import UnpaidUnitsLimit
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.placement import Cart, place


async def place_order(tx: OrderTransaction, c: Collaborators, cart: Cart, actor: str) -> Order:
    now = c.clock.now()
    order = place(cart, c.ids.new_id, actor, now)
    await _within_unpaid_cap(tx, c, cart)
    saga = begin(c.saga, order.id, now, cause=f"placed by {actor}")
    await tx.orders.add(order)
    await after_reservation(tx, c, order, now)
    if move(c.saga, saga, order.step, "nothing to reserve", now):
        await tx.orders.save(order)
    await tx.sagas.add(saga)
    await publish_events(tx, order)
    return order


async def _within_unpaid_cap(tx: OrderTransaction, c: Collaborators, cart: Cart) -> None:
    asked: dict[str, int] = {}
    for line in cart.lines:
        if line.kind == "physical":
            asked[line.sku] = asked.get(line.sku, 0) + line.quantity
    if not asked:
        return
    await tx.orders.lock_buyer(cart.buyer_id)
    held = await tx.orders.unpaid_units(cart.buyer_id, set(asked))
    for sku, units in sorted(asked.items()):
        if held.get(sku, 0) + units > c.max_unpaid_units_per_sku:
            raise UnpaidUnitsLimit(sku, held.get(sku, 0), units, c.max_unpaid_units_per_sku)
