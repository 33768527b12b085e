"""How the provider signs its webhooks: hex HMAC-SHA256 over `<unix timestamp>.<raw body>`.

The timestamp travels in `X-PSP-Timestamp` and the signature in `X-PSP-Signature`; a receiver
recomputes it over the exact bytes it received and refuses old timestamps (replays).
"""

import hashlib
import hmac

TIMESTAMP_HEADER = "X-PSP-Timestamp"
SIGNATURE_HEADER = "X-PSP-Signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {"Content-Type": "application/json", TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(secret, timestamp, body)}
