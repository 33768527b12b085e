"""The reverse saga's declared table agrees with the wiring: every status of every type calls for
a declared step, every awaited reply has a handler, every timed step a deadline action; and the
settings read the per-type windows."""

from datetime import timedelta

import pytest
from after_sales_builders import case_in

from tradeflow_after_sales.app.case_saga import case_saga
from tradeflow_after_sales.app.deadlines import deadline_actions
from tradeflow_after_sales.app.flow import step_for
from tradeflow_after_sales.app.handlers import USE_CASES
from tradeflow_after_sales.app.ports import CaseProgress, Collaborators
from tradeflow_after_sales.domain.order_snapshot import OrderType
from tradeflow_after_sales.domain.states import TRANSITIONS, CaseStatus, CaseType
from tradeflow_after_sales.settings import Settings
from tradeflow_kit.sagas.scheduler import check_deadline_actions
from tradeflow_kit.system import SystemClock, UuidIdGenerator

SAGA = case_saga(timedelta(days=7), timedelta(minutes=10))


def test_every_awaited_reply_has_a_handler_and_every_timed_step_an_action():
    SAGA.check_handles(USE_CASES)
    check_deadline_actions(SAGA, deadline_actions(Collaborators(SystemClock(), UuidIdGenerator(), SAGA)))


@pytest.mark.parametrize("case_type", list(CaseType))
def test_every_status_of_a_type_calls_for_a_declared_step(case_type):
    statuses = {s for s, _ in TRANSITIONS[case_type]} | set(TRANSITIONS[case_type].values())
    for status in statuses - {CaseStatus.NEEDS_ATTENTION}:
        step = step_for(case_in(case_type, status), CaseProgress("AS-1"), "reviewing")
        assert SAGA.step(step).name == step


def test_a_refund_the_order_makes_for_stopped_units_waits_in_stopping_shipment():
    case = case_in(CaseType.REFUND_ONLY, CaseStatus.REFUNDING, before_shipment=True)
    assert step_for(case, CaseProgress("AS-1", stop_refund_id="O-1-cancel-AS-1"), "stopping_shipment") == (
        "stopping_shipment")
    assert step_for(case, CaseProgress("AS-1"), "stopping_shipment") == "refunding"


def test_windows_per_order_type_come_from_the_settings():
    settings = Settings(window_seconds=60, window_seconds_by_type="virtual=10, pre_sale=20")
    windows = settings.windows()
    assert windows.default == timedelta(seconds=60)
    assert windows.by_order_type == {OrderType.VIRTUAL: timedelta(seconds=10),
                                     OrderType.PRE_SALE: timedelta(seconds=20)}
