"""Staff look at and merge the accounts channel buyers are linked to (API.md Channels)."""

from typing import Annotated

from fastapi import APIRouter, Depends

from tradeflow_channel_adapter.api.schemas import MergeIn
from tradeflow_channel_adapter.api.wiring import Api
from tradeflow_channel_adapter.app.accounts import account_of, merge_accounts
from tradeflow_channel_adapter.app.ports import Account
from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.problems import problem_docs

router = APIRouter(prefix="/channels/accounts", tags=["channel accounts"])
Staff = Annotated[Principal, Depends(require_roles(Role.STAFF))]
Readers = Annotated[Principal, Depends(require_roles(Role.STAFF, Role.SYSTEM))]


def account_view(a: Account) -> dict:
    return {"id": a.id, "phone": a.phone, "merged_into": a.merged_into,
            "members": [{"channel": ch, "member_id": m} for ch, m in a.members]}


@router.get("/{account_id}", summary="An account: its phone and the channel members linked to it",
            responses=problem_docs(404))
async def get_account(account_id: str, who: Readers, api: Api) -> dict:
    async with api.transactions.read() as tx:
        return account_view(await account_of(tx, account_id))


@router.post("/{account_id}/merge", summary="Merge an account without a phone into another (its members move)",
             responses=problem_docs(404, 409, 422))
async def merge(account_id: str, body: MergeIn, who: Staff, api: Api) -> dict:
    async with api.transactions.begin() as tx:
        return account_view(await merge_accounts(tx, account_id, body.into))
