"""`tradeflow channel import FILE --channel X`: an offline channel's CSV, sent to the channel
adapter (`POST /channels/{code}/imports`, as staff) in batches, with a progress bar and a report
of every row: accepted, in review, a duplicate (re-importing a file creates nothing new), or
rejected with the field and why.

Columns (the header row names them; README "Channel adapter" documents each): external_order_id,
member_id, phone, sku (the channel's SKU; one row per SKU of an order), quantity, unit_price,
paid_amount, receiver_name, receiver_phone, region, city, address, currency (optional) — money in
the channel's configured format. Rows of one order share its external_order_id. Exit status: 0
every row taken in (accepted, review or duplicate), 1 some rows rejected, 2 the file or the
service could not be read.
"""

import csv
import json
import os
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.settings import DEV_JWT_SECRET

channel_app = typer.Typer(help="Outside channels (marketplaces, ERPs, offline partners).", no_args_is_help=True)
DEFAULT_GATEWAY = "http://127.0.0.1:8080"
BATCH = 200

File = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The CSV file (UTF-8).")]
Channel = Annotated[str, typer.Option("--channel", "-c", help="The offline channel's code.")]
Gateway = Annotated[str | None, typer.Option("--gateway", help="Default: TRADEFLOW_GATEWAY_URL or "
                                                               f"{DEFAULT_GATEWAY}.")]
AsJson = Annotated[bool, typer.Option("--json", help="The report as one JSON document.")]


@channel_app.command("import")
def import_file(file: File, channel: Channel, gateway: Gateway = None, as_json: AsJson = False) -> None:
    """Import an offline channel's orders from a CSV file (one row per order line)."""
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        typer.echo(f"cannot read {file}: {exc}", err=True)
        raise typer.Exit(2) from None
    if not rows:
        typer.echo(f"{file} has no rows under its header", err=True)
        raise typer.Exit(2)
    try:
        report = _send(rows, channel, gateway or os.environ.get("TRADEFLOW_GATEWAY_URL", DEFAULT_GATEWAY))
    except (httpx.HTTPError, ImportRefused) as exc:
        typer.echo(f"the import stopped: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(report, indent=2)) if as_json else _render(report)
    raise typer.Exit(1 if report["rejected"] else 0)


class ImportRefused(Exception):
    """The channel adapter refused a batch as a whole (unknown channel, not offline, …)."""


def _send(rows: list[dict[str, str]], channel: str, gateway: str) -> dict[str, Any]:
    token = TokenCodec(os.environ.get("TRADEFLOW_JWT_SECRET", DEV_JWT_SECRET),
                       os.environ.get("TRADEFLOW_JWT_ISSUER", "tradeflow")).mint("channel-import", ["staff"], 3600)
    report: dict[str, Any] = {"rows": [], "accepted": 0, "review": 0, "duplicate": 0, "rejected": 0}
    with httpx.Client(base_url=gateway, timeout=60, headers={"Authorization": f"Bearer {token}"}) as client, \
            Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"importing into {channel}", total=len(rows))
        for start in range(0, len(rows), BATCH):
            batch = [{k: v or "" for k, v in row.items() if k is not None} for row in rows[start:start + BATCH]]
            response = client.post(f"/channels/{channel}/imports", json={"rows": batch, "first_row": start + 2})
            if response.status_code != 200:
                raise ImportRefused(f"HTTP {response.status_code}: {response.text[:500]}")
            answer = response.json()
            report["rows"] += answer["rows"]
            for status in ("accepted", "review", "duplicate", "rejected"):
                report[status] += answer[status]
            progress.advance(task, len(batch))
    return report


def _render(report: dict[str, Any]) -> None:
    console = Console()
    table = Table("row", "status", "external order", "reason")
    for row in report["rows"]:
        reason = row.get("reason") or ""
        if row.get("field"):
            reason = f"{row['field']}: {reason}"
        elif row.get("detail"):
            reason = f"{reason}: {row['detail']}"
        table.add_row(str(row["row"]), row["status"], row.get("external_order_id") or "", reason)
    console.print(table)
    console.print(f"accepted {report['accepted']}, review {report['review']}, duplicate {report['duplicate']}, "
                  f"rejected {report['rejected']} (rows; the file's line numbers, header = 1)")
