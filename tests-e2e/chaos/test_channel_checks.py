"""The channel invariants' checker itself (chaos/channel_checks.py), on made-up rows: each breach it
exists for is reported, and a channel order that went as it should passes."""

from chaos.channel_checks import check_channel_flow, check_refunded_courses
from chaos.channels import ChannelSeen
from chaos.flows import Flow
from chaos.kills import PARTS, two_at_a_time
from chaos.report import Report


def _flow(refunded: bool = False) -> Flow:
    seen = ChannelSeen("shop", False, True, [("course", 1, 990)], "T1", ["T101"], True, refunded)
    return Flow(1, "channel_refund" if refunded else "channel_push", "member-1", "k1", status_code=201,
                order_id="o1", channel=seen)


RECORD = {"id": "co1", "status": "placed", "order_id": "o1", "external_order_id": "T1"}
ORDER = {"id": "o1", "type": "channel", "status": "completed", "payment_status": "paid", "step": "handed_over",
         "saga_state": "completed"}


def test_a_channel_order_in_the_ledger_once_placed_once_and_at_rest_passes():
    report = Report()
    check_channel_flow(report, _flow(), [RECORD], [ORDER])
    assert not any(report.breaches.values()) and report.final_states["channel completed/paid"] == 1


def test_the_checker_catches_a_channel_order_lost_doubled_or_stuck():
    report = Report()
    check_channel_flow(report, _flow(), [], [])
    assert report.breaches["channel orders in the ledger once"] and report.breaches["channel orders placed once"]
    report = Report()
    check_channel_flow(report, _flow(), [RECORD, RECORD | {"id": "co2"}], [ORDER])
    assert report.breaches["channel orders in the ledger once"]
    report = Report()
    check_channel_flow(report, _flow(), [RECORD], [ORDER, ORDER | {"id": "o2"}])
    assert report.breaches["channel orders placed once"]  # the external order placed twice
    report = Report()
    check_channel_flow(report, _flow(), [RECORD | {"status": "review", "order_id": None}], [])
    assert report.breaches["channel orders in the ledger once"]
    report = Report()
    check_channel_flow(report, _flow(), [RECORD], [ORDER | {"step": "paying", "saga_state": "running"}])
    assert report.breaches["channel orders ended"]


def test_the_checker_catches_a_refunded_course_still_granted_or_its_case_not_completed():
    case = {"id": "as_ch_1", "type": "refund_only", "status": "completed"}
    revoked = {"id": "e1", "status": "revoked", "revoke_case_id": "as_ch_1"}
    for cases, entitlements in [([case], [revoked | {"status": "active", "revoke_case_id": None}]),
                                ([case | {"status": "refunding"}], [revoked]), ([], [revoked]),
                                ([case], [revoked | {"revoke_case_id": "as_9"}]), ([case], [])]:
        report = Report()
        check_refunded_courses(report, [_flow(refunded=True)], {"o1": cases}, {"o1": entitlements})
        assert report.breaches["channel refunds revoke the course"], (cases, entitlements)
    report = Report()
    check_refunded_courses(report, [_flow(refunded=True), _flow()], {"o1": [case]}, {"o1": [revoked]})
    assert not report.breaches["channel refunds revoke the course"]


def test_the_channel_adapter_is_killed_and_the_market_simulator_never():
    assert "channel-adapter" in PARTS and "market-simulator" not in PARTS  # its shops live in memory
    assert "channel-adapter" in [p for step in two_at_a_time() for p in step]
