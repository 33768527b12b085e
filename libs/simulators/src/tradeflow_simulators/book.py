"""Where the warehouse and the carrier keep their books: one SQLite file (stdlib `sqlite3`) per
simulator, under `$TRADEFLOW_HOME/.local/<simulator>/`, holding what they took (dispatches,
waybills), their webhook deliveries and their hand-offs to each other — so one killed (-9
included) and started again knows every parcel it had and resumes what it had not sent.
`:memory:` keeps nothing (an app built in code, the tests).

Each store creates its own table on the connection it is given (`CREATE TABLE IF NOT EXISTS`).
A change and the deliveries it queues are written in one `transaction` (a kill keeps both or
neither); anything else is written as it happens (autocommit). WAL with `synchronous=NORMAL`:
a commit survives the process dying, not the machine losing power — enough for a simulator.
"""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Generic, Protocol, TypeVar

MEMORY = ":memory:"
T = TypeVar("T")


class Book(Protocol[T]):
    """Where a simulator writes each thing it changed (a dispatch, a waybill), and reads them all
    back at start-up, in the order they were first written."""

    def save(self, item: T) -> None: ...

    def load(self) -> list[T]: ...


class Unwritten(Generic[T]):
    """No book: what the simulator holds lives as long as the object holding it (unit tests)."""

    def save(self, item: T) -> None:
        pass

    def load(self) -> list[T]:
        return []


def default_data_file(directory: str, name: str) -> str:
    """`$TRADEFLOW_HOME/.local/<directory>/<name>` (the checkout's, else the working directory's)."""
    return str(Path(os.environ.get("TRADEFLOW_HOME", ".")) / ".local" / directory / name)


def connect(path: str) -> sqlite3.Connection:
    """Open (creating if needed) the book at `path`; autocommit, rows by column name."""
    if path != MEMORY:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def upsert(table: str, columns: tuple[str, ...]) -> str:
    """Insert a row, or rewrite the one with the same `columns[0]` (it keeps its place, `seq`)."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({columns[0]}) DO UPDATE SET {updates}")


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """Everything written inside is committed together, or nothing if it raises. Inside another
    one it joins it (the outermost commits)."""
    if db.in_transaction:
        yield
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def moment(text: str | None) -> datetime | None:
    """A moment stored as ISO 8601 text (exact to the microsecond, time zone kept)."""
    return None if text is None else datetime.fromisoformat(text)


def iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()
