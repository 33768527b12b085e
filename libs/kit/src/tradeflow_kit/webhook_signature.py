"""A provider's callback (a warehouse's, a carrier's, a channel's push) is authentic only if it
carries a fresh timestamp and the provider's HMAC-SHA256 (hex) over `<timestamp>.<raw body>`,
made with the webhook secret we share with it, in `X-<P>-Timestamp` / `X-<P>-Signature` (`<P>`:
WMS, TMS, Channel). Our own calls to a provider are signed the same way (`headers`).

The signature is checked over the exact bytes received, in constant time; a timestamp more than
`tolerance` away from now is refused, so a captured callback cannot be replayed later.
"""

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta


class CallbackRejected(Exception):
    """Not provably from the provider (or too old): do not act on it. The message says why."""


def signature_of(secret: str, timestamp: int, raw_body: bytes) -> str:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + raw_body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class WebhookSignature:
    provider: str  # "WMS", "TMS", "Channel": the middle of the header names
    secret: str
    tolerance: timedelta = timedelta(minutes=5)

    def verify(self, headers: Mapping[str, str], raw_body: bytes, now: datetime) -> None:
        """Return if authentic, else raise CallbackRejected. `headers` as received (starlette's
        are case-insensitive)."""
        stamp_header, signature_header = f"X-{self.provider}-Timestamp", f"X-{self.provider}-Signature"
        stamp, signature = headers.get(stamp_header, ""), headers.get(signature_header, "")
        if not (stamp.isascii() and stamp.isdigit()) or not signature:
            raise CallbackRejected(f"{stamp_header} (unix seconds) and {signature_header} are required")
        expected = signature_of(self.secret, int(stamp), raw_body)
        if not hmac.compare_digest(expected.encode(), signature.strip().lower().encode()):
            raise CallbackRejected(f"{signature_header} does not match the body")
        if abs(now.timestamp() - int(stamp)) > self.tolerance.total_seconds():
            raise CallbackRejected(f"{stamp_header} is more than {self.tolerance.total_seconds():g} s from now "
                                   "(stale or replayed)")

    def headers(self, raw_body: bytes, now: datetime) -> dict[str, str]:
        """The headers that sign `raw_body` as sent now (for our calls to the provider)."""
        stamp = int(now.timestamp())
        return {f"X-{self.provider}-Timestamp": str(stamp),
                f"X-{self.provider}-Signature": signature_of(self.secret, stamp, raw_body)}
