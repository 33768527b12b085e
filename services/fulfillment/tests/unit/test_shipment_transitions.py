"""The shipment's one transition table, exhaustively: every (status, event) in the table moves
and is recorded; every other one raises — except a warehouse or carrier report once the goods
left, which is recorded and not applied. Either way, goods first reported past `shipped` left
the warehouse (once)."""

import pytest

from tradeflow_fulfillment.domain.errors import IllegalTransition
from tradeflow_fulfillment.domain.events import CameBack, LeftWarehouse, StatusChanged
from tradeflow_fulfillment.domain.model import HistoryEntry
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.transitions import REPORTS, STAGES, TRANSITIONS, ShipmentEvent, ShipmentStatus

from .builders import AT, shipment

S, E = ShipmentStatus, ShipmentEvent
INTERCEPTION = (S.INTERCEPTING, S.INTERCEPTED, S.INTERCEPT_FAILED)

ACT = {
    E.APPROVE: lambda s: s.approve(AT, "staff:s-1"),
    E.HOLD: lambda s: s.hold("looks odd", AT, "staff:s-1"),
    E.DISPATCH: lambda s: s.dispatch(s.next_dispatch_number, "SF", "WB-9", AT),
    E.REDISPATCH: lambda s: s.redispatch(s.next_dispatch_number, AT, "staff:s-1"),
    E.CANCEL: lambda s: s.cancel("buyer cancelled", AT, "order"),
    E.INTERCEPT: lambda s: s.request_interception(AT, "order"),
    E.INTERCEPT_OK: lambda s: s.interception_result(True, AT, "wms"),
    E.INTERCEPT_FAIL: lambda s: s.interception_result(False, AT, "wms"),
    E.RETURN: lambda s: s.return_to_sender(AT, "tms"),
    E.RETURN_RECEIVED: lambda s: s.return_received(AT, "wms"),
    **{event: (lambda s, event=event: s.report(event, AT, "tms")) for event in REPORTS},
}
PAIRS = [(status, event) for status in S for event in ACT]


def in_status(status: ShipmentStatus, event: ShipmentEvent) -> Shipment:
    """A shipment in `status` whose goods got as far as that status implies (for the interception
    states: still in the warehouse, or — to return — shipped)."""
    if status in STAGES:
        return shipment(status, status)
    if status in INTERCEPTION:
        return shipment(status, S.SHIPPED if event is E.RETURN else S.DISPATCHED)
    if status in (S.RETURNING, S.RETURNED):
        return shipment(status, S.SHIPPED)
    return shipment(status)


def left_the_warehouse(before: Shipment | None, after: Shipment) -> list[LeftWarehouse]:
    """[LeftWarehouse()] when the move took the goods past shipped for the first time."""
    was = before is not None and before.has_shipped
    return [LeftWarehouse()] if after.has_shipped and not was else []


def test_every_moving_event_has_a_method_and_the_table_names_only_known_pairs():
    assert set(ACT) == set(E) - {E.PLAN, E.MERGE, E.SPLIT_OUT, E.AWAIT_STOCK, E.STOCK_ARRIVED, E.RE_REVIEW}
    assert {event for _, event in TRANSITIONS} <= set(ACT)


@pytest.mark.parametrize(("status", "event"), [p for p in PAIRS if p in TRANSITIONS])
def test_an_allowed_move_changes_the_status_and_is_recorded(status, event):
    s, before = in_status(status, event), in_status(status, event)
    ACT[event](s)
    assert s.status is TRANSITIONS[(status, event)]
    source = s.history[-1].source
    assert s.history[-1] == HistoryEntry(AT, s.status, event, source, True, s.history[-1].detail)
    came_back = [CameBack()] if event is E.RETURN_RECEIVED else []  # the units go back on hand
    assert s.pull_events() == [StatusChanged(status, s.status, event, AT, source), *left_the_warehouse(before, s),
                               *came_back]


@pytest.mark.parametrize(("status", "event"), [p for p in PAIRS if p not in TRANSITIONS])
def test_any_other_move_is_refused_or_only_recorded_when_a_late_report(status, event):
    s, before = in_status(status, event), in_status(status, event)
    if event in REPORTS and s.progress is not None:  # the goods left: a report is never an error
        assert ACT[event](s) is False
        assert (s.status, s.history[-1].event, s.history[-1].applied) == (status, event, False)
        assert s.pull_events() == left_the_warehouse(before, s)  # noted while stopped: they left all the same
        return
    with pytest.raises(IllegalTransition, match=f"is {status}: it cannot {event}$"):
        ACT[event](s)
    assert (s.status, s.history, s.pull_events()) == (status, (), [])
