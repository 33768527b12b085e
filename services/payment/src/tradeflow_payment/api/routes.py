"""All routes of the payment service's API."""

from fastapi import APIRouter

from tradeflow_payment.api import callbacks, payments

router = APIRouter()
router.include_router(callbacks.router)
router.include_router(payments.router)
