"""All routes of the payment service's API."""

from fastapi import APIRouter

from tradeflow_payment.api import callbacks, ops, payments, refunds

router = APIRouter()
router.include_router(callbacks.router)
router.include_router(ops.router)  # before payments: /payments/ops/… is not a payment id
router.include_router(payments.router)
router.include_router(refunds.router)
