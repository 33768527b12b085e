"""The service's rounding rules, in one place (CONVENTIONS 12). Money is integer minor units.

* `units_part`: a line's amount (its paid goods, its shipping share, its points) shared over its
  units by position, floored cumulatively: units `before`…`before + quantity` of `total` units are
  worth `amount × (before + quantity) ÷ total − amount × before ÷ total`, so taking every unit, in
  any number of steps, takes exactly the amount. Parts taken by earlier claims (`taken`) may not
  have followed the positions (a claim released and claimed again): a part never exceeds what is
  left, and the claim that takes the last units takes exactly what is left (the remainder).
* `apportion`: an amount split in proportion to weights, floored, the last share taking the
  remainder; with caps, a share that would pass its cap takes the cap and the rest is apportioned
  again over the others — the same rule as the order service's (DOMAIN §1 Allocation).
"""


def units_part(amount: int, total: int, before: int, quantity: int, taken: int) -> int:
    left = max(amount - taken, 0)
    if before + quantity >= total:
        return left
    by_position = amount * (before + quantity) // total - amount * before // total
    return min(by_position, left)


def apportion(amount: int, weights: list[int], caps: list[int]) -> list[int]:
    if amount > sum(caps):
        raise ValueError("the amount exceeds what the shares can take")
    shares = [0] * len(weights)
    open_shares, left = list(range(len(weights))), amount
    while left > 0:
        split = _split(left, [weights[i] for i in open_shares])
        full = {i for i, share in zip(open_shares, split, strict=True) if share > caps[i]}
        if not full:
            for i, share in zip(open_shares, split, strict=True):
                shares[i] = share
            break
        for i in full:
            shares[i] = caps[i]
            left -= caps[i]
        open_shares = [i for i in open_shares if i not in full]
    return shares


def _split(amount: int, weights: list[int]) -> list[int]:
    total = sum(weights)
    if total == 0:
        return [0] * (len(weights) - 1) + [amount]
    shares = [amount * w // total for w in weights[:-1]]
    shares.append(amount - sum(shares))
    return shares
