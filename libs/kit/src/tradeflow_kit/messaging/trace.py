"""W3C trace context (`traceparent`) carried from HTTP requests and messages to the messages
they cause, so one trace id follows an order across services."""

import secrets
from contextvars import ContextVar

current_traceparent: ContextVar[str | None] = ContextVar("current_traceparent", default=None)


def child_traceparent(parent: str | None) -> str:
    """A new span in the parent's trace, or a new trace when there is no valid parent."""
    parts = (parent or "").split("-")
    trace_id = parts[1] if len(parts) == 4 and len(parts[1]) == 32 else secrets.token_hex(16)
    return f"00-{trace_id}-{secrets.token_hex(8)}-01"
