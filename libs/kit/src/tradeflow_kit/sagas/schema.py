"""The saga tables a service database has when it runs sagas: `sagas` and `saga_moves`.

`sagas` holds one row per saga (where it stands, its state, its armed deadline, how often the
step's deadline action failed and why it needs a person); `saga_moves` keeps every change of
step, oldest first by `id`. Two indexes serve the two readers: the deadline scheduler
(`sagas_due`: running sagas of one definition with an armed deadline) and the ops listing
(`sagas_recent`: newest first by `updated_at`, then `id`).
"""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    text,
)

from tradeflow_kit.schema_steps import create_tables, drop_tables


def saga_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Add `sagas` and `saga_moves` to a service's metadata; returns them."""
    sagas = Table(
        "sagas", metadata,
        Column("id", Text, primary_key=True),
        Column("name", Text, nullable=False),
        Column("step", Text, nullable=False),
        Column("state", Text, nullable=False),
        Column("started_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("deadline_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("attention", Text),
        Index("sagas_due", "name", "deadline_at",
              postgresql_where=text("state = 'running' AND deadline_at IS NOT NULL")),
    )
    Index("sagas_recent", sagas.c.updated_at.desc(), sagas.c.id.desc())
    moves = Table(
        "saga_moves", metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("saga_id", Text, ForeignKey("sagas.id", ondelete="CASCADE"), nullable=False, index=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("from_step", Text),
        Column("to_step", Text, nullable=False),
        Column("cause", Text, nullable=False),
    )
    return sagas, moves


def create_saga_tables_v1(bind) -> None:
    """Migration step: create version 1 of the saga tables."""
    create_tables(bind, saga_tables)


def drop_saga_tables_v1(bind) -> None:
    drop_tables(bind, saga_tables)
