"""The service's one error map: its refusals as problem+json (RFC 9457, stable `type` slugs,
API.md), installed on the app by bootstrap. Most specific first."""

from tradeflow_channel_adapter.app.errors import (
    AccountNotFound,
    CannotMerge,
    ChangeNotFound,
    ChangeNotInReview,
    ChannelInactive,
    ChannelNotFound,
    ChannelOrderNotFound,
    UnknownSku,
    WrongKind,
)
from tradeflow_channel_adapter.domain.errors import BadNews, ChannelAdapterError
from tradeflow_channel_adapter.domain.ledger import NotInReview
from tradeflow_kit.problems import ErrorMap, Refusal


def _field(exc: Exception) -> list[dict[str, str]]:
    assert isinstance(exc, BadNews)
    return [{"field": exc.field, "message": exc.message}]


def _sku(exc: Exception) -> list[dict[str, str]]:
    assert isinstance(exc, UnknownSku)
    return [{"field": "sku", "message": str(exc)}]


PROBLEMS = ErrorMap(
    Refusal(ChannelNotFound, 404, "Channel not found"),
    Refusal(AccountNotFound, 404, "Account not found"),
    Refusal(CannotMerge, 409, "Accounts cannot be merged"),
    Refusal(ChannelOrderNotFound, 404, "Channel order not found"),
    Refusal(ChangeNotFound, 404, "Channel change not found"),
    Refusal(ChangeNotInReview, 409, "Not an address change waiting in review"),
    Refusal(BadNews, 422, "The channel's message cannot be read", "invalid-channel-message", errors=_field),
    Refusal(UnknownSku, 422, "Unknown SKU", errors=_sku),
    Refusal(ChannelInactive, 409, "Channel inactive"),
    Refusal(WrongKind, 409, "Wrong kind of channel"),
    Refusal(NotInReview, 409, "Not in review", "not-in-review"),
    Refusal(ChannelAdapterError, 409, "Channel adapter rule violated", "channel-adapter-rule-violated"),
)
