"""Apportioning money to lines — the one place the rounding rule lives (DOMAIN §1 Allocation).

An amount is split in proportion to weights (line goods amounts) with floor division; the last
share takes the remainder, so the shares always add up to the amount exactly. With `caps` (a
discount never exceeds what a line's goods still cost; a refund never exceeds what a line paid),
a line whose share would pass its cap takes exactly its cap, and what is left of the amount is
apportioned again, by the same rule, over the other lines — until every share fits.
"""


def apportion(amount: int, weights: list[int], caps: list[int] | None = None) -> list[int]:
    if not weights:
        raise ValueError("nothing to apportion over")
    if caps is None:
        return _split(amount, weights)
    if amount > sum(caps):
        raise ValueError("the amount exceeds what the lines can take")
    shares = [0] * len(weights)
    open_lines, left = list(range(len(weights))), amount
    while left > 0:
        split = _split(left, [weights[i] for i in open_lines])
        full = {i for i, share in zip(open_lines, split, strict=True) if share > caps[i]}
        if not full:
            for i, share in zip(open_lines, split, strict=True):
                shares[i] = share
            break
        for i in full:
            shares[i] = caps[i]
            left -= caps[i]
        open_lines = [i for i in open_lines if i not in full]
    return shares


def _split(amount: int, weights: list[int]) -> list[int]:
    total = sum(weights)
    if total == 0:
        return [0] * (len(weights) - 1) + [amount]
    shares = [amount * w // total for w in weights[:-1]]
    shares.append(amount - sum(shares))
    return shares
