from datetime import UTC, datetime

from tradeflow_cli.reconcile_match import Attempt, reconcile

AT = datetime(2026, 11, 22, 10, tzinfo=UTC)


def attempt(reference: str, amount: int = 1000, status: str = "pending", currency: str = "CNY") -> Attempt:
    return Attempt(reference, f"order-{reference}", amount, currency, status, AT)


def test_each_attempt_lands_in_exactly_one_outcome():
    ours = [attempt("a"), attempt("b", status="succeeded"), attempt("c", 700), attempt("d"), attempt("e", 5,
                                                                                                    currency="USD")]
    psp = {a.psp_reference: a for a in [attempt("a"), attempt("b", status="succeeded"), attempt("c", 500),
                                        attempt("d", status="succeeded"), attempt("e", 5), attempt("x", 40)]}
    report = reconcile("2026-11-22", [*ours, attempt("ghost", 9)], psp, set(psp))
    assert {line.psp_reference: line.outcome for line in report.lines} == {
        "a": "matched", "b": "matched", "c": "amount_mismatch", "d": "status_mismatch", "e": "amount_mismatch",
        "ghost": "missing_psp", "x": "missing_ours"}
    assert report.totals()["amount_mismatch"] == {"count": 2, "amount": 505}  # the PSP's amounts
    assert report.captured() == {"ours": 1000, "psp": 2000} and not report.all_match


def test_a_psp_payment_of_another_day_is_not_missing_on_our_side():
    report = reconcile("2026-11-22", [], {"y": attempt("y")}, set())
    assert report.all_match and report.lines == []
