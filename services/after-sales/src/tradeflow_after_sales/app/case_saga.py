"""The reverse saga (ARCHITECTURE "Sagas", issue 12), one per after-sales case (saga id = case id),
declared as a table the kit enforces and runs:

    reviewing → stopping_shipment (refund_only before shipment) ─────────────→ refunded by the order
              → refunding → [revoking_entitlement] → completed            (refund_only after shipment)
              → awaiting_return … (a channel's refund_only after its goods left: they come back)
              → [reserving_replacement] → awaiting_return → returning → inspecting
                      → refunding … (return_and_refund) | deciding (failed) | shipping_replacement (exchange)
              → closed (rejected, cancelled, expired, force-closed: what the case held is released, and a
                        warehouse expecting its parcel stops: CancelExpectedReturn)

Entering a step sends its commands (`steps.py`); a step with a deadline asks again when no answer
came in time (or, after a failure worth retrying, after its backoff); awaiting_return's deadline
is the return deadline: the case is closed_expired. A step that cannot succeed parks the case and
its saga in needs_attention; staff `retry` sends the step again.
"""

from datetime import timedelta

from tradeflow_contracts import after_sales as a
from tradeflow_contracts import fulfillment, inventory
from tradeflow_kit.sagas.definition import SagaDefinition, SagaState, Step

NAME = "after-sales"


def case_saga(return_deadline: timedelta = timedelta(days=7),
              reply_timeout: timedelta = timedelta(minutes=10)) -> SagaDefinition:
    """`return_deadline`: how long the buyer has to send the parcel; `reply_timeout`: how long a
    step waits for its answer before it asks again (every command is idempotent)."""
    return SagaDefinition(NAME, (
        Step("reviewing", next=("stopping_shipment", "refunding", "reserving_replacement", "awaiting_return",
                                "closed"),
             doc="requested: staff (or the merchant, for its own sub-orders) approve or reject; the buyer may "
                 "cancel. A channel's case (OpenChannelCase) is approved as it opens: the channel refunded it"),
        Step("stopping_shipment", sends=(a.CancelLines,), awaits=(a.LinesCancelled, a.LinesRefunded),
             next=("awaiting_return", "refunding", "revoking_entitlement", "completed", "closed"),
             deadline=reply_timeout,
             doc="refund_only before shipment: the order stops the units through fulfillment and refunds what "
                 "was stopped (refused: asked again with backoff; its refund failed: → refunding); units going "
                 "on → the case becomes a return"),
        Step("reserving_replacement", sends=(inventory.ReserveStock,),
             awaits=(inventory.StockReserved, inventory.StockReservationRejected),
             next=("awaiting_return", "closed"), compensation=(inventory.ReleaseStock,), deadline=reply_timeout,
             doc="exchange approved: the replacement is reserved (sub-order id = the case id); out of stock → "
                 "needs_attention, staff retry or turn the case into a refund"),
        Step("awaiting_return", sends=(a.ExpectReturn,), awaits=(a.ReturnReceived, a.ReturnInspected),
             next=("returning", "inspecting", "refunding", "deciding", "shipping_replacement", "closed"),
             deadline=return_deadline,
             doc="the warehouse the goods shipped from expects the parcel; none reported by the deadline → "
                 "closed_expired"),
        Step("returning", sends=(a.ExpectReturn,), awaits=(a.ReturnReceived, a.ReturnInspected),
             next=("inspecting", "refunding", "deciding", "shipping_replacement", "closed"),
             doc="the buyer reported the parcel (carrier, waybill): the warehouse is told again"),
        Step("inspecting", awaits=(a.ReturnInspected,),
             next=("refunding", "deciding", "shipping_replacement", "closed"),
             doc="received: the warehouse inspects (ok → restocked by fulfillment)"),
        Step("deciding", next=("refunding", "closed"),
             doc="inspection failed: staff refund (part of) it, or reject the case"),
        Step("refunding", sends=(a.RefundLines,), awaits=(a.LinesRefunded, a.LinesRefundFailed),
             next=("revoking_entitlement", "completed", "closed"), deadline=reply_timeout,
             doc="the order refunds exactly the case's line shares and points (refund id <case>-r<n>); a "
                 "retryable failure is asked again with backoff and a new refund id, else needs_attention"),
        Step("revoking_entitlement", sends=(a.RevokeEntitlement,),
             awaits=(fulfillment.EntitlementRevoked, a.EntitlementNotRevoked),
             next=("completed", "closed"), deadline=reply_timeout,
             doc="refunded virtual goods: each line's entitlement is revoked"),
        Step("shipping_replacement", sends=(a.ShipReplacement,),
             awaits=(fulfillment.ShipmentPlanned, fulfillment.ShipmentStatusChanged),
             next=("completed", "closed"),
             doc="exchange inspected ok: fulfillment ships the reserved replacement; signed → completed"),
        Step("completed", ends=SagaState.COMPLETED, doc="refunded (and revoked), or the replacement delivered"),
        Step("closed", compensation=(inventory.ReleaseStock, a.CancelExpectedReturn), ends=SagaState.COMPENSATED,
             doc="rejected, cancelled, expired or force-closed: a replacement's reservation is released; a "
                 "warehouse told to expect the parcel stops expecting it (rejected after a failed inspection: "
                 "the parcel goes back to the buyer)"),
    ))
