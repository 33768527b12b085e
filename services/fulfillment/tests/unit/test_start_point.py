"""The start point (FULFILLMENT_PLAN_PAID_SINCE): on its first start on a platform that already ran,
fulfillment must not plan history — an order paid before the start point (its order.paid's
`occurred_at`) is acknowledged, logged and recorded as skipped, never planned; unset, every
paid order is planned."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from structlog.testing import capture_logs

from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_fulfillment.app.ports import Collaborators
from tradeflow_fulfillment.bootstrap import planning_rules
from tradeflow_fulfillment.domain.planning import PlanningRules
from tradeflow_fulfillment.settings import Settings

from .builders import RULES
from .fakes import CountingIds, FakeTransaction, FixedClock
from .test_plan_fulfillment import COURSE, GOODS, order_paid

START = datetime(2027, 1, 15, tzinfo=UTC)


def starting(start: datetime | None, paid_at: datetime) -> tuple[FakeTransaction, Collaborators]:
    """A transaction handling an order.paid that occurred at `paid_at`, and collaborators whose
    rules start at `start`."""
    tx = FakeTransaction()
    tx.message_occurred_at = paid_at
    rules = PlanningRules(RULES.parcels, RULES.carriers, RULES.merge, paid_since=start)
    return tx, Collaborators(FixedClock(START + timedelta(days=1)), CountingIds(), rules)


async def test_an_order_paid_before_the_start_point_is_recorded_as_skipped_and_not_planned():
    paid_at = START - timedelta(days=90)
    tx, c = starting(START, paid_at)
    with capture_logs() as logs:
        await plan_fulfillment(tx, order_paid("o-old", GOODS, COURSE), c)
    assert (tx.shipments.rows, tx.entitlements.rows, tx.published) == ({}, [], [])
    assert tx.planned_orders.skipped == {"o-old": paid_at}
    [line] = [e for e in logs if e["event"] == "fulfillment.skipped_before_start"]
    assert (line["order_id"], line["paid_at"], line["start"], line["recorded"]) == (
        "o-old", paid_at.isoformat(), START.isoformat(), True)


async def test_a_skipped_order_stays_skipped_whatever_message_carries_it_again():
    tx, c = starting(START, START - timedelta(seconds=1))
    await plan_fulfillment(tx, order_paid("o-old"), c)
    tx.message_occurred_at = START + timedelta(hours=1)  # re-announced after the start point
    await plan_fulfillment(tx, order_paid("o-old"), c)
    assert (tx.shipments.rows, tx.published, list(tx.planned_orders.skipped)) == ({}, [], ["o-old"])


async def test_an_order_paid_at_or_after_the_start_point_is_planned():
    tx, c = starting(START, START)
    await plan_fulfillment(tx, order_paid("o-new"), c)
    assert len(tx.shipments.rows) == 1 and tx.planned_orders.skipped == {}


async def test_without_a_start_point_every_paid_order_is_planned_however_old():
    tx, c = starting(None, datetime(2020, 1, 1, tzinfo=UTC))
    await plan_fulfillment(tx, order_paid("o-ancient"), c)
    assert len(tx.shipments.rows) == 1 and tx.planned_orders.skipped == {}


async def test_an_order_planned_already_is_not_marked_skipped():
    tx, c = starting(START, START + timedelta(minutes=1))
    await plan_fulfillment(tx, order_paid("o-1"), c)
    tx.message_occurred_at = START - timedelta(days=1)  # an old copy of it, replayed
    with capture_logs() as logs:
        await plan_fulfillment(tx, order_paid("o-1"), c)
    assert tx.planned_orders.skipped == {} and len(tx.shipments.rows) == 1
    assert [e["recorded"] for e in logs if e["event"] == "fulfillment.skipped_before_start"] == [False]


def test_the_start_point_is_unset_by_default_and_read_from_the_environment(monkeypatch):
    monkeypatch.delenv("FULFILLMENT_PLAN_PAID_SINCE", raising=False)
    assert planning_rules(Settings()).paid_since is None
    monkeypatch.setenv("FULFILLMENT_PLAN_PAID_SINCE", "2027-01-15T08:00:00+08:00")
    assert planning_rules(Settings()).paid_since == START


def test_a_start_point_without_its_offset_stops_the_start(monkeypatch):
    monkeypatch.setenv("FULFILLMENT_PLAN_PAID_SINCE", "2027-01-15T00:00:00")
    with pytest.raises(ValidationError, match="timezone"):
        Settings()
