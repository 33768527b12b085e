"""The shipment's one transition table (DOMAIN §4, issue 11).

    pending_review ─approve→ ready ─dispatch→ dispatched → picked → packed → shipped
        → in_transit → out_for_delivery → signed
    dispatched … out_for_delivery ─intercept→ intercepting ─intercept_ok→ intercepted
                                                           ─intercept_fail→ intercept_failed
    intercepted ─redispatch→ dispatched (not shipped yet: re-review, or what is left once a cancelled
        order's lines left it; a new dispatch number) ─hold→ pending_review (the new dispatch refused)
    intercepted ─return→ returning ─return_received→ returned (shipped: the parcel comes back)
    pending_review | ready | intercepted ─cancel→ cancelled;  ready ─hold→ pending_review

The warehouse (WMS: picked, packed, shipped) and the carrier (TMS: picked_up, in_transit,
out_for_delivery, signed) *report* progress. A report may skip stages (a lost or reordered
callback) but never goes back: one for a stage the shipment has reached already is late (see
`Shipment.is_late`). After a failed interception the shipment goes on from `intercept_failed`.
"""

from enum import StrEnum


class ShipmentStatus(StrEnum):
    PENDING_REVIEW = "pending_review"
    READY = "ready"
    DISPATCHED = "dispatched"
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    SIGNED = "signed"
    INTERCEPTING = "intercepting"
    INTERCEPTED = "intercepted"
    INTERCEPT_FAILED = "intercept_failed"
    RETURNING = "returning"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class ShipmentEvent(StrEnum):
    """The named events that move a shipment (and a few recorded facts that do not: plan, merge,
    split_out, re_review)."""

    PLAN = "plan"
    MERGE = "merge"
    SPLIT_OUT = "split_out"
    AWAIT_STOCK = "await_stock"  # recorded: planned while a pre-sale's goods are still incoming
    STOCK_ARRIVED = "stock_arrived"  # recorded: they arrived (awaiting_stock.py)
    RE_REVIEW = "re_review"
    APPROVE = "approve"
    HOLD = "hold"
    DISPATCH = "dispatch"
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    SIGNED = "signed"
    INTERCEPT = "intercept"
    INTERCEPT_OK = "intercept_ok"
    INTERCEPT_FAIL = "intercept_fail"
    REDISPATCH = "redispatch"
    RETURN = "return"
    RETURN_RECEIVED = "return_received"
    CANCEL = "cancel"


S, E = ShipmentStatus, ShipmentEvent

STAGES: tuple[ShipmentStatus, ...] = (S.DISPATCHED, S.PICKED, S.PACKED, S.SHIPPED, S.IN_TRANSIT,
                                      S.OUT_FOR_DELIVERY, S.SIGNED)
"""The forward stages after dispatch, in order: how far the goods have got."""

REPORTS: dict[ShipmentEvent, ShipmentStatus] = {
    E.PICKED: S.PICKED, E.PACKED: S.PACKED, E.SHIPPED: S.SHIPPED,  # the warehouse (WMS)
    E.PICKED_UP: S.IN_TRANSIT, E.IN_TRANSIT: S.IN_TRANSIT,  # the carrier (TMS) from here
    E.OUT_FOR_DELIVERY: S.OUT_FOR_DELIVERY, E.SIGNED: S.SIGNED,
}
"""Progress reports of the warehouse and the carrier → the stage each says the goods reached."""

INTERCEPTABLE: tuple[ShipmentStatus, ...] = (*STAGES[:-1], S.INTERCEPT_FAILED)
"""Dispatched and not signed: the warehouse (before shipped) or the carrier may still stop it."""


def stage_rank(status: ShipmentStatus) -> int:
    return STAGES.index(status)


def _reports_forward() -> dict[tuple[ShipmentStatus, ShipmentEvent], ShipmentStatus]:
    """Every report that moves a stage forward (skipping is allowed), and from intercept_failed:
    the shipment goes on (whether it is a step forward is `Shipment.is_late`'s question)."""
    table = {(stage, event): target for event, target in REPORTS.items()
             for stage in STAGES if stage_rank(stage) < stage_rank(target)}
    return table | {(S.INTERCEPT_FAILED, event): target for event, target in REPORTS.items()}


TRANSITIONS: dict[tuple[ShipmentStatus, ShipmentEvent], ShipmentStatus] = {
    (S.PENDING_REVIEW, E.APPROVE): S.READY,
    (S.PENDING_REVIEW, E.CANCEL): S.CANCELLED,
    (S.READY, E.HOLD): S.PENDING_REVIEW,
    (S.READY, E.DISPATCH): S.DISPATCHED,
    (S.READY, E.CANCEL): S.CANCELLED,
    **_reports_forward(),
    **{(status, E.INTERCEPT): S.INTERCEPTING for status in INTERCEPTABLE},
    (S.INTERCEPTING, E.INTERCEPT_OK): S.INTERCEPTED,
    (S.INTERCEPTING, E.INTERCEPT_FAIL): S.INTERCEPT_FAILED,
    **{(status, E.INTERCEPT_OK): S.INTERCEPTED for status in INTERCEPTABLE},  # late (`Shipment.stopped_late`)
    (S.INTERCEPTED, E.REDISPATCH): S.DISPATCHED,
    (S.INTERCEPTED, E.HOLD): S.PENDING_REVIEW,
    (S.INTERCEPTED, E.CANCEL): S.CANCELLED,
    (S.INTERCEPTED, E.RETURN): S.RETURNING,
    (S.RETURNING, E.RETURN_RECEIVED): S.RETURNED,
}

STOPPED: frozenset[ShipmentStatus] = frozenset({S.INTERCEPTING, S.INTERCEPTED, S.RETURNING, S.RETURNED,
                                                S.CANCELLED})
"""Statuses in which reports of the goods moving on are noted but do not move the shipment."""
