import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_payment.domain.callback_signature import CallbackRejected, callback_signature, verify_callback

SECRET = "webhook-secret"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
BODY = b'{"event_id":"evt_1","type":"payment.succeeded","amount":1000}'


def _signed(at: datetime = NOW, body: bytes = BODY, secret: str = SECRET) -> tuple[str, str]:
    timestamp = int(at.timestamp())
    return str(timestamp), callback_signature(secret, timestamp, body)


def test_signature_is_hex_hmac_sha256_over_timestamp_dot_raw_body():
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert callback_signature(SECRET, 1700000000, BODY) == expected


def test_accepts_a_fresh_correctly_signed_callback():
    verify_callback(SECRET, *_signed(), BODY, NOW + timedelta(seconds=10))


@pytest.mark.parametrize("headers", [(None, "abc"), ("1700000000", None), (None, None), ("", "")])
def test_rejects_a_callback_without_timestamp_or_signature(headers):
    with pytest.raises(CallbackRejected, match="no X-PSP"):
        verify_callback(SECRET, *headers, BODY, NOW)


def test_rejects_a_signature_made_with_another_secret():
    with pytest.raises(CallbackRejected, match="does not match"):
        verify_callback(SECRET, *_signed(secret="guessed"), BODY, NOW)


def test_rejects_a_body_changed_after_signing():
    timestamp, signature = _signed()
    with pytest.raises(CallbackRejected, match="does not match"):
        verify_callback(SECRET, timestamp, signature, BODY.replace(b"1000", b"9000"), NOW)


def test_rejects_a_replay_older_than_five_minutes():
    with pytest.raises(CallbackRejected, match="stale"):
        verify_callback(SECRET, *_signed(at=NOW - timedelta(minutes=5, seconds=1)), BODY, NOW)
    verify_callback(SECRET, *_signed(at=NOW - timedelta(minutes=4, seconds=59)), BODY, NOW)


def test_rejects_a_timestamp_far_in_the_future_and_one_that_is_not_a_number():
    with pytest.raises(CallbackRejected):
        verify_callback(SECRET, *_signed(at=NOW + timedelta(minutes=6)), BODY, NOW)
    with pytest.raises(CallbackRejected, match="unix timestamp"):
        verify_callback(SECRET, "yesterday", "abc", BODY, NOW)
