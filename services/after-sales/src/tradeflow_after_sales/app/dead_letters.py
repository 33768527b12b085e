"""A reply about a case that is dead-lettered (a domain rule refused it, or it kept failing) parks
the case and its saga in needs_attention with the reason: never silently half done. Runs after the
dead letter is published, in a transaction of its own; a message that names no open case of ours,
or a command (`COMMANDS`), is left alone."""

import structlog

from tradeflow_after_sales.app.flow import advance
from tradeflow_after_sales.app.ports import Collaborators, Transactions
from tradeflow_contracts.channels import OpenChannelCase
from tradeflow_contracts.envelope import Envelope
from tradeflow_kit.messaging.processor import DeadLetterHook
from tradeflow_kit.messaging.records import ConsumedRecord

log = structlog.get_logger(__name__)

COMMANDS = frozenset({OpenChannelCase.TYPE})
"""Commands to after-sales name a case too, but one they would open: a dead-lettered command never
parks a case (a repeat of an open case's id must not park it)."""


def park_case_on_dead_letter(transactions: Transactions, c: Collaborators) -> DeadLetterHook:
    async def on_dead_letter(record: ConsumedRecord, envelope: Envelope | None, reason: str) -> None:
        if envelope is None or envelope.type in COMMANDS:
            return
        case_id = envelope.payload.get("case_id") or envelope.payload.get("sub_order_id")
        if not isinstance(case_id, str):
            return
        async with transactions.begin() as tx:
            saga = await tx.sagas.get(case_id, lock=True)
            case = await tx.cases.get(case_id) if saga is not None else None
            if case is None or not case.is_open:
                return
            case.park(saga.step, f"{envelope.type} dead-lettered: {reason}", c.clock.now())
            await advance(tx, c, case, await tx.cases.progress(case_id), saga, f"{envelope.type} dead-lettered")
        log.error("after_sales.case_parked", case_id=case_id, step=saga.step, reason=reason, position=record.position)

    return on_dead_letter
