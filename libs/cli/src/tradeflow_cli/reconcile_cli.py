"""`tradeflow reconcile payments --date D`: the day's payments, ours against the PSP's.

Exit status: 0 everything matches, 1 differences were found (listed), 2 bad input or a side
could not be read.
"""

import asyncio
import json
import os
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

import asyncpg
import httpx
import typer

from tradeflow_cli.reconcile_match import LABELS, OUTCOMES, Report, reconcile
from tradeflow_cli.reconcile_sources import SLACK, PspReader, our_attempts
from tradeflow_kit.settings import LOCAL_POSTGRES, database_name

reconcile_app = typer.Typer(help="Reconciliation (对账) with outside parties.", no_args_is_help=True)

DEFAULT_PSP_URL = "http://127.0.0.1:8190"


def _default_database_url() -> str:
    return os.environ.get("PAYMENT_DATABASE_URL") or f"{LOCAL_POSTGRES}/{database_name('payment')}"


def _default_psp_url() -> str:
    return os.environ.get("PAYMENT_PSP_BASE_URL") or os.environ.get("TRADEFLOW_PSP_SIMULATOR_URL") or DEFAULT_PSP_URL


Day = Annotated[str, typer.Option("--date", help="The day (UTC), YYYY-MM-DD: payments created that day.")]
PspUrl = Annotated[str | None, typer.Option("--psp-url", help="The PSP's API. Default: PAYMENT_PSP_BASE_URL "
                                                              f"or {DEFAULT_PSP_URL}.")]
DatabaseUrl = Annotated[str | None, typer.Option("--database-url", help="The payment service's database. "
                                                                        "Default: PAYMENT_DATABASE_URL or local.")]
ApiKey = Annotated[str, typer.Option("--psp-api-key", envvar="TRADEFLOW_PSP_API_KEY", help="The PSP API key.")]
AsJson = Annotated[bool, typer.Option("--json", help="One JSON document instead of the table.")]


@reconcile_app.command("payments")
def payments(day: Day, psp_url: PspUrl = None, database_url: DatabaseUrl = None,
             psp_api_key: ApiKey = "psp-dev-key", as_json: AsJson = False) -> None:
    """Match the day's payment attempts with the PSP: matched, missing on our side, missing at
    the PSP, amount and status mismatches, with totals in minor units."""
    try:
        when = date.fromisoformat(day)
    except ValueError:
        typer.echo(f"--date must be a day as YYYY-MM-DD, not {day!r}", err=True)
        raise typer.Exit(2) from None
    try:
        report = asyncio.run(_report(when, psp_url or _default_psp_url(), database_url or _default_database_url(),
                                     psp_api_key))
    except (OSError, httpx.HTTPError, ValueError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        typer.echo(f"could not read both sides: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(report.as_json(), indent=2) if as_json else render(report))
    raise typer.Exit(0 if report.all_match else 1)


async def _report(day: date, psp_url: str, database_url: str, api_key: str) -> Report:
    start = datetime.combine(day, time(), UTC)
    end = start + timedelta(days=1)
    ours = await our_attempts(database_url, start, end)
    reader = PspReader(psp_url, api_key)
    try:
        listed = {a.psp_reference: a for a in await reader.created_between(start - SLACK, end + SLACK)}
        for mine in ours:
            if mine.psp_reference not in listed and (theirs := await reader.one(mine.psp_reference)) is not None:
                listed[theirs.psp_reference] = theirs
    finally:
        await reader.aclose()
    of_day = {r for r, a in listed.items() if start <= a.created_at < end}
    return reconcile(day.isoformat(), ours, listed, of_day)


def render(report: Report) -> str:
    """A table that fits 80 columns: totals, then one line per difference."""
    totals, captured = report.totals(), report.captured()
    out = [f"Payments created {report.day} (UTC)", f"{'':22}{'count':>8}{'amount':>16}"]
    out += [f"{LABELS[o]:22}{totals[o]['count']:>8}{totals[o]['amount']:>16,}" for o in OUTCOMES]
    out.append(f"{'captured: ours':22}{'':8}{captured['ours']:>16,}")
    out.append(f"{'captured: PSP':22}{'':8}{captured['psp']:>16,}")
    if report.differences:
        out += ["", "Differences:"]
        for d in report.differences:
            ours = f"{d.ours.amount} {d.ours.currency} {d.ours.status}" if d.ours else "-"
            psp = f"{d.psp.amount} {d.psp.currency} {d.psp.status}" if d.psp else "-"
            out.append(f"  {LABELS[d.outcome]}: {d.psp_reference} order {d.order_id}")
            out.append(f"      ours {ours} | PSP {psp}")
    else:
        out += ["", "All payments match."]
    return "\n".join(out)
