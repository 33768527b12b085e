"""Money in integer minor units, shared by rule, not by service (DOMAIN §1 Allocation): the one
rounding rule every service that splits an amount uses, so an order, its shipments and its
after-sales cases always reconcile to the cent. Pure functions, no dependencies.

* `apportion`: an amount split in proportion to weights with floor division, the last share
  taking the remainder, so the shares always add up to the amount exactly. With `caps` (a
  discount never exceeds what a line's goods still cost; a refund never exceeds what a line
  paid), a share that would pass its cap takes exactly its cap and what is left is apportioned
  again, by the same rule, over the others — until every share fits.
* `units_between` / `units_part`: a line's amount shared over its units by position, floored
  cumulatively: units `before`…`after` of `total` are worth `amount × after ÷ total − amount ×
  before ÷ total`, so taking every unit, in any number of steps, takes exactly the amount.
  `units_part` also minds parts taken earlier (`taken`), which may not have followed the
  positions: a part never exceeds what is left, and the one taking the last units takes exactly
  what is left.
"""

__all__ = ["apportion", "units_between", "units_part"]


def apportion(amount: int, weights: list[int], caps: list[int] | None = None) -> list[int]:
    if not weights:
        raise ValueError("nothing to apportion over")
    if caps is None:
        return _split(amount, weights)
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


def units_between(amount: int, total: int, before: int, after: int) -> int:
    """What units `before`…`after` of `total` are worth of `amount`, by position, floored cumulatively."""
    return amount * after // total - amount * before // total


def units_part(amount: int, total: int, before: int, quantity: int, taken: int = 0) -> int:
    left = max(amount - taken, 0)
    if before + quantity >= total:
        return left
    return min(units_between(amount, total, before, before + quantity), left)


def _split(amount: int, weights: list[int]) -> list[int]:
    total = sum(weights)
    if total == 0:
        return [0] * (len(weights) - 1) + [amount]
    shares = [amount * w // total for w in weights[:-1]]
    shares.append(amount - sum(shares))
    return shares
