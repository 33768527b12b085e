"""A staff refund's id comes from its request's Idempotency-Key: a retried request names the same
refund, so the provider (which gets the id as refund reference) never makes it twice."""

from dataclasses import replace

from tradeflow_payment.app.issue_refund import RefundRequest, refund_id_for


def test_the_refund_id_follows_the_payment_the_staff_member_and_the_key():
    request = RefundRequest("pay-1", 400, "goodwill", "staff-1", "key-1")
    assert refund_id_for(request) == refund_id_for(replace(request, amount=500, reason="other"))
    others = {refund_id_for(replace(request, **change)) for change in (
        {"payment_id": "pay-2"}, {"requested_by": "staff-2"}, {"idempotency_key": "key-2"})}
    assert refund_id_for(request) not in others and len(others) == 3
    assert refund_id_for(request).startswith("rfd_")
