"""The outbox (in the simulator's SQLite book) sends a subject's webhooks one at a time, in order,
and keeps them across a reopening; announce shapes them."""

import json
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

from tradeflow_simulators.book import connect
from tradeflow_simulators.deliveries import Notice, OrderedDeliveries, announce
from tradeflow_simulators.webhooks import Delivery

AT = datetime(2026, 1, 1, tzinfo=UTC)


def _delivery(delivery_id: str, subject: str, next_at: float = 0.0) -> Delivery:
    return Delivery(delivery_id, f"evt_{delivery_id}", "picked", subject, "http://x", b"{}", 0.0,
                    next_attempt_at=next_at)


def test_only_the_first_pending_delivery_of_a_subject_is_due():
    store = OrderedDeliveries(connect(":memory:"))
    for delivery in (_delivery("a1", "A"), _delivery("a2", "A"), _delivery("b1", "B")):
        store.add(delivery)
    assert [d.delivery_id for d in store.due(now=1.0, limit=10)] == ["a1", "b1"]


def test_the_next_one_is_due_once_the_one_before_is_answered_or_given_up():
    store = OrderedDeliveries(connect(":memory:"))
    first, second, third = _delivery("a1", "A"), _delivery("a2", "A"), _delivery("a3", "A")
    for delivery in (first, second, third):
        store.add(delivery)
    store.record(replace(first, next_attempt_at=5.0))
    assert store.due(now=1.0, limit=10) == [] and store.next_due_after(1.0) == 5.0, "a retry holds the line"
    store.record(replace(first, state="delivered", next_attempt_at=None))
    assert [d.delivery_id for d in store.due(now=1.0, limit=10)] == ["a2"]
    store.record(replace(second, state="gave_up", next_attempt_at=None))
    assert [d.delivery_id for d in store.due(now=1.0, limit=10)] == ["a3"]
    assert [d.delivery_id for d in store.listing("A")] == ["a1", "a2", "a3"]


def test_a_reopened_book_has_the_same_deliveries_and_the_same_one_due(tmp_path):
    path = str(tmp_path / "sim.sqlite3")
    store = OrderedDeliveries(connect(path), "handoffs")
    first, second, other = _delivery("a1", "A"), _delivery("a2", "A"), _delivery("b1", "B")
    for delivery in (first, second, other):
        store.add(delivery)
    tried = replace(first, headers={"X-WMS-Signature": "s"}, next_attempt_at=7.5,
                    attempts=({"at": AT.isoformat(), "status_code": 503, "error": "busy"},))
    store.record(tried)
    store.record(replace(other, state="delivered", next_attempt_at=None))
    store.db.close()

    reopened = OrderedDeliveries(connect(path), "handoffs")
    assert reopened.listing() == [tried, second, replace(other, state="delivered", next_attempt_at=None)]
    assert reopened.due(now=1.0, limit=10) == [] and reopened.next_due_after(1.0) == 7.5
    assert reopened.due(now=8.0, limit=10) == [tried], "the same delivery (event id) is tried again, then the next"
    assert OrderedDeliveries(reopened.db, "deliveries").listing() == [], "each table its own outbox"


class _Queue:
    def __init__(self) -> None:
        self.sent: list[Delivery] = []

    def send(self, delivery: Delivery) -> Delivery:
        self.sent.append(delivery)
        return delivery


def _notices() -> list[Notice]:
    return [Notice(kind, "D-1", {"dispatch_number": "D-1"}, AT) for kind in ("picked", "packed", "shipped")]


def test_announce_queues_one_event_per_notice_in_order_with_its_fields():
    queue = _Queue()
    announce(SimpleNamespace(send=queue.send), "http://x", _notices())
    events = [json.loads(d.body) for d in queue.sent]
    assert [e["type"] for e in events] == ["picked", "packed", "shipped"]
    assert events[0]["dispatch_number"] == "D-1" and events[0]["occurred_at"] == AT.isoformat()
    assert len({e["event_id"] for e in events}) == 3


def test_announce_reverses_and_doubles_when_asked():
    queue = _Queue()
    announce(SimpleNamespace(send=queue.send), "http://x", _notices(), duplicate=True, out_of_order=True)
    assert [d.type for d in queue.sent] == ["shipped", "shipped", "packed", "packed", "picked", "picked"]
    assert queue.sent[0].event_id == queue.sent[1].event_id and queue.sent[0].body == queue.sent[1].body
    assert queue.sent[0].delivery_id != queue.sent[1].delivery_id
