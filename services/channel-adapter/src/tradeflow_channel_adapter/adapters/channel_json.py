"""A channel's configuration ↔ its `channels` row (vocabulary and price list as JSONB)."""

from collections.abc import Mapping
from typing import Any

from tradeflow_channel_adapter.domain.channel import (
    AddressFormat,
    Channel,
    Controls,
    Kind,
    MoneyFormat,
    PriceList,
    Vocabulary,
)
from tradeflow_channel_adapter.domain.external import ExternalStatus


def channel_values(channel: Channel) -> dict[str, Any]:
    v, p, c = channel.vocabulary, channel.price_list, channel.controls
    return {"code": channel.code, "kind": channel.kind.value, "secret": channel.secret, "currency": channel.currency,
            "vocabulary": {"statuses": {w: s.value for w, s in v.statuses.items()}, "carriers": dict(v.carriers),
                           "money": v.money.value, "address": v.address.value},
            "price_list": {"markup_bp": p.markup_bp, "explicit": dict(p.explicit)},
            "credit_limit_amount": c.credit_limit_amount, "valid_from": c.valid_from, "valid_until": c.valid_until,
            "member_limit_amount": c.member_limit_amount, "api_base_url": channel.api_base_url,
            "active": channel.active}


def channel_of_row(row: Mapping[str, Any]) -> Channel:
    v, p = row["vocabulary"], row["price_list"]
    return Channel(
        code=row["code"], kind=Kind(row["kind"]), secret=row["secret"], currency=row["currency"],
        vocabulary=Vocabulary({w: ExternalStatus(s) for w, s in v["statuses"].items()}, dict(v["carriers"]),
                              MoneyFormat(v["money"]), AddressFormat(v["address"])),
        price_list=PriceList(p["markup_bp"], dict(p["explicit"])),
        controls=Controls(row["credit_limit_amount"], row["valid_from"], row["valid_until"],
                          row["member_limit_amount"]),
        api_base_url=row["api_base_url"], active=row["active"])
