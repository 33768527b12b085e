"""`tradeflow dlq`: list, show, replay and purge dead letters; every replay and purge is audited."""

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from tradeflow_cli import cli_options as option
from tradeflow_cli import dlq_render as render
from tradeflow_cli.audit import KafkaAuditLog, os_user, replayed_ids
from tradeflow_cli.cli_options import DEFAULT_BOOTSTRAP
from tradeflow_cli.cli_support import criteria, fail, moment, note, record_ids, run
from tradeflow_cli.dlq_filter import select
from tradeflow_cli.dlq_loading import candidates_with_audit, chain_of, snapshot_with_audit
from tradeflow_cli.dlq_purge import plan_from_snapshot, purge_dead_letters
from tradeflow_cli.dlq_records import DeadLetterRecord, DeadLetterSnapshot
from tradeflow_cli.dlq_replay import ReplayRequest, replay_dead_letters
from tradeflow_cli.dlq_table import dead_letter_table
from tradeflow_contracts.topics import AUDIT_TOPIC, DLQ_SUFFIX

dlq_app = typer.Typer(help="Inspect, replay and purge dead letters (records on `<topic>.dlq`).", no_args_is_help=True)
SHOWN_BEFORE_CONFIRMING = 50


@dlq_app.command("list")
def list_dead_letters(
    topic: option.Topics = None, message_type: option.MessageType = None, error: option.ErrorText = None,
    since: option.Since = None, until: option.Until = None, group: option.Group = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, oldest failure first.")] = 100,
    as_json: option.AsJson = False, bootstrap: option.Bootstrap = DEFAULT_BOOTSTRAP,
    audit_topic: option.AuditTopic = AUDIT_TOPIC,
) -> None:
    """List dead letters, oldest failure first."""
    wanted = criteria(topic, message_type, error, since, until, group)
    snapshot, audit = run(snapshot_with_audit(bootstrap, audit_topic, wanted.dlq_topics))
    _note_unreadable(snapshot)
    matching, replayed = select(snapshot.records, wanted), replayed_ids(audit)
    if as_json:
        for record in matching[:limit]:
            typer.echo(render.dead_letter_json(record, str(record.id) in replayed))
    else:
        _print_table(matching[:limit], replayed)
    if len(matching) > limit:
        note(f"Showing {limit} of {len(matching)} matching dead letters; raise --limit to see more.")


@dlq_app.command()
def show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="<dlq-topic>:<partition>:<offset>")],
    bootstrap: option.Bootstrap = DEFAULT_BOOTSTRAP, audit_topic: option.AuditTopic = AUDIT_TOPIC,
) -> None:
    """Everything about one dead letter: failure, original headers, key, value and its chain of replays."""
    [wanted] = record_ids([record_id])
    loaded = run(chain_of(bootstrap, audit_topic, wanted))
    Console().print(render.dead_letter_detail(loaded.record, loaded.chain, loaded.committed))


@dlq_app.command()
def replay(
    ids: Annotated[list[str] | None, typer.Argument(
        metavar="ID", help="Dead letters to replay (<dlq-topic>:<partition>:<offset>).")] = None,
    topic: option.Topics = None, message_type: option.MessageType = None, error: option.ErrorText = None,
    since: option.Since = None, until: option.Until = None, group: option.Group = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many, oldest failure first.")] = None,
    replay_all: Annotated[bool, typer.Option("--all", help="Allow replaying without IDs or a filter.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be replayed; send nothing.")] = False,
    yes: option.Yes = False, actor: option.Actor = None, bootstrap: option.Bootstrap = DEFAULT_BOOTSTRAP,
    audit_topic: option.AuditTopic = AUDIT_TOPIC,
) -> None:
    """Send dead letters back to their original topic: same key, value and headers, plus dlq.replayed.from."""
    wanted, chosen_ids = criteria(topic, message_type, error, since, until, group), record_ids(ids)
    if not chosen_ids and wanted.is_empty and not replay_all:
        fail("refusing to replay every dead letter: give IDs, a filter (--topic, --type, --error, --since, "
             "--until, --group) or --all")
    snapshot, audit = run(candidates_with_audit(bootstrap, audit_topic, chosen_ids, wanted.dlq_topics))
    _note_unreadable(snapshot)
    records, replayed = select(snapshot.records, wanted, limit), replayed_ids(audit)
    if not records:
        note("No dead letters match: nothing to replay.")
        return
    _preview(records, replayed)
    if already := [r for r in records if str(r.id) in replayed]:
        note(f"Note: {len(already)} of these {len(records)} were replayed before (consumers drop duplicates).")
    if dry_run:
        note(f"Dry run: {len(records)} dead letters would be replayed; nothing was sent.")
        return
    if not yes:
        typer.confirm(f"Replay {len(records)} dead letters to their original topics?", abort=True)
    described = wanted.describe() | ({"limit": limit} if limit else {}) | ({"all": True} if replay_all else {})
    _replay(bootstrap, audit_topic, ReplayRequest(records, actor or os_user(), described))


