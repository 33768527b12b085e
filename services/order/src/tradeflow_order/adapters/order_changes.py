"""The `order_changed` channel (PostgreSQL LISTEN/NOTIFY, tradeflow_kit.notifications): a
transaction that adds to an order's history notifies it with the order id; the process's one
listener, watched through the kit's ChannelWatch (the OrderChanges port), wakes the event streams
following that order."""

from sqlalchemy import Select

from tradeflow_kit.notifications import notice

CHANNEL = "order_changed"


def changed_notice(order_id: str) -> Select:
    """The statement that tells the order's followers it changed (they wake when the transaction
    commits); the history insert runs it in the same round trip."""
    return notice(CHANNEL, order_id)
