"""The shape of the payment service's background jobs (reconciliation, refund retries): claim
one order at a time, each in its own transaction, until none is due or a batch is done — so a
slow provider call holds one order's lock, never a batch's."""

from collections.abc import Awaitable, Callable

from tradeflow_payment.app.ports import PaymentTransaction, Transactions


async def order_by_order(transactions: Transactions, work_on_one: Callable[[PaymentTransaction], Awaitable[bool]],
                         batch: int) -> int:
    """Run `work_on_one` (False: nothing is due) in fresh transactions, up to `batch` orders;
    returns how many orders were worked on."""
    done = 0
    while done < batch:
        async with transactions.begin() as tx:
            if not await work_on_one(tx):
                break
        done += 1
    return done
