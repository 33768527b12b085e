"""`tradeflow`: commands for developers and ops."""

import os

import typer

from tradeflow_cli.dlq_cli import dlq_app
from tradeflow_kit.auth import Role, TokenCodec
from tradeflow_kit.settings import DEV_JWT_SECRET

app = typer.Typer(help="Tradeflow command line.", no_args_is_help=True)
app.add_typer(dlq_app, name="dlq")


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
    """Print a local dev token (signed with TRADEFLOW_JWT_SECRET, or the public dev secret)."""
    secret = os.environ.get("TRADEFLOW_JWT_SECRET", DEV_JWT_SECRET)
    issuer = os.environ.get("TRADEFLOW_JWT_ISSUER", "tradeflow")
    extra = {k: v for k, v in {"merchant_id": merchant_id, "channel_id": channel_id}.items() if v}
    typer.echo(TokenCodec(secret, issuer).mint(sub, [r.value for r in role], ttl_seconds=ttl, **extra))
