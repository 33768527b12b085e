"""A provider callback is authentic only if it carries a fresh timestamp and the provider's
HMAC-SHA256 (hex) over `<timestamp>.<raw body>` made with the shared webhook secret.

The signature is checked over the exact bytes received, in constant time; a timestamp more than
`tolerance` away from now is refused, so a captured callback cannot be replayed later.
"""

import hashlib
import hmac
from datetime import datetime, timedelta

DEFAULT_TOLERANCE = timedelta(minutes=5)


class CallbackRejected(Exception):
    """The callback is not provably from the provider (or is too old): do not act on it."""


def callback_signature(secret: str, timestamp: int, raw_body: bytes) -> str:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + raw_body, hashlib.sha256).hexdigest()


def verify_callback(secret: str, timestamp: str | None, signature: str | None, raw_body: bytes, now: datetime,
                    tolerance: timedelta = DEFAULT_TOLERANCE) -> None:
    """Return if authentic, else raise CallbackRejected saying why."""
    if not timestamp or not signature:
        raise CallbackRejected("the callback has no X-PSP-Timestamp / X-PSP-Signature")
    try:
        sent = int(timestamp)
    except ValueError:
        raise CallbackRejected("X-PSP-Timestamp is not a unix timestamp") from None
    expected = callback_signature(secret, sent, raw_body)
    if not hmac.compare_digest(expected.encode(), signature.strip().lower().encode()):
        raise CallbackRejected("the signature does not match the body")
    if abs(now.timestamp() - sent) > tolerance.total_seconds():
        raise CallbackRejected(f"the timestamp is more than {int(tolerance.total_seconds())} s from now "
                               "(stale or replayed)")
