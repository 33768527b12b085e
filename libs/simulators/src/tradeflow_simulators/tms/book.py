"""The carriers' waybills in their SQLite book (table `waybills`), one row per waybill, rewritten
whole at each change: what a restarted carrier simulator loads (`Carriers(book=…)`)."""

import json
import sqlite3

from tradeflow_simulators.book import iso, moment, upsert
from tradeflow_simulators.interception import Interception
from tradeflow_simulators.tms.carriers import Waybill, WaybillStatus

SCHEMA = """
CREATE TABLE IF NOT EXISTS waybills (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- the order issued
    waybill TEXT NOT NULL UNIQUE,
    carrier TEXT NOT NULL,
    shipment_id TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    receiver TEXT NOT NULL,  -- JSON
    weight_grams INTEGER NOT NULL,
    created_at TEXT NOT NULL,  -- ISO 8601, as all moments here
    status TEXT NOT NULL,
    interception TEXT NOT NULL,
    handed_over_at TEXT,
    signed_at TEXT,
    steered INTEGER NOT NULL,
    last_event_at TEXT
);
CREATE INDEX IF NOT EXISTS waybills_by_shipment ON waybills (carrier, shipment_id);
"""
COLUMNS = ("waybill", "carrier", "shipment_id", "warehouse", "receiver", "weight_grams", "created_at", "status",
           "interception", "handed_over_at", "signed_at", "steered", "last_event_at")


class WaybillBook:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        db.executescript(SCHEMA)
        self._upsert = upsert("waybills", COLUMNS)

    def save(self, w: Waybill) -> None:
        self.db.execute(self._upsert, (
            w.waybill, w.carrier, w.shipment_id, w.warehouse, json.dumps(w.receiver), w.weight_grams,
            iso(w.created_at), w.status.value, w.interception.value, iso(w.handed_over_at), iso(w.signed_at),
            w.steered, iso(w.last_event_at)))

    def load(self) -> list[Waybill]:
        """Every waybill, in the order issued."""
        return [_waybill(row) for row in self.db.execute("SELECT * FROM waybills ORDER BY seq")]


def _waybill(row: sqlite3.Row) -> Waybill:
    return Waybill(row["waybill"], row["carrier"], row["shipment_id"], row["warehouse"], json.loads(row["receiver"]),
                   row["weight_grams"], moment(row["created_at"]), WaybillStatus(row["status"]),
                   Interception(row["interception"]), moment(row["handed_over_at"]), moment(row["signed_at"]),
                   bool(row["steered"]), moment(row["last_event_at"]))
