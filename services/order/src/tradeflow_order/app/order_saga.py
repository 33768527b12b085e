"""The order saga (ARCHITECTURE "Sagas"), declared as a table the kit enforces and runs:

    reserving → [held] → awaiting_payment → [closing_payment] → handed_over, or cancelled.

Compensations: out of stock → cancel, release the rest; review not done in time → cancel,
release; payment deadline passed → close the payment, release, cancel; cancel after payment →
refund, release; paid after cancel → refund.
"""

from datetime import timedelta

from tradeflow_contracts import fulfillment, inventory, orders, payments
from tradeflow_kit.sagas.definition import SagaDefinition, SagaState, Step
from tradeflow_order.domain.states import OrderStep as S

NAME = "order"


def order_saga(payment_timeout: timedelta, review_timeout: timedelta = timedelta(hours=24)) -> SagaDefinition:
    return SagaDefinition(NAME, (
        Step(S.RESERVING, sends=(inventory.ReserveStock,),
             awaits=(inventory.StockReserved, inventory.StockReservationRejected),
             next=(S.HELD, S.AWAITING_PAYMENT, S.CANCELLED), compensation=(inventory.ReleaseStock,),
             doc="each sub-order with physical lines reserves its stock; a rejection cancels the order"),
        Step(S.HELD, next=(S.AWAITING_PAYMENT, S.CANCELLED), compensation=(inventory.ReleaseStock,),
             deadline=review_timeout,
             doc="a risk rule fired: staff approve (→ payment) or reject (→ cancelled) before the review deadline, "
                 "else it is cancelled and its stock released"),
        Step(S.AWAITING_PAYMENT, sends=(payments.RequestPayment,),
             awaits=(payments.PaymentSucceeded, payments.PaymentFailed),
             next=(S.CLOSING_PAYMENT, S.HANDED_OVER, S.CANCELLED), compensation=(payments.ClosePayment,),
             deadline=payment_timeout, doc="the buyer pays before the deadline; a failed attempt may be retried"),
        Step(S.CLOSING_PAYMENT, sends=(payments.ClosePayment,),
             awaits=(payments.PaymentClosed, payments.PaymentSucceeded), next=(S.HANDED_OVER, S.CANCELLED),
             doc="deadline passed: the payment service asks the provider, then closes (→ cancel) or reports paid"),
        Step(S.HANDED_OVER, sends=(orders.OrderPaid,),
             awaits=(payments.PaymentRefunded, payments.RefundFailed, inventory.PreSaleStockArrived,
                     fulfillment.ShipmentPlanned, fulfillment.ShipmentStatusChanged, fulfillment.EntitlementGranted),
             next=(S.CANCELLED,), compensation=(payments.RefundPayment,), ends=SagaState.COMPLETED,
             doc="paid: the sub-orders go to fulfillment (a pre-sale's once its goods arrive), whose shipments and "
                 "entitlements the order tracks (partially shipped, shipped, completed); a cancel before shipment "
                 "refunds"),
        Step(S.CANCELLED, sends=(orders.OrderCancelled,),
             awaits=(payments.PaymentRefunded, payments.RefundFailed), ends=SagaState.COMPENSATED,
             doc="every step taken was compensated; a late reservation is released, a late payment refunded"),
    ))
