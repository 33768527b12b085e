"""The standard form of channel news (`domain.external`) as JSON, for the ledger's JSONB columns:
`{"kind": …, …fields}`; datetimes as RFC 3339, statuses as their words."""

from dataclasses import asdict
from datetime import datetime
from enum import Enum
from typing import Any

from tradeflow_channel_adapter.domain.external import (
    Address,
    ChannelNews,
    ExternalAddressChange,
    ExternalCancellation,
    ExternalLine,
    ExternalOrder,
    ExternalRefund,
    ExternalStatus,
    RefundedLine,
    ShipmentNews,
    SyncUpdate,
)

KINDS: dict[str, type] = {"order": ExternalOrder, "cancellation": ExternalCancellation, "refund": ExternalRefund,
                          "address_change": ExternalAddressChange}
KIND_OF = {cls: kind for kind, cls in KINDS.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def dump_news(news: ChannelNews) -> dict[str, Any]:
    """The news without its `names` (where the channel's message held its fields: not kept)."""
    data = _plain(asdict(news))
    data.pop("names", None)
    return {"kind": KIND_OF[type(news)], **data}


def load_news(data: dict[str, Any]) -> ChannelNews:
    data = dict(data)
    cls = KINDS[data.pop("kind")]
    if cls is ExternalOrder:
        return ExternalOrder(**{**data, "status": ExternalStatus(data["status"]),
                                "lines": [ExternalLine(**ln) for ln in data["lines"]],
                                "receiver": _address(data.get("receiver")),
                                "paid_at": _time(data.get("paid_at"))})
    if cls is ExternalRefund:
        return ExternalRefund(**{**data, "lines": [RefundedLine(**ln) for ln in data["lines"]]})
    if cls is ExternalAddressChange:
        return ExternalAddressChange(data["external_order_id"], Address(**data["receiver"]))
    return cls(**data)


def dump_update(update: SyncUpdate) -> dict[str, Any]:
    return _plain(asdict(update))


def load_update(data: dict[str, Any]) -> SyncUpdate:
    shipment = data.get("shipment")
    return SyncUpdate(data["external_order_id"], ExternalStatus(data["status"]),
                      None if shipment is None else ShipmentNews(**{**shipment, "lines": [
                          tuple(pair) for pair in shipment["lines"]]}),
                      _time(data.get("at")))


def _address(data: dict | None) -> Address | None:
    return None if data is None else Address(**data)


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)

