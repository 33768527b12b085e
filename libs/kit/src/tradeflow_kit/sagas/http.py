"""The saga ops routes every service with sagas exposes the same way (staff only). The gateway
maps `/ops/<service>/<path>` to `<path>` on the service, so these are `/ops/<service>/sagas…`.

* `GET /sagas?name=&state=&step=&limit=&cursor=` — newest first (`updated_at`, `id`), paged by
  an opaque `next_cursor`; `state=needs_attention` lists what needs a person, with the reason.
* `GET /sagas/definitions` — each declared table of steps (`SagaDefinition.describe()`).
* `GET /sagas/{id}` — the saga, its `history` (every move, oldest first) and `current_step`
  (the declaration of the step it stands in).
* `POST /sagas/{id}/resume` — staff take a `needs_attention` saga back: running again, its
  step's deadline due at once (409 `saga-not-parked` for any other state).
Unknown `name`/`state`/`step` filters are a 422 naming the field; a cursor this API did not
give out is a 400; an unknown id is a 404 `saga-not-found`.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from tradeflow_kit.auth import Principal, Role, require_roles
from tradeflow_kit.cursors import decode_cursor, encode_cursor
from tradeflow_kit.problems import Problem
from tradeflow_kit.sagas.definition import SagaDefinition, SagaState
from tradeflow_kit.sagas.instance import SagaInstance, SagaMove, resume
from tradeflow_kit.sagas.scheduler import Clock, Transactions

Staff = Annotated[Principal, Depends(require_roles(Role.STAFF))]


def saga_router(transactions: Transactions, definitions: Sequence[SagaDefinition], *,
                clock: Clock = lambda: datetime.now(UTC)) -> APIRouter:
    """The `/sagas` routes over the service's saga tables; `definitions`: every saga it runs."""
    by_name = {d.name: d for d in definitions}
    if len(by_name) != len(definitions):
        raise ValueError("two saga definitions share a name")
    router = APIRouter(prefix="/sagas", tags=["sagas"])

    @router.get("", summary="Sagas, newest first (filter by name, state, step)")
    async def list_sagas(_staff: Staff, name: str | None = None, state: str | None = None, step: str | None = None,
                         limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: str | None = None) -> dict:
        state_filter = _check_filters(by_name, name, state, step)
        after = decode_cursor(cursor)
        async with transactions.begin() as tx:
            found = await tx.sagas.find(name=name, state=state_filter, step=step, limit=limit + 1, after=after)
        page, more = found[:limit], len(found) > limit
        after_last = encode_cursor(page[-1].updated_at, page[-1].id) if more else None
        return {"items": [saga_view(s) for s in page], "next_cursor": after_last}

    @router.get("/definitions", summary="Every saga's declared table of steps")
    async def list_definitions(_staff: Staff) -> dict:
        return {"items": [d.describe() for d in definitions]}

    @router.get("/{saga_id}", summary="One saga: where it stands, why it needs attention, every move")
    async def get_saga(saga_id: str, _staff: Staff) -> dict:
        async with transactions.begin() as tx:
            saga = await _existing(tx, saga_id, lock=False)
            history = await tx.sagas.history(saga_id)
        return saga_detail(saga, history, by_name.get(saga.name))

    @router.post("/{saga_id}/resume", summary="Take a needs_attention saga back (its deadline due at once)")
    async def resume_saga(saga_id: str, staff: Staff) -> dict:
        async with transactions.begin() as tx:
            saga = await _existing(tx, saga_id, lock=True)
            definition = by_name.get(saga.name)
            if saga.state != SagaState.NEEDS_ATTENTION or definition is None:
                why = (f"saga {saga_id} is {saga.state}; only a needs_attention saga can be resumed"
                       if definition is not None else f"this service does not run {saga.name} sagas")
                raise Problem(409, "saga-not-parked", "Saga not parked", detail=why)
            resume(definition, saga, f"staff:{staff.sub}", clock())
            await tx.sagas.save(saga)
            history = await tx.sagas.history(saga_id)
        return saga_detail(saga, history, definition)

    return router


def saga_view(saga: SagaInstance) -> dict:
    return {"id": saga.id, "name": saga.name, "step": saga.step, "state": SagaState(saga.state).value,
            "started_at": saga.started_at.isoformat(), "updated_at": saga.updated_at.isoformat(),
            "deadline_at": saga.deadline_at.isoformat() if saga.deadline_at else None,
            "attempts": saga.attempts, "attention": saga.attention}


def saga_detail(saga: SagaInstance, history: list[SagaMove], definition: SagaDefinition | None) -> dict:
    steps = {s["name"]: s for s in definition.describe()["steps"]} if definition else {}
    return {**saga_view(saga), "current_step": steps.get(saga.step),
            "history": [{"at": m.at.isoformat(), "from_step": m.from_step, "to_step": m.to_step, "cause": m.cause}
                        for m in history]}


async def _existing(tx, saga_id: str, *, lock: bool) -> SagaInstance:
    saga = await tx.sagas.get(saga_id, lock=lock)
    if saga is None:
        raise Problem(404, "saga-not-found", "Saga not found", detail=f"no saga {saga_id}")
    return saga


def _check_filters(by_name: dict[str, SagaDefinition], name: str | None, state: str | None,
                   step: str | None) -> SagaState | None:
    errors = []
    if name is not None and name not in by_name:
        errors.append({"field": "name", "message": f"unknown saga; known: {', '.join(sorted(by_name))}"})
    if state is not None and state not in SagaState._value2member_map_:
        errors.append({"field": "state", "message": f"must be one of: {', '.join(s.value for s in SagaState)}"})
    if step is not None:
        among = [by_name[name]] if name in by_name else by_name.values()
        if not any(step == s.name for d in among for s in d.steps):
            errors.append({"field": "step", "message": f"no saga{' ' + name if name in by_name else ''} has this step"})
    if errors:
        raise Problem(422, "validation-failed", "Request validation failed",
                      detail=f"{len(errors)} field(s) are invalid", errors=errors)
    return None if state is None else SagaState(state)
