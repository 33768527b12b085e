"""Plumbing the `tradeflow dlq` commands share: parsing option values, running Kafka work, reporting."""

import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any, NoReturn, TypeVar

import typer
from aiokafka.errors import KafkaError
from rich.console import Console
from rich.text import Text

from tradeflow_cli.dlq_filter import DeadLetterFilter
from tradeflow_cli.dlq_records import as_dlq_topic
from tradeflow_cli.errors import OpsError
from tradeflow_cli.record_id import RecordId
from tradeflow_cli.time_parsing import parse_moment

T = TypeVar("T")


def criteria(topics: list[str] | None, message_type: str | None, error: str | None, since: str | None,
             until: str | None, group: str | None) -> DeadLetterFilter:
    return DeadLetterFilter(
        dlq_topics=tuple(dict.fromkeys(as_dlq_topic(t) for t in topics or ())), message_type=message_type,
        error=error, since=moment("--since", since), until=moment("--until", until), group=group)


def moment(option: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_moment(text, datetime.now(UTC))
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint=option) from None


def record_ids(texts: list[str] | None) -> list[RecordId]:
    try:
        return [RecordId.parse(text) for text in texts or ()]
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="ID") from None


def run(work: Coroutine[Any, Any, T]) -> T:
    """Runs one command's Kafka work; failures an operator can act on end the command with their message."""
    try:
        return asyncio.run(work)
    except (OpsError, KafkaError) as error:
        fail(str(error) or repr(error), exit_code=1)


def fail(message: str, exit_code: int = 2) -> NoReturn:
    Console(stderr=True, soft_wrap=True).print(Text("Error: ", style="red") + Text(message))
    raise typer.Exit(exit_code)


def note(message: str) -> None:
    Console(stderr=True, soft_wrap=True).print(Text(message))
