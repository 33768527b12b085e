"""`tradeflow`: commands for developers and ops."""

import asyncio
import os

import typer

from tradeflow_cli.channel_cli import channel_app
from tradeflow_cli.dlq_cli import dlq_app
from tradeflow_cli.reconcile_cli import reconcile_app
from tradeflow_contracts.topics import all_topics
from tradeflow_kit.auth import Role, TokenCodec
from tradeflow_kit.settings import DEV_JWT_SECRET
from tradeflow_kit.topics import ensure_topics

app = typer.Typer(help="Tradeflow command line.", no_args_is_help=True)
app.add_typer(dlq_app, name="dlq")
app.add_typer(reconcile_app, name="reconcile")
app.add_typer(channel_app, name="channel")


@app.callback()
def _root() -> None:
    """Tradeflow command line."""


@app.command()
def token(
    role: list[Role] = typer.Option(..., "--role", "-r", help="A role; repeat for several."),
    sub: str = typer.Option(..., "--sub", "-s", help="The subject: buyer id, staff id, merchant id…"),
    ttl: int = typer.Option(3600 * 8, help="Lifetime in seconds."),
    merchant_id: str | None = typer.Option(None, help="The merchant a merchant token acts for."),
    channel_id: str | None = typer.Option(None, help="The channel a channel token acts for."),
) -> None:
    """Print a local dev token (signed with TRADEFLOW_JWT_SECRET, or the public dev secret).

    A merchant token acts for one merchant: `--merchant-id` is required with `--role merchant`.
    """
    if Role.MERCHANT in role and not merchant_id:
        raise typer.BadParameter("a merchant token needs --merchant-id (the merchant it acts for)",
                                 param_hint="--merchant-id")
    secret = os.environ.get("TRADEFLOW_JWT_SECRET", DEV_JWT_SECRET)
    issuer = os.environ.get("TRADEFLOW_JWT_ISSUER", "tradeflow")
    extra = {k: v for k, v in {"merchant_id": merchant_id, "channel_id": channel_id}.items() if v}
    typer.echo(TokenCodec(secret, issuer).mint(sub, [r.value for r in role], ttl_seconds=ttl, **extra))


topics_app = typer.Typer(help="The platform's Kafka topics.", no_args_is_help=True)
app.add_typer(topics_app, name="topics")


@topics_app.command("ensure")
def ensure(bootstrap: str = typer.Option(None, envvar="KAFKA_BOOTSTRAP_SERVERS", help="Kafka bootstrap servers."),
           partitions: int = typer.Option(None, envvar="TRADEFLOW_TOPIC_PARTITIONS", help="Partitions (default 6).")
           ) -> None:
    """Create every platform topic that is missing (events, commands, their .dlq twins, ops.audit)."""
    created = asyncio.run(ensure_topics(bootstrap or "127.0.0.1:19092", partitions=partitions))
    names = f": {', '.join(created)}" if created else ""
    typer.echo(f"{len(all_topics())} topics, {len(created)} created now{names}")
