"""All routes of the inventory service's staff API: warehouses, stock counts, receipts of goods,
reservations, movements at shipment and return."""

from fastapi import APIRouter

from tradeflow_inventory.api import movements, receipts, reservations, stock

router = APIRouter()
router.include_router(stock.router)
router.include_router(receipts.router)
router.include_router(reservations.router)
router.include_router(movements.router)
