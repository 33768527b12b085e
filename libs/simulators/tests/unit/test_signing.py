import hashlib
import hmac

import pytest

from tradeflow_simulators.psp.signing import sign, signed_headers
from tradeflow_simulators.signing import SignatureRejected, SignatureScheme

WMS = SignatureScheme("WMS")


def test_signature_is_hex_hmac_sha256_over_timestamp_dot_raw_body():
    body = b'{"event_id":"evt_1","amount":1000}'
    expected = hmac.new(b"secret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("secret", 1700000000, body) == expected


def test_signed_headers_carry_timestamp_and_signature():
    headers = signed_headers("secret", 1700000000, b"{}")
    assert headers["X-PSP-Timestamp"] == "1700000000"
    assert headers["X-PSP-Signature"] == sign("secret", 1700000000, b"{}")


def test_each_provider_names_its_own_headers_over_the_same_scheme():
    headers = WMS.headers("secret", 1700000000, b"{}")
    assert headers["X-WMS-Timestamp"] == "1700000000"
    assert headers["X-WMS-Signature"] == sign("secret", 1700000000, b"{}")
    assert "X-PSP-Signature" not in headers


def test_verifies_the_exact_body_with_headers_in_any_case():
    headers = {k.lower(): v for k, v in WMS.headers("secret", 1700000000, b'{"a":1}').items()}
    WMS.verify("secret", headers, b'{"a":1}', now=1700000010)


@pytest.mark.parametrize(("secret", "body", "now", "why"), [
    ("wrong", b'{"a":1}', 1700000010, "does not match"),
    ("secret", b'{"a": 1}', 1700000010, "does not match"),
    ("secret", b'{"a":1}', 1700000301, "away from now"),
])
def test_refuses_a_wrong_secret_a_changed_body_and_an_old_timestamp(secret, body, now, why):
    headers = WMS.headers("secret", 1700000000, b'{"a":1}')
    with pytest.raises(SignatureRejected, match=why):
        WMS.verify(secret, headers, body, now=now)


def test_refuses_another_providers_headers():
    with pytest.raises(SignatureRejected, match="required"):
        WMS.verify("secret", signed_headers("secret", 1700000000, b"{}"), b"{}", now=1700000000)
