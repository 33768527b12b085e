"""A case stops waiting for its return parcel (CancelExpectedReturn, issue 12), pure and on
in-memory ports: cancelled once whatever its status (expected → cancelled; received or inspected
failed → held, or sent back when the warehouse reports it; inspected ok → only recorded); the
returns job tells the warehouse and never registers a return after its cancel; a parcel that comes
anyway is held and publishes nothing; a cancel before the return was expected makes a later
ExpectReturn ignored."""

from datetime import timedelta

from tradeflow_contracts.after_sales import CancelExpectedReturn, ExpectReturn
from tradeflow_fulfillment.app.cancel_return import cancel_expected_return
from tradeflow_fulfillment.app.expect_return import expect_return
from tradeflow_fulfillment.app.handlers import message_handlers
from tradeflow_fulfillment.app.outside_jobs import DispatchPolicy
from tradeflow_fulfillment.app.record_return_report import ReturnReport, record_return_report
from tradeflow_fulfillment.app.register_returns import register_one
from tradeflow_fulfillment.domain.returns import CaseReturn, ReturnStatus, ReturnUnits

from .builders import AT
from .fakes import FixedClock, collaborators
from .return_fakes import ReturnsTransaction, ReturnsWarehouse, returns_logistics

A1 = ReturnUnits("a", "SKU-a", 1)
LATER = AT + timedelta(seconds=5)
POLICY = DispatchPolicy(lease=timedelta(seconds=30), first_backoff=timedelta(seconds=5))


def expected(status_after=None) -> CaseReturn:
    r = CaseReturn.expect("c-1", order_id="o-1", warehouse="WH-1", lines=[A1], at=AT, waybill="SF-1")
    r.registered("SF-1", AT)
    if status_after == "received":
        r.receive(AT)
    elif status_after in ("ok", "failed"):
        r.inspect(status_after == "ok", "", AT)
    r.pull_events()
    return r


def test_an_expected_return_cancelled_is_no_longer_waited_for_once_and_the_warehouse_is_due_to_hear_it():
    r = expected()
    assert r.cancel("buyer cancelled", False, LATER)
    assert (r.status, r.registration_due_at, r.cancel_due) == (ReturnStatus.CANCELLED, LATER, True)
    assert not r.cancel("expired", True, LATER + timedelta(seconds=1)), "a repeat changes nothing"
    assert (r.cancellation.reason, r.cancellation.send_back) == ("buyer cancelled", False)
    r.cancel_told(LATER)
    assert (r.registration_due_at, r.cancel_due, r.cancellation.told_at) == (None, False, LATER)


def test_a_received_parcel_is_held_or_sent_back_as_the_cancel_asks_and_one_inspected_ok_only_records_it():
    held, failed, ok = expected("received"), expected("failed"), expected("ok")
    held.cancel("rejected", False, LATER)
    failed.cancel("rejected", True, LATER)
    ok.cancel("too late", True, LATER)
    assert (held.status, failed.status, ok.status) == (
        ReturnStatus.HELD, ReturnStatus.INSPECTED_FAILED, ReturnStatus.INSPECTED_OK)
    assert (ok.cancellation.moot, ok.registration_due_at, ok.cancel_due) == (True, None, False)
    assert failed.sent_back(LATER) and not failed.sent_back(LATER)
    assert (failed.status, failed.cancellation.sent_back_at) == (ReturnStatus.SENT_BACK, LATER)
    assert not held.sent_back(LATER), "no cancel asked to send it back"


def test_a_parcel_after_the_cancel_is_held_and_its_inspection_only_noted_with_nothing_to_tell_the_case():
    r = expected()
    r.cancel("expired", False, LATER)
    assert r.receive(LATER) and r.status is ReturnStatus.HELD
    assert r.inspect(True, "as new", LATER) and not r.inspect(True, "again", LATER)
    assert (r.status, r.note, r.pull_events()) == (ReturnStatus.HELD, "as new", [])


