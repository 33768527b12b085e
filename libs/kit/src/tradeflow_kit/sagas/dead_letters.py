"""A reply that is dead-lettered parks its saga: the saga will not move on by itself, so it
needs a person, and the ops listing (`state=needs_attention`) shows it with the reason.

Rules: the hook runs after the dead letter is published, in a transaction of its own; it parks
only a saga that exists, is of this definition and has not ended (completed/compensated) —
any other message (an unknown id, another saga's, a record that is not even an envelope) is
left alone. A parked saga parked again keeps the newest reason.
"""

from collections.abc import Callable

import structlog

from tradeflow_contracts.envelope import Envelope
from tradeflow_kit.messaging.processor import DeadLetterHook
from tradeflow_kit.messaging.records import ConsumedRecord
from tradeflow_kit.sagas.definition import SagaDefinition, SagaState
from tradeflow_kit.sagas.instance import park
from tradeflow_kit.sagas.scheduler import Clock, Transactions

log = structlog.get_logger(__name__)

_ENDED = (SagaState.COMPLETED, SagaState.COMPENSATED)


def park_on_dead_letter(transactions: Transactions, definition: SagaDefinition,
                        saga_id_of: Callable[[Envelope], str | None], clock: Clock) -> DeadLetterHook:
    """The `on_dead_letter` hook for `ServiceRuntime.consume`: `saga_id_of` names the saga a
    message belongs to (None: not a saga's message)."""

    async def on_dead_letter(record: ConsumedRecord, envelope: Envelope | None, reason: str) -> None:
        saga_id = saga_id_of(envelope) if envelope is not None else None
        if saga_id is None:
            return
        async with transactions.begin() as tx:
            saga = await tx.sagas.get(saga_id, lock=True)
            if saga is None or saga.name != definition.name or saga.state in _ENDED:
                log.info("saga.dead_letter_ignored", saga=definition.name, saga_id=saga_id,
                         message_type=envelope.type, found=None if saga is None else f"{saga.name}/{saga.state}")
                return
            park(saga, f"{envelope.type} dead-lettered: {reason}", clock())
            await tx.sagas.save(saga)
        log.error("saga.parked", saga=definition.name, saga_id=saga.id, step=saga.step, reason=saga.attention,
                  position=record.position)

    return on_dead_letter
