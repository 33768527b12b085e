"""What the HTTP routes are given by the composition root (on `app.state.api`)."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from tradeflow_channel_adapter.app.ports import Collaborators, Transactions


@dataclass(frozen=True)
class ChannelAdapterApi:
    transactions: Transactions
    c: Collaborators
    signature_tolerance: timedelta = timedelta(minutes=5)


async def channel_adapter_api(request: Request) -> ChannelAdapterApi:
    """The routes' dependency: `api: Api`."""
    return request.app.state.api


Api = Annotated[ChannelAdapterApi, Depends(channel_adapter_api)]
