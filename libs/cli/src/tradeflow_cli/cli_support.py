"""Options and plumbing shared by the `tradeflow dlq` commands."""

import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Annotated, Any, NoReturn, TypeVar

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
DEFAULT_BOOTSTRAP = "127.0.0.1:19092"
TIME_HELP = "RFC 3339 (UTC when no offset) or a span back from now: 30m, 2h, 7d."

Bootstrap = Annotated[str, typer.Option("--bootstrap", envvar="KAFKA_BOOTSTRAP_SERVERS", help="Kafka bootstrap servers.")]
AuditTopic = Annotated[str, typer.Option("--audit-topic", envvar="TRADEFLOW_AUDIT_TOPIC",
                                         help="Where replays and purges are audited.")]
Actor = Annotated[str | None, typer.Option("--actor", envvar="TRADEFLOW_ACTOR",
                                           help="Who acts, for the audit log. Default: the OS user.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
AsJson = Annotated[bool, typer.Option("--json", help="JSON lines instead of a table, for scripts.")]
Topics = Annotated[list[str] | None, typer.Option(
    "--topic", help="Original or dead-letter topic; repeat for several. Default: every *.dlq topic.")]
MessageType = Annotated[str | None, typer.Option("--type", help="The message's `type` header.")]
ErrorText = Annotated[str | None, typer.Option("--error", help="Text in the error class or message (any case).")]
Since = Annotated[str | None, typer.Option("--since", help=f"Last failure at or after this. {TIME_HELP}")]
Until = Annotated[str | None, typer.Option("--until", help=f"Last failure before this. {TIME_HELP}")]
Group = Annotated[str | None, typer.Option("--group", help="The consumer group that failed.")]


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
    Console(stderr=True).print(Text("Error: ", style="red") + Text(message))
    raise typer.Exit(exit_code)


def note(message: str) -> None:
    Console(stderr=True).print(Text(message))
