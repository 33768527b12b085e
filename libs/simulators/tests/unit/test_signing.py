import hashlib
import hmac

from tradeflow_simulators.psp.signing import sign, signed_headers


def test_signature_is_hex_hmac_sha256_over_timestamp_dot_raw_body():
    body = b'{"event_id":"evt_1","amount":1000}'
    expected = hmac.new(b"secret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("secret", 1700000000, body) == expected


def test_signed_headers_carry_timestamp_and_signature():
    headers = signed_headers("secret", 1700000000, b"{}")
    assert headers["X-PSP-Timestamp"] == "1700000000"
    assert headers["X-PSP-Signature"] == sign("secret", 1700000000, b"{}")
