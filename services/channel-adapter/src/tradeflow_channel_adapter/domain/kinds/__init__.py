"""Kinds of channel: one module per kind, each implementing `ChannelKind` (pure translation between
the channel's shape and the standard form of `domain.external`; no I/O — the adapters move the
bytes). A new kind is one module here and one row in `KINDS`; a new channel of a known kind is
configuration only (`domain.channel.Channel`)."""

from collections.abc import Mapping
from typing import Any, Protocol

from tradeflow_channel_adapter.domain.channel import Kind, Vocabulary
from tradeflow_channel_adapter.domain.external import ChannelNews, Page, SyncUpdate


class ChannelKind(Protocol):
    kind: Kind

    def read_push(self, body: Any, vocabulary: Vocabulary) -> list[ChannelNews]:
        """A pushed webhook's JSON body → its news (raise BadNews naming the field)."""

    def pull_request(self, cursor: str | None) -> tuple[str, dict[str, str]]:
        """The feed request from `cursor` (None: from the start): (path, query parameters)."""

    def read_page(self, body: Any, vocabulary: Vocabulary) -> Page:
        """A feed response's JSON body → its news and the next cursor."""

    def read_row(self, row: Mapping[str, str], vocabulary: Vocabulary) -> ChannelNews:
        """One CSV row of an offline import (one order line; rows of one order share its id)."""

    def sync_request(self, update: SyncUpdate, vocabulary: Vocabulary) -> tuple[str, dict[str, Any]]:
        """A sync-back call: (path under the channel's api_base_url, JSON body)."""


from tradeflow_channel_adapter.domain.kinds.erp import Erp  # noqa: E402
from tradeflow_channel_adapter.domain.kinds.marketplace_pull import MarketplacePull  # noqa: E402
from tradeflow_channel_adapter.domain.kinds.marketplace_push import MarketplacePush  # noqa: E402
from tradeflow_channel_adapter.domain.kinds.offline import Offline  # noqa: E402

KINDS: dict[Kind, ChannelKind] = {Kind.MARKETPLACE_PUSH: MarketplacePush(), Kind.MARKETPLACE_PULL: MarketplacePull(),
                                  Kind.ERP: Erp(), Kind.OFFLINE: Offline()}
"""Every kind's module, by kind."""
