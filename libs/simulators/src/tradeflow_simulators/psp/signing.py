"""How the PSP signs its webhooks: the simulators' shared scheme (`tradeflow_simulators.signing`,
hex HMAC-SHA256 over `<unix timestamp>.<raw body>`) under `X-PSP-Timestamp` and `X-PSP-Signature`.
"""

from tradeflow_simulators.signing import SignatureScheme, sign

PSP_SIGNATURE = SignatureScheme("PSP")
TIMESTAMP_HEADER = PSP_SIGNATURE.timestamp_header
SIGNATURE_HEADER = PSP_SIGNATURE.signature_header


def signed_headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return PSP_SIGNATURE.headers(secret, timestamp, body)


__all__ = ["PSP_SIGNATURE", "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "sign", "signed_headers"]
