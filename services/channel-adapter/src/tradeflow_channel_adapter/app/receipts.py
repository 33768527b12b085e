"""What intake answers for each piece of news (the webhook's, the poller's and the import's report)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Receipt:
    """What became of one piece of news: `id` is the ledger's (a channel order, or a change)."""

    kind: str  # order | cancellation | refund | address_change
    external_order_id: str
    id: str
    status: str
    duplicate: bool = False
    reason: str | None = None
    detail: str | None = None
