"""Reading Server-Sent Events in tests (https://html.spec.whatwg.org/multipage/server-sent-events.html):
each event as its fields (`event`, `id`, `data` parsed as JSON); comments (`: ping`) skipped."""

import json
from collections.abc import AsyncIterator

import httpx


def _event(lines: list[str]) -> dict | None:
    fields: dict = {}
    for line in lines:
        if not line or line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        fields[name] = value.removeprefix(" ")
    if "data" in fields:
        fields["data"] = json.loads(fields["data"])
    return fields or None


def parse_events(text: str) -> list[dict]:
    """The events of a whole `text/event-stream` body."""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    return [event for block in blocks if (event := _event(block.splitlines())) is not None]


async def stream_events(response: httpx.Response) -> AsyncIterator[dict]:
    """The events of a streamed response as they arrive."""
    block: list[str] = []
    async for line in response.aiter_lines():
        if line == "":
            if (event := _event(block)) is not None:
                yield event
            block = []
        else:
            block.append(line)
