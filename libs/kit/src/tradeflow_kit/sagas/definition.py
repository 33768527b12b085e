"""A saga declared as a table of steps, read top to bottom like the business flow.

Each step names the commands it sends when the saga enters it, the replies it awaits, the steps
it may move on to, the commands that compensate it, and its deadline. The kit enforces the
table: a move to a step not listed in `next` is an `IllegalSagaMove` (a bug, never a no-op);
entering a step with a deadline arms it; entering an end step ends the saga as `completed` or
`compensated` (an end step may still move on, e.g. a paid order that is cancelled later).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from tradeflow_contracts.registry import Contract


class SagaState(StrEnum):
    RUNNING = "running"
    NEEDS_ATTENTION = "needs_attention"  # parked: a step kept failing; the reason says which and why
    COMPLETED = "completed"
    COMPENSATED = "compensated"


class SagaDefinitionError(ValueError):
    """The declared table is inconsistent (caught when the service starts, not at run time)."""


class IllegalSagaMove(RuntimeError):
    """A move the saga's table does not allow."""


@dataclass(frozen=True)
class Step:
    name: str
    sends: tuple[type[Contract], ...] = ()
    awaits: tuple[type[Contract], ...] = ()
    next: tuple[str, ...] = ()
    compensation: tuple[type[Contract], ...] = ()
    deadline: timedelta | None = None
    ends: SagaState | None = None
    doc: str = ""


@dataclass(frozen=True)
class SagaDefinition:
    name: str
    steps: tuple[Step, ...]
    _by_name: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {s.name: s for s in self.steps}
        object.__setattr__(self, "_by_name", by_name)
        _check(self.name, self.steps, by_name)

    @property
    def first(self) -> Step:
        return self.steps[0]

    def step(self, name: str) -> Step:
        try:
            return self._by_name[name]
        except KeyError:
            raise IllegalSagaMove(f"saga {self.name} has no step {name!r}") from None

    @property
    def replies(self) -> frozenset[type[Contract]]:
        """Every reply some step awaits: the messages the service must handle for this saga."""
        return frozenset(r for s in self.steps for r in s.awaits)

    def awaited_in(self, step: str, reply: type[Contract]) -> bool:
        """False for a late or unexpected reply (the handler still decides what it means)."""
        return reply in self.step(step).awaits

    def check_move(self, from_step: str, to_step: str) -> None:
        if to_step != from_step and to_step not in self.step(from_step).next:
            raise IllegalSagaMove(f"saga {self.name} cannot move from {from_step} to {to_step}")

    def state_in(self, step: str) -> SagaState:
        return self.step(step).ends or SagaState.RUNNING

    def deadline_after(self, step: str, now: datetime) -> datetime | None:
        deadline = self.step(step).deadline
        return None if deadline is None else now + deadline

    def check_handles(self, handled: Iterable[type[Contract]]) -> None:
        """At wiring: every awaited reply has a handler."""
        missing = self.replies - set(handled)
        if missing:
            names = ", ".join(sorted(m.TYPE for m in missing))
            raise SagaDefinitionError(f"saga {self.name}: no handler for {names}")

    def describe(self) -> dict:
        """The table as JSON, for `GET /sagas/definitions` and the docs."""
        return {"name": self.name, "steps": [{
            "name": s.name, "sends": [c.TYPE for c in s.sends], "awaits": [c.TYPE for c in s.awaits],
            "next": list(s.next), "compensation": [c.TYPE for c in s.compensation],
            "deadline_seconds": s.deadline.total_seconds() if s.deadline else None,
            "ends": s.ends.value if s.ends else None, "doc": s.doc} for s in self.steps]}


def _check(name: str, steps: tuple[Step, ...], by_name: dict[str, Step]) -> None:
    if not steps:
        raise SagaDefinitionError(f"saga {name} has no steps")
    if len(by_name) != len(steps):
        raise SagaDefinitionError(f"saga {name} repeats a step name")
    for s in steps:
        unknown = [n for n in s.next if n not in by_name]
        if unknown:
            raise SagaDefinitionError(f"saga {name}: step {s.name} moves to unknown {unknown}")
        if s.ends not in (None, SagaState.COMPLETED, SagaState.COMPENSATED):
            raise SagaDefinitionError(f"saga {name}: step {s.name} cannot end as {s.ends}")
        if s.deadline is not None and s.deadline <= timedelta(0):
            raise SagaDefinitionError(f"saga {name}: step {s.name} has a deadline that is not positive")
