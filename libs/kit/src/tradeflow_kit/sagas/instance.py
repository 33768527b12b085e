"""One saga's persisted state, and the only ways it changes.

`step` is where the saga stands in its definition; `state` is running, needs_attention,
completed or compensated; `deadline_at` is armed on entering a step that has a deadline.
A step whose action keeps failing (its deadline action, or a reply dead-lettered) parks the saga
in `needs_attention` with the reason; moving on to another step clears it, and so does staff
resuming it. Every change of step is kept as a `SagaMove` (from, to, cause, when).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tradeflow_kit.sagas.definition import SagaDefinition, SagaState


@dataclass(frozen=True)
class SagaMove:
    at: datetime
    from_step: str | None
    to_step: str
    cause: str


@dataclass
class SagaInstance:
    id: str
    name: str
    step: str
    state: SagaState
    started_at: datetime
    updated_at: datetime
    deadline_at: datetime | None = None
    attempts: int = 0  # failed attempts of the current step's deadline action
    attention: str | None = None  # why it needs a person
    moves: list[SagaMove] = field(default_factory=list)  # not yet saved

    def pull_moves(self) -> list[SagaMove]:
        moves, self.moves = self.moves, []
        return moves


@dataclass(frozen=True)
class FailurePolicy:
    """A failing deadline action is tried again after a backoff; after `max_attempts` the saga
    needs attention (the deadline stays armed, so resuming retries it at once)."""

    max_attempts: int = 5
    first_backoff: timedelta = timedelta(seconds=1)
    max_backoff: timedelta = timedelta(minutes=5)

    def backoff(self, attempts: int) -> timedelta:
        return min(self.first_backoff * 2 ** max(attempts - 1, 0), self.max_backoff)


def begin(definition: SagaDefinition, saga_id: str, now: datetime, cause: str = "started") -> SagaInstance:
    first = definition.first
    saga = SagaInstance(saga_id, definition.name, first.name, definition.state_in(first.name), now, now,
                        definition.deadline_after(first.name, now))
    saga.moves.append(SagaMove(now, None, first.name, cause))
    return saga


def move(definition: SagaDefinition, saga: SagaInstance, to_step: str, cause: str, now: datetime) -> bool:
    """Move to `to_step` (staying is allowed and changes nothing); True when the step changed."""
    _same_saga(definition, saga)
    definition.check_move(saga.step, to_step)
    if to_step == saga.step:
        return False
    saga.moves.append(SagaMove(now, saga.step, to_step, cause))
    saga.step, saga.state, saga.updated_at = to_step, definition.state_in(to_step), now
    saga.deadline_at, saga.attempts, saga.attention = definition.deadline_after(to_step, now), 0, None
    return True


def failed(saga: SagaInstance, reason: str, now: datetime, policy: FailurePolicy) -> None:
    """The current step's deadline action failed: try again later, or park after the last try."""
    saga.attempts += 1
    saga.updated_at = now
    if saga.attempts >= policy.max_attempts:
        park(saga, f"{saga.step}: failed {saga.attempts} times, last: {reason}", now)
    else:
        saga.deadline_at = now + policy.backoff(saga.attempts)


def park(saga: SagaInstance, reason: str, now: datetime) -> None:
    saga.state, saga.attention, saga.updated_at = SagaState.NEEDS_ATTENTION, reason, now


def resume(definition: SagaDefinition, saga: SagaInstance, actor: str, now: datetime) -> None:
    """Staff take it from here: running again, the step's deadline (if any) due at once."""
    _same_saga(definition, saga)
    if saga.state is not SagaState.NEEDS_ATTENTION:
        raise ValueError(f"saga {saga.id} is {saga.state}, not needs_attention")
    saga.state, saga.attempts, saga.attention, saga.updated_at = definition.state_in(saga.step), 0, None, now
    if definition.step(saga.step).deadline is not None:
        saga.deadline_at = now
    saga.moves.append(SagaMove(now, saga.step, saga.step, f"resumed by {actor}"))


def _same_saga(definition: SagaDefinition, saga: SagaInstance) -> None:
    if saga.name != definition.name:
        raise ValueError(f"saga {saga.id} is a {saga.name} saga, not {definition.name}")
