"""What the kit's deadline scheduler does when a step's deadline passes (one saga per transaction,
claimed with SKIP LOCKED, so it survives restarts and runs in every replica):

* a step that waits for an answer (stopping_shipment, reserving_replacement, refunding,
  revoking_entitlement) asks again — after its reply timeout, or after the backoff of a failure
  worth retrying (a refund that failed is asked under a new refund id);
* awaiting_return: the buyer sent nothing by the return deadline — the case is closed_expired and
  releases what it held.

A case's rules refusing the action (a domain error: it would refuse again every time) park the
case in needs_attention at once, instead of the kit retrying it until it parks the saga alone.
"""

from collections.abc import Mapping
from datetime import datetime

import structlog

from tradeflow_after_sales.app.flow import advance, load
from tradeflow_after_sales.app.ports import AfterSalesTransaction, Collaborators
from tradeflow_after_sales.domain.errors import AfterSalesError
from tradeflow_kit.sagas.instance import SagaInstance
from tradeflow_kit.sagas.scheduler import DeadlineAction

log = structlog.get_logger(__name__)


def deadline_actions(c: Collaborators) -> Mapping[str, DeadlineAction]:
    async def ask_again(tx: AfterSalesTransaction, saga: SagaInstance, now: datetime) -> None:
        case, progress, saga = await load(tx, saga.id)
        saga.deadline_at = c.saga.deadline_after(saga.step, now)
        log.info("after_sales.step_asked_again", case_id=case.id, step=saga.step, failures=progress.failures)
        await advance(tx, c, case, progress, saga, f"{saga.step}: asked again", resend=True)

    async def expire(tx: AfterSalesTransaction, saga: SagaInstance, now: datetime) -> None:
        case, progress, saga = await load(tx, saga.id)
        case.expire(now)
        await advance(tx, c, case, progress, saga, "no return parcel by the deadline")

    actions = {"stopping_shipment": ask_again, "reserving_replacement": ask_again, "refunding": ask_again,
               "revoking_entitlement": ask_again, "awaiting_return": expire}
    return {step: _parking_refusals(action, c) for step, action in actions.items()}


def _parking_refusals(action: DeadlineAction, c: Collaborators) -> DeadlineAction:
    async def run(tx: AfterSalesTransaction, saga: SagaInstance, now: datetime) -> None:
        try:  # a case's rules refuse before anything is written: the case is read afresh and parked
            await action(tx, saga, now)
        except AfterSalesError as exc:
            case, progress, saga = await load(tx, saga.id)
            case.park(saga.step, f"{type(exc).__name__}: {exc}", now)
            await advance(tx, c, case, progress, saga, f"{saga.step} refused")
    return run
