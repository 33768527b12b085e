"""Receipt confirmed for the buyer (DOMAIN §1: completed): an order whose every parcel was signed
for (and every entitlement granted) is completed `auto_confirm_after` later unless the buyer
confirmed first. A background job in every replica; each due order is claimed with SKIP LOCKED, so
two replicas never confirm the same one, and confirmed in its own transaction."""

import asyncio

from tradeflow_kit.periodic import run_rounds
from tradeflow_order.app.advance import advance
from tradeflow_order.app.ports import Collaborators, Transactions

ACTOR = "system:auto-confirm"


async def confirm_due(transactions: Transactions, c: Collaborators, batch: int = 20) -> int:
    """Confirm up to `batch` due orders; how many were confirmed."""
    done = 0
    while done < batch:
        async with transactions.begin() as tx:
            order_id = await tx.orders.claim_due_auto_confirm(c.clock.now())
            if order_id is None:
                return done
            await advance(tx, c, order_id, "auto-confirmed",
                          lambda order, now: order.confirm_receipt(ACTOR, now))
        done += 1
    return done


async def run_auto_confirm(transactions: Transactions, c: Collaborators, stop: asyncio.Event, *,
                           interval: float = 1.0, batch: int = 20) -> None:
    await run_rounds("order.auto_confirm", lambda: confirm_due(transactions, c, batch), stop,
                     interval=interval, full=batch)
