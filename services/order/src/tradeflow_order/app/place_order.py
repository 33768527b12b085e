"""Place an order: priced to the cent, split per merchant, its coupons and points held, and its
saga started.

A buyer's checkout is priced by the server (`quote_order.quote`): what the buyer was shown must
be what it costs, or nothing is placed (PriceChanged). Staff may place explicit prices (`Cart`);
a channel's order comes as a message (`place_channel_order.py`) and starts the same way. The
buyer's placements are serialized by a transaction-level lock taken first, so concurrent requests
of one buyer count each other's held units, coupons and points.

The buyer's cap: the stock units of one SKU a buyer holds in unpaid orders (pending payment, not
cancelled) plus those asked may not exceed `max_unpaid_units_per_sku`, so one buyer cannot hold a
product's whole stock until the payment deadline. An order of virtual goods only has no stock to
reserve and goes straight to the risk check.
"""

from datetime import datetime

from tradeflow_kit.sagas.instance import begin, move
from tradeflow_order.app.advance import after_reservation
from tradeflow_order.app.announcements import publish_events
from tradeflow_order.app.ports import Collaborators, OrderTransaction
from tradeflow_order.app.quote_order import quote
from tradeflow_order.domain.catalog import PointsEntry, PointsEntryKind
from tradeflow_order.domain.errors import UnpaidUnitsLimit
from tradeflow_order.domain.order import Order
from tradeflow_order.domain.placement import Cart, assemble, place
from tradeflow_order.domain.quoting import Checkout, check_expectations


async def place_order(tx: OrderTransaction, c: Collaborators, request: Cart | Checkout, actor: str) -> Order:
    now = c.clock.now()
    await tx.orders.lock_buyer(request.buyer.buyer_id if isinstance(request, Checkout) else request.buyer_id)
    if isinstance(request, Checkout):
        priced = await quote(tx, c, request, lock=True)
        check_expectations(request, priced)
        order = assemble(request.buyer, priced.lines, priced.terms, c.ids.new_id, actor, now)
    else:
        order = place(request, c.ids.new_id, actor, now)
    await _within_unpaid_cap(tx, c, order)
    await _hold_benefits(tx, order, actor, now)
    await start_order(tx, c, order, actor, now)
    return order


async def start_order(tx: OrderTransaction, c: Collaborators, order: Order, actor: str, now: datetime) -> None:
    """Store the new order and start its saga: its stock asked for, or (virtual goods only, nothing
    to reserve) straight on to the risk check and payment; what it recorded published."""
    saga = begin(c.saga, order.id, now, cause=f"placed by {actor}")
    await tx.orders.add(order)
    await after_reservation(tx, c, order, now)
    if move(c.saga, saga, order.step, "nothing to reserve", now):
        await tx.orders.save(order)
    await tx.sagas.add(saga)
    await publish_events(tx, order)


async def _hold_benefits(tx: OrderTransaction, order: Order, actor: str, now: datetime) -> None:
    """The coupons and points the order spends are held by it until it is cancelled or refunded."""
    if order.terms.coupons:
        await tx.catalog.hold_coupons(order.id, order.buyer_id, [cp.code for cp in order.terms.coupons], now)
    if order.terms.points_amount:
        await tx.catalog.add_points(PointsEntry(order.buyer_id, -order.terms.points_amount, PointsEntryKind.SPENT,
                                                now, order.id, "spent on the order", actor))


async def _within_unpaid_cap(tx: OrderTransaction, c: Collaborators, order: Order) -> None:
    asked: dict[str, int] = {}
    for line in (ln for sub in order.sub_orders for ln in sub.lines):
        if line.kind == "physical":
            asked[line.sku] = asked.get(line.sku, 0) + line.quantity
    if not asked:
        return
    held = await tx.orders.unpaid_units(order.buyer_id, set(asked))
    for sku, units in sorted(asked.items()):
        if held.get(sku, 0) + units > c.max_unpaid_units_per_sku:
            raise UnpaidUnitsLimit(sku, held.get(sku, 0), units, c.max_unpaid_units_per_sku)
