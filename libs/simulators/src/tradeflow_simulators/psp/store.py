"""The simulator's durable book: one SQLite file (stdlib `sqlite3`) holding payments, refunds and
webhook deliveries, so a restarted simulator knows every payment it took and resumes the
deliveries it had not finished. `:memory:` keeps nothing (unit tests).

Times are stored as unix seconds (REAL) so ranges compare numerically.
"""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS payments (
    psp_reference TEXT PRIMARY KEY,
    merchant_reference TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    notify_url TEXT NOT NULL,
    created_at REAL NOT NULL,
    status TEXT NOT NULL,
    decided_at REAL,
    refunded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS payments_by_creation ON payments (created_at, psp_reference);
CREATE TABLE IF NOT EXISTS refunds (
    refund_reference TEXT PRIMARY KEY,
    refund_psp_reference TEXT NOT NULL,
    psp_reference TEXT NOT NULL REFERENCES payments (psp_reference),
    amount INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    event_id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    psp_reference TEXT NOT NULL,
    url TEXT NOT NULL,
    body BLOB NOT NULL,
    headers TEXT NOT NULL DEFAULT '{}',
    attempts TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL,
    created_at REAL NOT NULL,
    next_attempt_at REAL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_attempt_at);
"""


def connect(path: str) -> sqlite3.Connection:
    """Open (creating if needed) the book at `path`; autocommit, rows by column name."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.executescript(SCHEMA)
    return connection


def to_ts(moment: datetime) -> float:
    return moment.timestamp()


def from_ts(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)
