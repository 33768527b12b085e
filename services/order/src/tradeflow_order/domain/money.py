"""Apportioning money to lines — the one place the rounding rule lives (DOMAIN §1 Allocation).

An amount is split in proportion to weights (line amounts) with floor division; the last share
takes the remainder, so the shares always add up to the amount exactly. With `caps` (a discount
can never exceed what a line still costs), a remainder that would overflow the last line's cap
moves, cent by cent, to the lines before it.
"""


def apportion(amount: int, weights: list[int], caps: list[int] | None = None) -> list[int]:
    if not weights:
        raise ValueError("nothing to apportion over")
    total = sum(weights)
    if total == 0:
        shares = [0] * (len(weights) - 1) + [amount]
    else:
        shares = [amount * w // total for w in weights[:-1]]
        shares.append(amount - sum(shares))
    return _respect_caps(shares, caps) if caps is not None else shares


def _respect_caps(shares: list[int], caps: list[int]) -> list[int]:
    if sum(shares) > sum(caps):
        raise ValueError("the amount exceeds what the lines can take")
    overflow = 0
    for i in reversed(range(len(shares))):
        take = min(caps[i], shares[i] + overflow)
        overflow = shares[i] + overflow - take
        shares[i] = take
    for i in reversed(range(len(shares))):  # whatever is left goes to earlier lines with room
        room = min(caps[i] - shares[i], overflow)
        shares[i] += room
        overflow -= room
    return shares
