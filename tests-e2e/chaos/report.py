"""The verdict of the chaos invariants: per invariant, its breaches (none = it holds) and what
was explained — cases that look like a breach but come from the test's own doubles (a restarted
simulator that forgot its book), listed so nobody has to take them on trust."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Report:
    breaches: dict[str, list[str]] = field(default_factory=dict)
    explained: dict[str, list[str]] = field(default_factory=dict)
    final_states: Counter = field(default_factory=Counter)
    case_states: Counter = field(default_factory=Counter)  # "<type> <status>" of the chaos orders' cases
    checked_flows: int = 0

    def breach(self, invariant: str, what: str) -> None:
        self.breaches.setdefault(invariant, []).append(what)

    def explain(self, invariant: str, what: str) -> None:
        self.holds(invariant)
        self.explained.setdefault(invariant, []).append(what)

    def holds(self, invariant: str) -> None:
        self.breaches.setdefault(invariant, [])

    @property
    def ok(self) -> bool:
        return not any(self.breaches.values())

    def summary(self) -> str:
        lines = [f"flows with a 201 checked: {self.checked_flows}; final states: "
                 + ", ".join(f"{state} {n}" for state, n in sorted(self.final_states.items()))]
        if self.case_states:
            lines.append("  after-sales cases: " + ", ".join(f"{s} {n}" for s, n in sorted(self.case_states.items())))
        for invariant, breaches in self.breaches.items():
            verdict = "holds" if not breaches else f"BROKEN ×{len(breaches)}: " + "; ".join(breaches[:5])
            if explained := self.explained.get(invariant):
                verdict += f" (explained ×{len(explained)}, not counted: " + "; ".join(explained[:5]) + ")"
            lines.append(f"  {invariant}: {verdict}")
        return "\n".join(lines)
