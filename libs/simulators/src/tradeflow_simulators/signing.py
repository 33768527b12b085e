"""How every simulated provider signs its webhooks: hex HMAC-SHA256 over `<unix timestamp>.<raw body>`.

Each provider names its own two headers — the PSP `X-PSP-Timestamp` / `X-PSP-Signature`, the
warehouse `X-WMS-…`, the carrier `X-TMS-…` — and keeps its own secret; the scheme is the same.
Every delivery attempt is signed afresh with the current time. A receiver recomputes the
signature over the exact bytes it received and refuses an old timestamp (a replay): `verify`.
"""

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


class SignatureRejected(Exception):
    """A webhook whose signature is missing, wrong, or too old; the message says which."""


@dataclass(frozen=True)
class SignatureScheme:
    provider: str  # "PSP", "WMS", "TMS": the middle of the header names

    @property
    def timestamp_header(self) -> str:
        return f"X-{self.provider}-Timestamp"

    @property
    def signature_header(self) -> str:
        return f"X-{self.provider}-Signature"

    def headers(self, secret: str, timestamp: int, body: bytes) -> dict[str, str]:
        return {"Content-Type": "application/json", self.timestamp_header: str(timestamp),
                self.signature_header: sign(secret, timestamp, body)}

    def verify(self, secret: str, headers: Mapping[str, str], body: bytes, *, tolerance_seconds: float = 300,
               now: float | None = None) -> None:
        """Accept `body` as sent by the provider holding `secret`, or raise SignatureRejected.
        Header names are matched case-insensitively (HTTP headers are)."""
        lowered = {name.lower(): value for name, value in headers.items()}
        raw_timestamp = lowered.get(self.timestamp_header.lower(), "")
        signature = lowered.get(self.signature_header.lower(), "")
        if not raw_timestamp.isdigit() or not signature:
            raise SignatureRejected(f"{self.timestamp_header} and {self.signature_header} are required")
        timestamp = int(raw_timestamp)
        if abs((time.time() if now is None else now) - timestamp) > tolerance_seconds:
            raise SignatureRejected(f"{self.timestamp_header} is more than {tolerance_seconds:g}s away from now")
        if not hmac.compare_digest(signature.encode(), sign(secret, timestamp, body).encode()):
            raise SignatureRejected(f"{self.signature_header} does not match the body")
