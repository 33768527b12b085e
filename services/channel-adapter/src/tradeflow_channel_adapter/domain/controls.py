"""The channel's controls (DOMAIN §6, article 002): a total credit in minor units valid over a
period, and a limit per channel member. An order is charged its price-list amount; one that would
go over either (or arrives outside the period) waits in review instead of being fulfilled. A
refund gives its units' amount back."""

from dataclasses import dataclass
from datetime import datetime

from tradeflow_channel_adapter.domain.channel import Controls, PriceList


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str | None = None
    """review reason: credit-not-valid, over-credit, over-member-limit"""
    detail: str | None = None


def priced_amount(price_list: PriceList, units: list[tuple[str, int, int]]) -> int:
    """(local SKU, quantity, base unit price) → what the channel is charged for them."""
    return sum(price_list.unit_price(sku, base) * quantity for sku, quantity, base in units)


def judge(controls: Controls, *, amount: int, used: int, member_used: int, now: datetime) -> Verdict:
    """May an order of `amount` be fulfilled, with `used` of the channel's credit and `member_used`
    of its member's limit already taken?"""
    if controls.valid_from is not None and now < controls.valid_from:
        return Verdict(False, "credit-not-valid",
                       f"the channel's credit is valid from {controls.valid_from.isoformat()}")
    if controls.valid_until is not None and now >= controls.valid_until:
        return Verdict(False, "credit-not-valid",
                       f"the channel's credit was valid until {controls.valid_until.isoformat()}")
    if controls.credit_limit_amount is not None and used + amount > controls.credit_limit_amount:
        return Verdict(False, "over-credit", f"the order needs {amount} of the channel's credit; "
                       f"{max(controls.credit_limit_amount - used, 0)} of {controls.credit_limit_amount} is left")
    if controls.member_limit_amount is not None and member_used + amount > controls.member_limit_amount:
        return Verdict(False, "over-member-limit", f"the order needs {amount}; the member has "
                       f"{max(controls.member_limit_amount - member_used, 0)} of {controls.member_limit_amount} left")
    return Verdict(True)
