"""A part stop (issue 12: "before shipment refund_only … stops that line's shipment … or, if the
parcel can no longer be stopped, the case says so and becomes a return"): the order stopped some
of the case's units and the others go on to the buyer.

The case is **split** rather than shrunk: the case keeps the stopped units — their refund is the
order's, exactly what it reports (`StoppedLine.amount`) — and completes with them; the units going
on continue in a new `return_and_refund` case (`continued_by` / `split_from`), opened by the saga
for the same buyer, already approved (the first case was reviewed), awaiting its return by the
deadline. Each case then holds exactly its own units and money, so the order's other cases count
them right (`claims()`), and each refund is one refund of one case.

The money, per line of `quantity` units whose case refund is goods G, shipping Sh, points P,
amount A, of which `s` units were stopped for `a` (the order's, ≤ A):
* the stopped part: `a`; its goods share ⌊G·s/q⌋ (at most `a`), the rest of `a` shipping; points
  ⌊P·s/q⌋ (what the order gives back for them, floored as it does);
* the part going on: the rest of the goods and points; its shipping share is forfeited, as for
  any return after shipment, and its amount is the rest of the goods, never more than A − a (an
  amount staff set is kept: A − a).
So a + (the return's amount) ≤ A ≤ what the line paid, to the cent.
"""

from dataclasses import replace

from tradeflow_after_sales.domain.model import CaseLine, LineRefund


def stopped_part(line: CaseLine, stopped: int, amount: int) -> CaseLine:
    """The line's stopped units with the order's refund for them."""
    refund = _refund(line)
    goods = min(refund.goods * stopped // line.quantity, amount)
    points = refund.points * stopped // line.quantity
    return replace(line, quantity=stopped, refund=LineRefund(goods, amount - goods, points, True, amount))


def going_on_part(line: CaseLine, going_on: int, stopped: CaseLine | None, overridden: bool) -> CaseLine:
    """The line's units going on, with the rest of its refund (shipping forfeited)."""
    refund = _refund(line)
    took = stopped.refund if stopped is not None else LineRefund(0, 0, 0, True, 0)
    goods = max(refund.goods - took.goods, 0)
    shipping = max(refund.shipping - took.shipping, 0)
    left = max(refund.amount - took.amount, 0)
    amount = left if overridden else min(goods, left)
    return replace(line, quantity=going_on, refund=LineRefund(goods, shipping, max(refund.points - took.points, 0),
                                                              False, amount))


def split_lines(lines: tuple[CaseLine, ...], stopped: dict[str, tuple[int, int]], going_on: dict[str, int],
                overridden: bool) -> tuple[tuple[CaseLine, ...], tuple[CaseLine, ...]]:
    """(the stopped lines, the lines going on): `stopped` line id → (units, the order's amount),
    `going_on` line id → units."""
    kept, moved = [], []
    for line in lines:
        part = stopped_part(line, *stopped[line.line_id]) if line.line_id in stopped else None
        if part is not None:
            kept.append(part)
        if going_on.get(line.line_id):
            moved.append(going_on_part(line, going_on[line.line_id], part, overridden))
    return tuple(kept), tuple(moved)


def _refund(line: CaseLine) -> LineRefund:
    if line.refund is None:
        raise ValueError(f"line {line.line_id} has no refund to split")
    return line.refund
