"""Risk hold rules (DOMAIN §1 Risk hold): amount, velocity per phone/address, blacklists."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RiskPolicy:
    max_amount: int
    max_orders_per_phone_per_hour: int
    max_orders_per_address_per_hour: int
    blacklist: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RiskFacts:
    """What the rules look at; counts include the order being assessed."""

    buyer_id: str
    phone: str
    address: str
    paid_amount: int
    orders_by_phone_last_hour: int
    orders_by_address_last_hour: int


def assess(facts: RiskFacts, policy: RiskPolicy) -> str | None:
    """The reason to hold the order for manual review, or None to let it through."""
    if {facts.buyer_id, facts.phone, facts.address} & policy.blacklist:
        return "blacklisted buyer, phone or address"
    if facts.paid_amount > policy.max_amount:
        return f"amount {facts.paid_amount} above the review threshold {policy.max_amount}"
    if facts.orders_by_phone_last_hour > policy.max_orders_per_phone_per_hour:
        return f"{facts.orders_by_phone_last_hour} orders for this phone within an hour"
    if facts.orders_by_address_last_hour > policy.max_orders_per_address_per_hour:
        return f"{facts.orders_by_address_last_hour} orders for this address within an hour"
    return None
