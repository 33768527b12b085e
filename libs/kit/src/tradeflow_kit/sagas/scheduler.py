"""The one deadline scheduler every saga uses: fire the action of each step whose deadline passed.

Rules:
* every step with a deadline has an action (checked before anything runs: SagaDefinitionError);
* each due saga is claimed (SKIP LOCKED, so any number of replicas may run the scheduler) and
  its action runs in the saga's OWN transaction — one saga's failure never undoes another's step;
* the action moves the saga itself (e.g. to a compensating step) and saves it;
* if the action raises, its transaction rolls back and, in a new transaction, the failure is
  counted on the saga (`instance.failed`): its deadline is re-armed after a backoff, and after
  `policy.max_attempts` failures the saga is parked in `needs_attention` with the reason
  (`<ExcType>: <message>`); the round goes on with the other due sagas;
* a round handles at most `batch` sagas; a saga claimed twice in a round (its action left the
  deadline due) ends the round instead of spinning on it.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol, TypeVar

import structlog

from tradeflow_kit.periodic import run_rounds
from tradeflow_kit.sagas.definition import SagaDefinition, SagaDefinitionError, SagaState
from tradeflow_kit.sagas.instance import FailurePolicy, SagaInstance, failed
from tradeflow_kit.sagas.ports import SagaTransaction

log = structlog.get_logger(__name__)

T = TypeVar("T", bound=SagaTransaction)
T_co = TypeVar("T_co", bound=SagaTransaction, covariant=True)

DeadlineAction = Callable[[T, SagaInstance, datetime], Awaitable[None]]
"""`(transaction, saga, now)`: what happens when the saga's step deadline passes."""


class Transactions(Protocol[T_co]):
    """The service's transactions, as the kit's `SqlaTransactions` opens them."""

    def begin(self) -> AbstractAsyncContextManager[T_co]:
        """A new transaction, committed when the block ends normally, rolled back if it raises."""

Clock = Callable[[], datetime]


def check_deadline_actions(definition: SagaDefinition, actions: Mapping[str, DeadlineAction]) -> None:
    """Every step with a deadline has an action, and every action belongs to such a step."""
    timed = {s.name for s in definition.steps if s.deadline is not None}
    missing, stray = timed - actions.keys(), actions.keys() - timed
    if missing:
        raise SagaDefinitionError(f"saga {definition.name}: no deadline action for {', '.join(sorted(missing))}")
    if stray:
        raise SagaDefinitionError(
            f"saga {definition.name}: deadline actions for steps without a deadline: {', '.join(sorted(stray))}")


async def fire_due_deadlines(transactions: Transactions[T], definition: SagaDefinition,
                             actions: Mapping[str, DeadlineAction[T]], clock: Clock,
                             policy: FailurePolicy = FailurePolicy(), batch: int = 50) -> int:
    """Fire the deadlines due now, one saga per transaction; returns how many sagas were handled
    (fired or counted as failed), so a full round (`== batch`) may run again at once."""
    check_deadline_actions(definition, actions)
    handled, seen = 0, set()
    while handled < batch:
        claimed: tuple[str, str] | None = None  # (id, step) as claimed: the action changes the instance
        try:
            async with transactions.begin() as tx:
                due = await tx.sagas.claim_due(definition.name, clock(), 1)
                if not due:
                    return handled
                saga = due[0]
                claimed = saga.id, saga.step
                if saga.id in seen:
                    log.warning("saga.deadline_not_moved", saga=definition.name, saga_id=saga.id, step=saga.step)
                    return handled
                seen.add(saga.id)
                await actions[saga.step](tx, saga, clock())
        except Exception as exc:  # counted on the saga (below); the round goes on
            if claimed is None:
                raise  # could not even claim: the round fails (run_rounds logs it and tries later)
            await _count_failure(transactions, definition, *claimed, f"{type(exc).__name__}: {exc}", clock, policy)
        else:
            log.info("saga.deadline_fired", saga=definition.name, saga_id=claimed[0], step=claimed[1],
                     moved_to=saga.step)
        handled += 1
    return handled


async def _count_failure(transactions: Transactions, definition: SagaDefinition, saga_id: str, step: str,
                         reason: str, clock: Clock, policy: FailurePolicy) -> None:
    async with transactions.begin() as tx:
        saga = await tx.sagas.get(saga_id, lock=True)
        if saga is None or saga.state != SagaState.RUNNING or saga.step != step:
            log.info("saga.deadline_failed", saga=definition.name, saga_id=saga_id, step=step,
                     error=reason, counted=False)  # it moved on meanwhile: nothing to retry
            return
        failed(saga, reason, clock(), policy)
        await tx.sagas.save(saga)
    if saga.state == SagaState.NEEDS_ATTENTION:
        log.error("saga.parked", saga=definition.name, saga_id=saga.id, step=saga.step, attempts=saga.attempts,
                  reason=saga.attention)
    else:
        log.warning("saga.deadline_failed", saga=definition.name, saga_id=saga.id, step=saga.step,
                    attempts=saga.attempts, error=reason, retry_at=saga.deadline_at.isoformat())


async def run_deadline_scheduler(transactions: Transactions[T], definition: SagaDefinition,
                                 actions: Mapping[str, DeadlineAction[T]], clock: Clock, stop: asyncio.Event, *,
                                 interval: float = 0.5, policy: FailurePolicy = FailurePolicy(),
                                 batch: int = 50) -> None:
    """Fire due deadlines every `interval` seconds (at once again after a full round) until
    `stop` is set; a missing action fails here, at start, not in every round."""
    check_deadline_actions(definition, actions)
    await run_rounds(f"saga.{definition.name}.deadlines",
                     lambda: fire_due_deadlines(transactions, definition, actions, clock, policy, batch),
                     stop, interval=interval, full=batch)