def test_a_cancel_during_a_leased_registration_is_due_right_after_it():
    r = CaseReturn.expect("c-1", order_id="o-1", warehouse="WH-1", lines=[A1], at=AT)
    r.registration_leased(AT + timedelta(seconds=30))
    r.cancel("buyer cancelled", False, LATER)
    assert r.registration_due_at == AT + timedelta(seconds=30), "the lease is kept"
    r.registered(None, LATER)
    assert (r.registration_due_at, r.cancel_due) == (LATER, True)


def test_the_cancel_is_handled_on_fulfillments_commands_topic():
    handlers = message_handlers(lambda ctx: ReturnsTransaction(), collaborators(FixedClock()))
    assert CancelExpectedReturn in handlers["fulfillment.commands"]


def _expect() -> ExpectReturn:
    return ExpectReturn(case_id="c-1", order_id="o-1", warehouse="WH-1",
                        lines=[{"line_id": "a", "sku": "SKU-a", "quantity": 1}])


async def test_the_job_sends_the_cancel_after_the_registration_and_never_a_registration_after_it():
    tx, c, warehouse = ReturnsTransaction(), collaborators(FixedClock(AT)), ReturnsWarehouse()
    await expect_return(tx, _expect(), c)
    assert await register_one(tx, returns_logistics(warehouse), FixedClock(AT), POLICY)
    cancel = CancelExpectedReturn(case_id="c-1", order_id="o-1", reason="buyer cancelled")
    await cancel_expected_return(tx, cancel, c)
    await cancel_expected_return(tx, cancel, c)
    await expect_return(tx, _expect().model_copy(update={"waybill": "SF-2", "carrier": "SF"}), c)  # ignored
    warehouse.down = True
    assert await register_one(tx, returns_logistics(warehouse), FixedClock(AT), POLICY)
    warehouse.down = False
    assert not await register_one(tx, returns_logistics(warehouse), FixedClock(AT), POLICY), "backed off"
    assert await register_one(tx, returns_logistics(warehouse), FixedClock(LATER), POLICY)
    assert not await register_one(tx, returns_logistics(warehouse), FixedClock(LATER + timedelta(hours=1)), POLICY)
    assert warehouse.calls == [("register", "c-1", None), ("cancel", "c-1", False)]
    r = tx.returns.rows["c-1"]
    assert (r.status, r.waybill, r.cancellation.told_at, r.registration.last_error) == (
        ReturnStatus.CANCELLED, None, LATER, None)


async def test_a_cancel_before_the_return_was_expected_is_kept_and_the_late_expect_is_ignored():
    tx, c = ReturnsTransaction(), collaborators(FixedClock(AT))
    await cancel_expected_return(tx, CancelExpectedReturn(case_id="c-1", order_id="o-1", reason="expired",
                                                          send_back=True), c)
    await expect_return(tx, _expect(), c)
    r = tx.returns.rows["c-1"]
    assert (r.status, r.warehouse, r.lines, r.cancellation.reason, r.cancel_due) == (
        ReturnStatus.CANCELLED, None, (), "expired", True)


async def test_a_held_receipt_and_a_send_back_publish_nothing_and_restock_nothing():
    tx, c = ReturnsTransaction(), collaborators(FixedClock(AT))
    await expect_return(tx, _expect(), c)
    await cancel_expected_return(tx, CancelExpectedReturn(case_id="c-1", order_id="o-1", reason="expired"), c)
    received = ReturnReport("e-1", "case_return_received", "c-1", LATER, held=True)
    assert await record_return_report(tx, received, LATER) == "applied"
    assert await record_return_report(tx, ReturnReport("e-2", "case_return_inspected", "c-1", LATER, "ok"),
                                      LATER) == "applied"
    assert await record_return_report(tx, ReturnReport("e-3", "case_return_sent_back", "c-1", LATER),
                                      LATER) == "recorded", "the cancel asked to hold it"
    assert (tx.returns.rows["c-1"].status, tx.published) == (ReturnStatus.HELD, [])
