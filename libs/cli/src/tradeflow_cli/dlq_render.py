"""How dead letters, purge plans and the audit log look on a terminal and in JSON lines."""

import json
from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.json import JSON
from rich.table import Table
from rich.text import Text

from tradeflow_cli.audit import AuditEntry
from tradeflow_cli.dlq_purge import PurgePlan
from tradeflow_cli.dlq_records import DeadLetterRecord, decoded_headers
from tradeflow_cli.time_parsing import rfc3339
from tradeflow_contracts.deadletter import PREFIX


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def printable(raw: bytes | None) -> str:
    return "–" if raw is None else raw.decode(errors="replace")


def dead_letter_table(records: Iterable[DeadLetterRecord], replayed: set[str]) -> Table:
    table = Table("ID", "Original topic", "Type", "Key", "Group", "Error", "Attempts", "Last failure", "Replayed")
    table.columns[0].no_wrap = True
    for record in records:
        failure = record.dead_letter
        _add_row(table, str(record.id), failure.original_topic, record.message_type, shorten(printable(record.key), 40),
                      failure.consumer_group, shorten(f"{failure.error_class}: {failure.error_message}", 60),
                      str(failure.attempts), rfc3339(failure.last_failure), _yes_no(str(record.id) in replayed))
    return table


def dead_letter_json(record: DeadLetterRecord, replayed: bool) -> str:
    failure = record.dead_letter
    return json.dumps({
        "id": str(record.id), "original_topic": failure.original_topic,
        "original_partition": failure.original_partition, "original_offset": failure.original_offset,
        "type": record.message_type, "key": None if record.key is None else printable(record.key),
        "consumer_group": failure.consumer_group, "error_class": failure.error_class,
        "error_message": failure.error_message, "error_kind": failure.error_kind, "attempts": failure.attempts,
        "first_failure": rfc3339(failure.first_failure), "last_failure": rfc3339(failure.last_failure),
        "replayed": replayed,
    })


def dead_letter_detail(record: DeadLetterRecord, history: list[AuditEntry]) -> RenderableType:
    headers = decoded_headers(record.headers)
    about = Table("Field", "Value", title=f"Dead letter {record.id}", show_lines=False)
    for name, value in [("key", printable(record.key)), ("type", record.message_type),
                        *((k, v) for k, v in headers.items() if k.startswith(PREFIX))]:
        _add_row(about, name, value)
    original = Table("Header", "Value", title="Original headers")
    for name, value in decoded_headers(record.original_headers()).items():
        _add_row(original, name, value)
    return Group(about, original, Text("Value", style="bold"), _value(record.value), _history(history))


def audit_table(entries: Iterable[AuditEntry]) -> Table:
    table = Table("At", "Action", "Actor", "Topic", "Count", "IDs", "Filter", title="Audit log")
    for entry in entries:
        _add_row(table, rfc3339(entry.at), entry.action, entry.actor, entry.topic or "(several)", str(entry.count),
                      shorten(", ".join(entry.ids), 80), json.dumps(entry.filter) if entry.filter else "")
    return table


def audit_json(entry: AuditEntry) -> str:
    return entry.to_json().decode()


def purge_table(plan: PurgePlan) -> Table:
    table = Table("Partition", "Records going", "Offsets deleted", title=f"Purge of {plan.topic}")
    for partition, cutoff in sorted(plan.cutoffs.items()):
        going = [i.offset for i in plan.doomed if i.partition == partition]
        _add_row(table, str(partition), str(len(going)), f"{min(going)} … {cutoff - 1}")
    return table


def _value(value: bytes | None) -> RenderableType:
    if value is None:
        return Text("(none)")
    try:
        return JSON.from_data(json.loads(value))
    except ValueError:
        return Text(printable(value))


def _history(history: list[AuditEntry]) -> RenderableType:
    if not history:
        return Text("Never replayed.")
    table = Table("Replayed at", "By", title="Replay history")
    for entry in history:
        _add_row(table, rfc3339(entry.at), entry.actor)
    return table


def _add_row(table: Table, *cells: str) -> None:
    """Cells are data, never rich markup: an error message may well contain `[type=…]`."""
    table.add_row(*(Text(cell) for cell in cells))


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"
