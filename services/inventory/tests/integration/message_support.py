"""Feeding commands to the processor as consumed records, and reading what it published."""

import json

from sqlalchemy import select

from tradeflow_contracts.envelope import new_envelope
from tradeflow_contracts.inventory import COMMANDS
from tradeflow_contracts.registry import Contract, payload_of
from tradeflow_inventory.adapters.tables import outbox
from tradeflow_kit.messaging.records import ConsumedRecord


def record(message: Contract, offset: int = 0) -> ConsumedRecord:
    """The message in a new envelope (its own message id), as consumed from inventory.commands."""
    envelope = new_envelope(message.TYPE, message.VERSION, payload_of(message), producer="order",
                            correlation_id="corr-1")
    return ConsumedRecord(COMMANDS, 0, offset, b"o-1", envelope.to_bytes(), tuple(envelope.headers()), 0)


async def published(sessions) -> list[tuple[str, str, str, dict]]:
    """(topic, key, type, payload) of every outbox row, in order."""
    async with sessions() as s:
        rows = await s.execute(select(outbox).order_by(outbox.c.id))
        return [(r.topic, r.key, r.type, json.loads(r.value)["payload"]) for r in rows]
