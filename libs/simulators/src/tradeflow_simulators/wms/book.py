"""The warehouse's dispatches in its SQLite book (table `dispatches`), one row per dispatch number,
rewritten whole at each change: what a restarted warehouse loads (`Warehouse(book=…)`); likewise
the after-sales returns it expects (table `case_returns`, `ReturnsDesk(book=…)`)."""

import json
import sqlite3

from tradeflow_simulators.book import iso, moment, upsert
from tradeflow_simulators.interception import Interception
from tradeflow_simulators.wms.returns import CaseReturn, ReturnLine, ReturnStatus
from tradeflow_simulators.wms.warehouse import Dispatch, DispatchLine, DispatchStatus

SCHEMA = """
CREATE TABLE IF NOT EXISTS dispatches (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- the order taken
    dispatch_number TEXT NOT NULL UNIQUE,
    warehouse TEXT NOT NULL,
    shipment_id TEXT NOT NULL,
    carrier TEXT NOT NULL,
    waybill TEXT NOT NULL,
    receiver TEXT NOT NULL,  -- JSON
    lines TEXT NOT NULL,  -- JSON [{line_id, sku, quantity}]
    accepted_at TEXT NOT NULL,  -- ISO 8601, as all moments here
    status TEXT NOT NULL,
    interception TEXT NOT NULL,
    shipped_at TEXT,
    silent INTEGER NOT NULL,
    steered INTEGER NOT NULL,
    return_due INTEGER NOT NULL,
    last_event_at TEXT
);
CREATE INDEX IF NOT EXISTS dispatches_by_waybill ON dispatches (waybill);
"""
COLUMNS = ("dispatch_number", "warehouse", "shipment_id", "carrier", "waybill", "receiver", "lines", "accepted_at",
           "status", "interception", "shipped_at", "silent", "steered", "return_due", "last_event_at")


class DispatchBook:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        db.executescript(SCHEMA)
        self._upsert = upsert("dispatches", COLUMNS)

    def save(self, d: Dispatch) -> None:
        self.db.execute(self._upsert, (
            d.dispatch_number, d.warehouse, d.shipment_id, d.carrier, d.waybill, json.dumps(d.receiver),
            json.dumps([line.__dict__ for line in d.lines]), iso(d.accepted_at), d.status.value,
            d.interception.value, iso(d.shipped_at), d.silent, d.steered, d.return_due, iso(d.last_event_at)))

    def load(self) -> list[Dispatch]:
        """Every dispatch, in the order taken."""
        return [_dispatch(row) for row in self.db.execute("SELECT * FROM dispatches ORDER BY seq")]


def _dispatch(row: sqlite3.Row) -> Dispatch:
    lines = tuple(DispatchLine(**line) for line in json.loads(row["lines"]))
    return Dispatch(row["dispatch_number"], row["warehouse"], row["shipment_id"], row["carrier"], row["waybill"],
                    json.loads(row["receiver"]), lines, moment(row["accepted_at"]), DispatchStatus(row["status"]),
                    Interception(row["interception"]), moment(row["shipped_at"]), bool(row["silent"]),
                    bool(row["steered"]), bool(row["return_due"]), moment(row["last_event_at"]))


RETURNS_SCHEMA = """
CREATE TABLE IF NOT EXISTS case_returns (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL UNIQUE,
    order_id TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    lines TEXT NOT NULL,  -- JSON [{line_id, sku, quantity}]
    registered_at TEXT NOT NULL,
    carrier TEXT,
    waybill TEXT,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    steered INTEGER NOT NULL,
    last_event_at TEXT,
    cancelled_at TEXT,
    send_back INTEGER NOT NULL DEFAULT 0
);
"""
RETURN_COLUMNS = ("case_id", "order_id", "warehouse", "lines", "registered_at", "carrier", "waybill", "status", "note",
                  "steered", "last_event_at", "cancelled_at", "send_back")
ADDED_RETURN_COLUMNS = {"cancelled_at": "TEXT", "send_back": "INTEGER NOT NULL DEFAULT 0"}  # to books written before


class ReturnBook:
    """The after-sales returns the warehouse expects (table `case_returns`), one row per case."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        db.executescript(RETURNS_SCHEMA)
        known = {row[1] for row in db.execute("PRAGMA table_info(case_returns)")}
        for column, kind in ADDED_RETURN_COLUMNS.items():
            if column not in known:
                db.execute(f"ALTER TABLE case_returns ADD COLUMN {column} {kind}")
        self._upsert = upsert("case_returns", RETURN_COLUMNS)

    def save(self, r: CaseReturn) -> None:
        self.db.execute(self._upsert, (
            r.case_id, r.order_id, r.warehouse, json.dumps([line.__dict__ for line in r.lines]), iso(r.registered_at),
            r.carrier, r.waybill, r.status.value, r.note, r.steered, iso(r.last_event_at), iso(r.cancelled_at),
            r.send_back))

    def load(self) -> list[CaseReturn]:
        return [CaseReturn(row["case_id"], row["order_id"], row["warehouse"],
                           tuple(ReturnLine(**line) for line in json.loads(row["lines"])),
                           moment(row["registered_at"]), row["carrier"], row["waybill"], ReturnStatus(row["status"]),
                           row["note"], bool(row["steered"]), moment(row["last_event_at"]),
                           moment(row["cancelled_at"]), bool(row["send_back"]))
                for row in self.db.execute("SELECT * FROM case_returns ORDER BY seq")]
