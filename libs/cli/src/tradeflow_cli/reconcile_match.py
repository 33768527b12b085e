"""Daily payment reconciliation (对账): our payment attempts of a day against the PSP's.

Each attempt is matched by its PSP reference. Outcomes:
* matched — both know it, with the same amount and currency, and both agree whether the money
  was captured (succeeded);
* missing_ours — the PSP has a payment we have no record of;
* missing_psp — we have an attempt the PSP does not know;
* amount_mismatch — both know it, but amount or currency differ;
* status_mismatch — same amount, but one side says captured and the other does not (e.g. a lost
  webhook not yet reconciled: the buyer's money is not recorded on our side).

Amounts are integer minor units. Pure: the sources are read elsewhere (reconcile_sources).
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime

OUTCOMES = ("matched", "missing_ours", "missing_psp", "amount_mismatch", "status_mismatch")
LABELS = {"matched": "matched", "missing_ours": "missing on our side", "missing_psp": "missing at the PSP",
          "amount_mismatch": "amount mismatch", "status_mismatch": "status mismatch"}


@dataclass(frozen=True)
class Attempt:
    """One payment attempt as one side records it."""

    psp_reference: str
    order_id: str
    amount: int
    currency: str
    status: str
    created_at: datetime

    @property
    def captured(self) -> bool:
        return self.status == "succeeded"


@dataclass(frozen=True)
class Line:
    outcome: str
    psp_reference: str
    order_id: str
    ours: Attempt | None
    psp: Attempt | None

    @property
    def amount(self) -> int:
        """The amount this line is about: the PSP's when it has one (it holds the money)."""
        return (self.psp or self.ours).amount  # type: ignore[union-attr]


@dataclass
class Report:
    day: str
    lines: list[Line] = field(default_factory=list)

    def of(self, outcome: str) -> list[Line]:
        return [line for line in self.lines if line.outcome == outcome]

    @property
    def differences(self) -> list[Line]:
        return [line for line in self.lines if line.outcome != "matched"]

    @property
    def all_match(self) -> bool:
        return not self.differences

    def totals(self) -> dict[str, dict[str, int]]:
        return {o: {"count": len(self.of(o)), "amount": sum(line.amount for line in self.of(o))} for o in OUTCOMES}

    def captured(self) -> dict[str, int]:
        return {"ours": sum(a.amount for line in self.lines if (a := line.ours) and a.captured),
                "psp": sum(a.amount for line in self.lines if (a := line.psp) and a.captured)}

    def as_json(self) -> dict:
        def attempt(a: Attempt | None) -> dict | None:
            return None if a is None else asdict(a) | {"created_at": a.created_at.isoformat()}
        return {"day": self.day, "all_match": self.all_match, "totals": self.totals(), "captured": self.captured(),
                "differences": [{"outcome": d.outcome, "psp_reference": d.psp_reference, "order_id": d.order_id,
                                 "amount": d.amount, "ours": attempt(d.ours), "psp": attempt(d.psp)}
                                for d in self.differences]}


def reconcile(day: str, ours: list[Attempt], psp: dict[str, Attempt], psp_of_day: set[str]) -> Report:
    """Match our attempts of the day against the PSP's (`psp`: every PSP payment we know of, by
    reference; `psp_of_day`: the references the PSP created that day)."""
    report, seen = Report(day), set()
    for mine in sorted(ours, key=lambda a: (a.created_at, a.psp_reference)):
        seen.add(mine.psp_reference)
        theirs = psp.get(mine.psp_reference)
        report.lines.append(Line(_outcome(mine, theirs), mine.psp_reference, mine.order_id, mine, theirs))
    for reference in sorted(psp_of_day - seen, key=lambda r: (psp[r].created_at, r)):
        theirs = psp[reference]
        report.lines.append(Line("missing_ours", reference, theirs.order_id, None, theirs))
    return report


def _outcome(mine: Attempt, theirs: Attempt | None) -> str:
    if theirs is None:
        return "missing_psp"
    if (mine.amount, mine.currency) != (theirs.amount, theirs.currency):
        return "amount_mismatch"
    if mine.captured != theirs.captured:
        return "status_mismatch"
    return "matched"
