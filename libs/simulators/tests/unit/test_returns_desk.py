"""The warehouse's returns desk, cancelled (issue 12): what a cancel does to a return in each
status, once; its book keeps the cancel across a restart and takes a book written before it
knew of cancels."""

import sqlite3
from datetime import UTC, datetime

from tradeflow_simulators.book import connect
from tradeflow_simulators.wms.book import ReturnBook
from tradeflow_simulators.wms.returns import CaseReturn, ReturnLine, ReturnsDesk, ReturnStatus

AT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
OLD_SCHEMA = """CREATE TABLE case_returns (seq INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL UNIQUE,
order_id TEXT NOT NULL, warehouse TEXT NOT NULL, lines TEXT NOT NULL, registered_at TEXT NOT NULL, carrier TEXT,
waybill TEXT, status TEXT NOT NULL, note TEXT NOT NULL, steered INTEGER NOT NULL, last_event_at TEXT);"""


def _registered(desk: ReturnsDesk, case_id: str) -> CaseReturn:
    held, _ = desk.register(CaseReturn(case_id, "o-1", "WH-1", (ReturnLine("l1", "SKU-A", 1),), AT, "SF", "SF-1"))
    return held


def test_a_cancel_acts_once_by_status_and_a_cancelled_parcel_received_is_held():
    desk = ReturnsDesk(lambda: AT)
    expected, failed = _registered(desk, "c-1"), _registered(desk, "c-2")
    desk.inspect(failed, False, "torn")
    notices, outcome = desk.cancel("c-2", send_back=True)
    assert (outcome, [n.type for n in notices], failed.status) == ("sent_back", ["case_return_sent_back"],
                                                                   ReturnStatus.SENT_BACK)
    assert desk.cancel("c-2", send_back=False) == ([], "unchanged")
    assert desk.cancel("c-1", send_back=True) == ([], "cancelled")
    assert desk.auto_step() == [], "auto mode leaves cancelled returns alone"
    [notice] = desk.receive(expected)
    assert (expected.status, notice.type, notice.fields["held"]) == (ReturnStatus.HELD, "case_return_received", True)
    assert desk.receive(expected) == []


def test_a_reopened_desk_knows_its_cancels_also_in_a_book_written_before_them(tmp_path):
    path = str(tmp_path / "wms.sqlite3")
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
    desk = ReturnsDesk(lambda: AT, book=ReturnBook(connect(path)))
    _registered(desk, "c-1")
    desk.cancel("c-1", send_back=True)
    desk.book.db.close()
    [reopened] = ReturnsDesk(lambda: AT, book=ReturnBook(connect(path)))._returns.values()
    assert (reopened.status, reopened.cancelled_at, reopened.send_back) == (ReturnStatus.CANCELLED, AT, True)
