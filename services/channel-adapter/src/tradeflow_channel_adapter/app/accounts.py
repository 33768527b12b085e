"""Staff merge an account into another (DOMAIN §6): a buyer who came without a phone has an account
of their own, keyed by (channel, member); once staff know who it is, its memberships move to the
person's account, and that member's next orders are that account's. Orders already placed keep
the account they were placed for (the order's buyer is history)."""

from tradeflow_channel_adapter.app.errors import AccountNotFound, CannotMerge
from tradeflow_channel_adapter.app.ports import Account, ChannelAdapterTransaction


async def merge_accounts(tx: ChannelAdapterTransaction, account_id: str, into: str) -> Account:
    if account_id == into:
        raise CannotMerge("an account cannot be merged into itself")
    first, second = sorted((account_id, into))  # lock in one order: two merges never wait on each other
    locked = {a: await tx.accounts.get(a, lock=True) for a in (first, second)}
    source, target = locked[account_id], locked[into]
    if source is None:
        raise AccountNotFound(account_id)
    if target is None:
        raise AccountNotFound(into)
    if source.merged_into is not None:
        raise CannotMerge(f"account {account_id} was already merged into {source.merged_into}")
    if target.merged_into is not None:
        raise CannotMerge(f"account {into} was merged into {target.merged_into}: merge into that one")
    if source.phone is not None:
        raise CannotMerge(f"account {account_id} is a phone's account: only an account without a phone is merged")
    await tx.accounts.merge(account_id, into)
    merged = await tx.accounts.get(into)
    assert merged is not None
    return merged


async def account_of(tx: ChannelAdapterTransaction, account_id: str) -> Account:
    account = await tx.accounts.get(account_id)
    if account is None:
        raise AccountNotFound(account_id)
    return account
