"""A channel's address change (DOMAIN §4 re-review, §6), by where its order stands in the ledger:

* not received yet, or accepted (sent to the order service, not placed yet) → it waits, parked,
  and is judged again when the order is placed (or refused);
* in review (never placed) → the ledger's order takes the new receiver at once, so a later retry
  places it with it: done;
* placed → staff re-review it, since a parcel may be on its way: approved, fulfillment re-reviews
  each of the order's shipments and answers once (`settled`); rejected, it is refused with why;
* refused, rejected or cancelled → nothing to change: done.
"""

from enum import StrEnum

from tradeflow_channel_adapter.domain.ledger import OrderStatus


class AddressChangeStep(StrEnum):
    WAIT = "wait"
    APPLY = "apply"
    STAFF = "staff"
    NOTHING = "nothing"


def address_change_step(status: OrderStatus | None) -> AddressChangeStep:
    """What an address change does to an order in `status` (None: not received yet)."""
    if status is None or status is OrderStatus.ACCEPTED:
        return AddressChangeStep.WAIT
    if status is OrderStatus.REVIEW:
        return AddressChangeStep.APPLY
    if status is OrderStatus.PLACED:
        return AddressChangeStep.STAFF
    return AddressChangeStep.NOTHING


def settled(changed: bool, outcomes: list[tuple[str, str]]) -> tuple[bool, str]:
    """Fulfillment's answer to an approved change — `changed` and each shipment's (id, what
    happened) — as (done, detail): done only when every shipment now goes to the new receiver;
    otherwise refused, naming what each shipment did (e.g. `sh_1 on its way`)."""
    told = "; ".join(f"{shipment} {detail}" for shipment, detail in outcomes)
    if changed:
        return True, f"sent to the new receiver: {told}"
    return False, told or "nothing to send: the order has no shipment to change"
