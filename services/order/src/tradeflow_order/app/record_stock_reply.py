"""Inventory's answers to ReserveStock, each one step of the order saga.

A sub-order's lines may be split over several warehouses (no single one could fill it); each
line keeps where its units are (a pre-sale's `incoming` until PreSaleStockArrived). A
reservation that arrives after the order was cancelled is released at once; a repeated one
changes nothing; a rejection while reserving cancels the order and releases the other
sub-orders' stock. The last reservation runs the risk check (hold, or ask for payment). A reply
about no sub-order of the order is an after-sales case's (an exchange's replacement is reserved
under the case id): it is not the order's and changes nothing.
"""

from tradeflow_contracts.inventory import PreSaleStockArrived, StockReservationRejected, StockReserved
from tradeflow_order.app.advance import advance
from tradeflow_order.app.ports import Collaborators, OrderTransaction
from tradeflow_order.domain.model import WarehouseShare


async def record_stock_reserved(tx: OrderTransaction, message: StockReserved, c: Collaborators) -> None:
    warehouses: dict[str, tuple[WarehouseShare, ...]] = {}
    for a in message.allocations:
        warehouses[a.line_id] = (*warehouses.get(a.line_id, ()), WarehouseShare(a.warehouse, a.quantity, a.incoming))
    await advance(tx, c, message.order_id, message.TYPE,
                  lambda order, now: order.stock_reserved(message.sub_order_id, warehouses, now))


async def record_pre_sale_stock_arrived(tx: OrderTransaction, message: PreSaleStockArrived,
                                        c: Collaborators) -> None:
    await advance(tx, c, message.order_id, message.TYPE,
                  lambda order, now: order.pre_sale_stock_arrived(message.sub_order_id, now))


async def record_stock_rejected(tx: OrderTransaction, message: StockReservationRejected, c: Collaborators) -> None:
    reason = ", ".join(f"{s.sku} ({s.available} of {s.requested})" for s in message.shortages) or message.reason
    await advance(tx, c, message.order_id, message.TYPE,
                  lambda order, now: order.stock_rejected(message.sub_order_id, reason, now))
