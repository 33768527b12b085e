"""Our check of the warehouse's and carrier's webhook signatures accepts exactly what they sign
(the simulators' signing, as a provider does it) and nothing stale, altered or unsigned."""

from datetime import UTC, datetime, timedelta

import pytest
from starlette.datastructures import Headers

from tradeflow_kit.webhook_signature import CallbackRejected, WebhookSignature
from tradeflow_simulators.signing import SignatureScheme

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)
BODY = b'{"event_id":"evt_1","type":"picked"}'
WMS = WebhookSignature("WMS", "wms-secret")


def sent(body: bytes = BODY, at: datetime = NOW, secret: str = "wms-secret", provider: str = "WMS") -> dict:
    return SignatureScheme(provider).headers(secret, int(at.timestamp()), body)


def test_a_callback_signed_by_the_provider_is_accepted_as_received_over_http():
    WMS.verify(sent(), BODY, NOW)
    WMS.verify(Headers({name.lower(): value for name, value in sent().items()}), BODY, NOW)  # any case
    WMS.verify(sent(at=NOW - timedelta(minutes=5)), BODY, NOW)


@pytest.mark.parametrize(("headers", "body", "why"), [
    (sent(), BODY + b" ", "does not match"),
    (sent(secret="other"), BODY, "does not match"),
    (sent(provider="TMS"), BODY, "are required"),
    (sent(at=NOW - timedelta(minutes=5, seconds=1)), BODY, "stale or replayed"),
    (sent(at=NOW + timedelta(minutes=6)), BODY, "stale or replayed"),
    ({"X-WMS-Timestamp": "soon", "X-WMS-Signature": "ab"}, BODY, "are required"),
    ({}, BODY, "are required"),
], ids=["altered body", "other secret", "another provider's headers", "stale", "from the future", "bad timestamp",
        "unsigned"])
def test_anything_else_is_rejected_saying_why(headers, body, why):
    with pytest.raises(CallbackRejected, match=why):
        WMS.verify(headers, body, NOW)


def test_our_own_signed_calls_verify_as_the_provider_verifies_them():
    signature = WebhookSignature("Channel", "s3cret")
    body = b'{"tid": "T1"}'
    headers = signature.headers(body, NOW)
    assert set(headers) == {"X-Channel-Timestamp", "X-Channel-Signature"}
    SignatureScheme("Channel").verify("s3cret", headers, body, now=NOW.timestamp())
    signature.verify(Headers(headers), body, NOW)
    with pytest.raises(CallbackRejected, match="does not match"):
        signature.verify(Headers(headers), body + b" ", NOW)
