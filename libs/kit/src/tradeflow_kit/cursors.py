"""Keyset paging cursors for lists ordered newest first by (time, id): opaque to clients, and a
cursor this API did not give out is a 400 `invalid-cursor` with the field named."""

import base64
from datetime import datetime

from tradeflow_kit.problems import Problem


def encode_cursor(at: datetime, item_id: str) -> str:
    """The cursor after the item at (`at`, `item_id`)."""
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{item_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    """(time, id) to continue after; None for the first page."""
    if not cursor:
        return None
    try:
        at, item_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        when = datetime.fromisoformat(at)
        if when.tzinfo is None:
            raise ValueError("naive time")
        return when, item_id
    except ValueError:  # also bad base64 and bytes that are not UTF-8
        raise Problem(400, "invalid-cursor", "Invalid cursor", detail="the cursor is not one this API gave out",
                      errors=[{"field": "cursor", "message": "invalid"}]) from None
