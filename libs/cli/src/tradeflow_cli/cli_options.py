"""The options the `tradeflow dlq` commands share."""

from typing import Annotated

import typer

DEFAULT_BOOTSTRAP = "127.0.0.1:19092"
TIME_HELP = "RFC 3339 (UTC when no offset) or a span back from now: 30m, 2h, 7d."

Bootstrap = Annotated[str, typer.Option("--bootstrap", envvar="KAFKA_BOOTSTRAP_SERVERS",
                                        help="Kafka bootstrap servers.")]
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
