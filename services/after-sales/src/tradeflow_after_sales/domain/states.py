"""The after-sales case's types, states and one transition table per type (DOMAIN §5, issue 12).

    every type     requested ─approve→ approved | ─reject→ rejected | ─cancel→ cancelled
    refund_only    approved ─start_refund→ refunding ─refund_made→ refunded ─complete→ completed
    return_and_refund
                   approved ─await_return→ awaiting_return ─report_parcel→ return_in_transit
                   awaiting_return | return_in_transit ─receive→ received (a parcel the buyer never
                       reported is still received)
                   received ─inspect_ok→ inspected_ok | ─inspect_fail→ inspected_failed
                   inspected_ok ─start_refund→ refunding (restocked first)
                   inspected_failed ─start_refund→ refunding (staff: a partial refund, with reason)
                                    ─reject→ rejected (staff: the parcel goes back to the buyer)
                   refunding ─refund_made→ refunded ─complete→ completed
    exchange       the return part as above, then
                   inspected_ok ─ship_replacement→ replacement_shipping
                       ─replacement_delivered→ replacement_delivered ─complete→ completed
                   inspected_failed ─reject→ rejected
    cancel         by the buyer before it is done: requested; a return or an exchange also while
                   approved or awaiting_return (nothing sent yet). A refund_only case approved is
                   stopping the shipment or refunding: no way back.
    expire         awaiting_return ─expire→ closed_expired (no return parcel by the deadline)
    park           any open status ─park→ needs_attention (a step that cannot succeed: the case
                   keeps the reason, the status it was in and the step to retry);
                   needs_attention ─retry→ that status again; ─force_close→ closed (staff, with a
                   reason; `closed` is DOMAIN §5's 售后关闭).

Two moves change the type (they are not in a table, see `conversions.py`): an exchange turned
into a refund (the replacement is out of stock) and a refund_only before shipment whose parcel
could no longer be stopped, which becomes a return.
"""

from enum import StrEnum


class CaseType(StrEnum):
    REFUND_ONLY = "refund_only"
    RETURN_AND_REFUND = "return_and_refund"
    EXCHANGE = "exchange"


class CaseStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    AWAITING_RETURN = "awaiting_return"
    RETURN_IN_TRANSIT = "return_in_transit"
    RECEIVED = "received"
    INSPECTED_OK = "inspected_ok"
    INSPECTED_FAILED = "inspected_failed"
    REFUNDING = "refunding"
    REFUNDED = "refunded"
    REPLACEMENT_SHIPPING = "replacement_shipping"
    REPLACEMENT_DELIVERED = "replacement_delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    CLOSED_EXPIRED = "closed_expired"
    NEEDS_ATTENTION = "needs_attention"
    CLOSED = "closed"


class CaseEvent(StrEnum):
    """The named events that move a case, and facts recorded without a move (open, override,
    goodwill, convert_to_refund, become_return, split, continue)."""

    OPEN = "open"
    APPROVE = "approve"
    REJECT = "reject"
    CANCEL = "cancel"
    AWAIT_RETURN = "await_return"
    REPORT_PARCEL = "report_parcel"
    RECEIVE = "receive"
    INSPECT_OK = "inspect_ok"
    INSPECT_FAIL = "inspect_fail"
    START_REFUND = "start_refund"
    REFUND_MADE = "refund_made"
    SHIP_REPLACEMENT = "ship_replacement"
    REPLACEMENT_DELIVERED = "replacement_delivered"
    COMPLETE = "complete"
    EXPIRE = "expire"
    PARK = "park"
    RETRY = "retry"
    FORCE_CLOSE = "force_close"
    OVERRIDE = "override"
    GOODWILL = "goodwill"
    CONVERT_TO_REFUND = "convert_to_refund"
    BECOME_RETURN = "become_return"
    SPLIT = "split"  # a part stop: the units going on continue in a new return case
    CONTINUE = "continue"  # that new case, opened by the saga from the case it continues


S, E, T = CaseStatus, CaseEvent, CaseType

FINAL: frozenset[CaseStatus] = frozenset({S.REJECTED, S.COMPLETED, S.CANCELLED, S.CLOSED_EXPIRED, S.CLOSED})
"""Nothing happens to a case in these any more."""

Table = dict[tuple[CaseStatus, CaseEvent], CaseStatus]

_REVIEW: Table = {
    (S.REQUESTED, E.APPROVE): S.APPROVED,
    (S.REQUESTED, E.REJECT): S.REJECTED,
    (S.REQUESTED, E.CANCEL): S.CANCELLED,
}
_REFUND: Table = {
    (S.REFUNDING, E.REFUND_MADE): S.REFUNDED,
    (S.REFUNDED, E.COMPLETE): S.COMPLETED,
}
_RETURN: Table = {
    (S.APPROVED, E.AWAIT_RETURN): S.AWAITING_RETURN,
    (S.APPROVED, E.CANCEL): S.CANCELLED,
    (S.AWAITING_RETURN, E.CANCEL): S.CANCELLED,
    (S.AWAITING_RETURN, E.REPORT_PARCEL): S.RETURN_IN_TRANSIT,
    (S.AWAITING_RETURN, E.EXPIRE): S.CLOSED_EXPIRED,
    (S.AWAITING_RETURN, E.RECEIVE): S.RECEIVED,
    (S.RETURN_IN_TRANSIT, E.RECEIVE): S.RECEIVED,
    (S.RECEIVED, E.INSPECT_OK): S.INSPECTED_OK,
    (S.RECEIVED, E.INSPECT_FAIL): S.INSPECTED_FAILED,
    (S.INSPECTED_FAILED, E.REJECT): S.REJECTED,
}


def _with_attention(table: Table) -> Table:
    """Every open status of the table may be parked; a parked case is retried or force-closed."""
    statuses = {status for status, _ in table} | set(table.values())
    parkable = {(status, E.PARK): S.NEEDS_ATTENTION for status in statuses if status not in FINAL}
    return table | parkable | {(S.NEEDS_ATTENTION, E.FORCE_CLOSE): S.CLOSED}


TRANSITIONS: dict[CaseType, Table] = {
    T.REFUND_ONLY: _with_attention(_REVIEW | {(S.APPROVED, E.START_REFUND): S.REFUNDING} | _REFUND),
    T.RETURN_AND_REFUND: _with_attention(_REVIEW | _RETURN | {
        (S.INSPECTED_OK, E.START_REFUND): S.REFUNDING,
        (S.INSPECTED_FAILED, E.START_REFUND): S.REFUNDING,
    } | _REFUND),
    T.EXCHANGE: _with_attention(_REVIEW | _RETURN | {
        (S.INSPECTED_OK, E.SHIP_REPLACEMENT): S.REPLACEMENT_SHIPPING,
        (S.REPLACEMENT_SHIPPING, E.REPLACEMENT_DELIVERED): S.REPLACEMENT_DELIVERED,
        (S.REPLACEMENT_DELIVERED, E.COMPLETE): S.COMPLETED,
    }),
}
