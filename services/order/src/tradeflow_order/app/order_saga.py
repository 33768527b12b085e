"""The order saga (ARCHITECTURE "Sagas"), declared as a table the kit enforces and runs:

    reserving → [held] → awaiting_payment → [closing_payment] → handed_over ⇄ [cancelling], or cancelled.

Compensations: out of stock → cancel, release the rest; review not done in time → cancel,
release; payment deadline passed → close the payment, release, cancel; cancel after payment →
fulfillment stops what it still can (cancelling), then refund and release what was stopped —
all of it (cancelled) or part (back to handed_over); paid after cancel → refund.

After-sales (issue 12) asks a paid order too, in any step from handed_over on — the saga has
long completed by then: CancelLines stops a case's units through `cancelling` (one cancellation at
a time), RefundLines refunds a case's shares, CaseStatusChanged is shown on the order.

A channel's order (issue 13) runs the same table: never held, its zero payment made at once; the
channel's CancelChannelOrder cancels it as the buyer's cancel does (before payment, or through
`cancelling` while no goods left).
"""

from datetime import timedelta

from tradeflow_contracts import after_sales, fulfillment, inventory, orders, payments
from tradeflow_kit.sagas.definition import SagaDefinition, SagaState, Step
from tradeflow_order.domain.states import OrderStep as S

NAME = "order"
CASES = (after_sales.RefundLines, after_sales.CaseStatusChanged)  # a paid order's, whatever its step


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
                     fulfillment.ShipmentPlanned, fulfillment.ShipmentStatusChanged, fulfillment.EntitlementGranted,
                     after_sales.CancelLines, *CASES),
             next=(S.CANCELLING,), compensation=(payments.RefundPayment,), ends=SagaState.COMPLETED,
             doc="paid: the sub-orders go to fulfillment (a pre-sale's once its goods arrive), whose shipments and "
                 "entitlements the order tracks (partially shipped, shipped, completed); a cancel asks fulfillment "
                 "(→ cancelling), and so does an after-sales case's CancelLines for its units; RefundLines refunds "
                 "a case's shares"),
        Step(S.CANCELLING, sends=(fulfillment.StopFulfillment,),
             awaits=(fulfillment.FulfillmentStopped, payments.PaymentRefunded, payments.RefundFailed,
                     inventory.PreSaleStockArrived, fulfillment.ShipmentPlanned, fulfillment.ShipmentStatusChanged,
                     fulfillment.EntitlementGranted, *CASES),
             next=(S.HANDED_OVER, S.CANCELLED), compensation=(payments.RefundPayment, inventory.ReleaseStock),
             doc="the buyer or staff cancel a paid order: fulfillment stops what it still can, shipment by shipment "
                 "by its stage, and answers once (shipments are still tracked meanwhile). Everything stopped → "
                 "cancelled (refund the rest, release the stock); some → handed_over, the stopped units refunded and "
                 "their stock released; nothing → handed_over, refused (after-sales is the way). A case's units are "
                 "stopped the same way (LinesCancelled answers it); another CancelLines meanwhile is refused"),
        Step(S.CANCELLED, sends=(orders.OrderCancelled,),
             awaits=(payments.PaymentRefunded, payments.RefundFailed, fulfillment.ShipmentStatusChanged, *CASES),
             ends=SagaState.COMPENSATED,
             doc="every step taken was compensated; a late reservation is released, a late payment refunded; an "
                 "intercepted parcel's way back is still tracked"),
    ))
