"""What the HTTP routes are given by the composition root (on `app.state.api`)."""

from dataclasses import dataclass

from fastapi import Request

from tradeflow_channel_adapter.app.ports import Transactions


@dataclass(frozen=True)
class ChannelAdapterApi:
    transactions: Transactions


async def channel_adapter_api(request: Request) -> ChannelAdapterApi:
    """The routes' dependency: `api: ChannelAdapterApi = Depends(channel_adapter_api)`."""
    return request.app.state.api