@dlq_app.command()
def purge(
    topic: Annotated[str, typer.Option("--topic", help="The dead-letter topic (…dlq) to purge.")],
    before: Annotated[str | None, typer.Option(help="Keep records that last failed at or after this. "
                                                    f"Default: purge everything. {option.TIME_HELP}")] = None,
    yes: option.Yes = False, actor: option.Actor = None, bootstrap: option.Bootstrap = DEFAULT_BOOTSTRAP,
    audit_topic: option.AuditTopic = AUDIT_TOPIC,
) -> None:
    """Delete a dead-letter topic's oldest records, per partition up to the first one to keep."""
    if not topic.endswith(DLQ_SUFFIX):
        fail(f"purge only deletes from dead-letter topics (…{DLQ_SUFFIX}); {topic!r} is not one")
    cutoff = moment("--before", before)
    snapshot, audit = run(snapshot_with_audit(bootstrap, audit_topic, [topic]))
    plan = plan_from_snapshot(topic, snapshot, cutoff)
    if plan.is_empty:
        note(f"Nothing to purge on {topic}.")
        return
    Console().print(render.purge_table(plan))
    doomed = set(plan.doomed)
    _preview([r for r in snapshot.records if r.id in doomed], replayed_ids(audit))
    if not yes:
        typer.confirm(f"Delete {len(plan.doomed)} records from {topic} for good?", abort=True)
    run(purge_dead_letters(bootstrap, plan, actor or os_user(), KafkaAuditLog(bootstrap, audit_topic)))
    note(f"Purged {len(plan.doomed)} records from {topic}; audited on {audit_topic}.")


@dlq_app.command()
def audit(
    limit: Annotated[int, typer.Option(min=1, help="The latest this many entries.")] = 50,
    as_json: option.AsJson = False, bootstrap: option.Bootstrap = DEFAULT_BOOTSTRAP,
    audit_topic: option.AuditTopic = AUDIT_TOPIC,
) -> None:
    """The audit log of replays and purges, latest last."""
    entries = run(KafkaAuditLog(bootstrap, audit_topic).read())[-limit:]
    if as_json:
        for entry in entries:
            typer.echo(render.audit_json(entry))
    else:
        Console().print(render.audit_table(entries))


def _replay(bootstrap: str, audit_topic: str, request: ReplayRequest) -> None:
    with Progress(console=Console(stderr=True)) as progress:
        task = progress.add_task("Replaying", total=len(request.records))
        sent = run(replay_dead_letters(bootstrap, request, KafkaAuditLog(bootstrap, audit_topic),
                                       on_sent=lambda: progress.advance(task)))
    note(f"Replayed {len(sent)} dead letters; audited on {audit_topic}.")


def _preview(records: list[DeadLetterRecord], replayed: set[str]) -> None:
    _print_table(records[:SHOWN_BEFORE_CONFIRMING], replayed)
    if len(records) > SHOWN_BEFORE_CONFIRMING:
        note(f"… and {len(records) - SHOWN_BEFORE_CONFIRMING} more.")


def _print_table(records: list[DeadLetterRecord], replayed: set[str]) -> None:
    console = Console()
    console.print(dead_letter_table(records, replayed, console.width))


def _note_unreadable(snapshot: DeadLetterSnapshot) -> None:
    if snapshot.unreadable:
        ids = ", ".join(str(r.id) for r in snapshot.unreadable[:5])
        note(f"Left out {len(snapshot.unreadable)} records without valid dlq.* headers ({ids}…).")
