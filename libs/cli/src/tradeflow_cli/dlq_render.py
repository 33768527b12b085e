"""How dead letters, purge plans and the audit log look on a terminal and in JSON lines."""

import json
from collections.abc import Iterable
from typing import Any

from aiokafka import TopicPartition
from rich.console import Group, RenderableType
from rich.json import JSON
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from tradeflow_cli.audit import AuditEntry
from tradeflow_cli.dlq_chain import Awaiting, ChainNode
from tradeflow_cli.dlq_purge import PurgePlan
from tradeflow_cli.dlq_records import DeadLetterRecord, decoded_headers
from tradeflow_cli.time_parsing import rfc3339
from tradeflow_contracts.deadletter import PREFIX, ReplayLink


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def printable(raw: bytes | None) -> str:
    return "–" if raw is None else raw.decode(errors="replace")


def dead_letter_json(record: DeadLetterRecord, replayed: bool) -> str:
    failure = record.dead_letter
    return json.dumps({
        "id": str(record.id), "original_topic": failure.original_topic,
        "original_partition": failure.original_partition, "original_offset": failure.original_offset,
        "type": record.message_type, "key": None if record.key is None else printable(record.key),
        "consumer_group": failure.consumer_group, "error_class": failure.error_class,
        "error_message": failure.error_message, "error_kind": failure.error_kind, "attempts": failure.attempts,
        "first_failure": rfc3339(failure.first_failure), "last_failure": rfc3339(failure.last_failure),
        "replayed": replayed, **_replay_json(failure.replay),
    })


def dead_letter_detail(record: DeadLetterRecord, chain: ChainNode,
                       committed: dict[tuple[str, TopicPartition], int] | None = None) -> RenderableType:
    headers = decoded_headers(record.headers)
    about = Table("Field", "Value", title=f"Dead letter {record.id}", show_lines=False)
    for name, value in [("key", printable(record.key)), ("type", record.message_type),
                        *((k, v) for k, v in headers.items() if k.startswith(PREFIX))]:
        _add_row(about, name, value)
    original = Table("Header", "Value", title="Original headers")
    for name, value in decoded_headers(record.original_headers()).items():
        _add_row(original, name, value)
    return Group(about, original, Text("Value", style="bold"), _value(record.value),
                 replay_tree(chain, record, committed or {}))


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


def replay_tree(chain: ChainNode, this: DeadLetterRecord,
                committed: dict[tuple[str, TopicPartition], int]) -> RenderableType:
    """The chain `this` belongs to: its first dead letter, each replay with who sent it and its fate."""
    if not chain.replays and chain.id == str(this.id):
        return Text("Never replayed.")
    tree = Tree(Text("Replay history", style="bold"))
    _grow(tree.add(_letter(chain, this, "first failure")), chain, this, committed)
    return tree


def _grow(branch: Tree, node: ChainNode, this: DeadLetterRecord,
          committed: dict[tuple[str, TopicPartition], int]) -> None:
    for replay in node.replays:
        sent = (f"replayed {rfc3339(replay.entry.at)} by {replay.entry.actor}" if replay.entry
                else "replayed (not in the audit log)")
        if replay.dead_again is None:
            branch.add(Text(f"{sent}: {_fate(replay.awaiting, committed)}"))
        else:
            twig = branch.add(Text(f"{sent}: dead again as ") + _letter(replay.dead_again, this))
            _grow(twig, replay.dead_again, this, committed)


def _fate(awaiting: Awaiting | None, committed: dict[tuple[str, TopicPartition], int]) -> str:
    if awaiting is None:
        return "no dead letter since (succeeded, or not consumed yet)"
    if awaiting.consumed(committed):
        return f"succeeded: consumed by {awaiting.group} without a new dead letter"
    return f"not consumed by {awaiting.group} yet"


def _letter(node: ChainNode, this: DeadLetterRecord, role: str = "") -> Text:
    label = Text(node.id, style="bold" if node.id == str(this.id) else "")
    if node.record is None:
        label.append(" (no longer retained)", style="dim")
    else:
        failure = node.record.dead_letter
        label.append(f" {failure.error_class.rsplit('.', 1)[-1]}: {shorten(failure.error_message, 60)}")
    if role:
        label.append(f" ({role})", style="dim")
    if node.id == str(this.id):
        label.append(" ◀ this one", style="yellow")
    return label


def _replay_json(replay: ReplayLink | None) -> dict[str, Any]:
    """What the dead letter is a replay of; absent keys for a first failure keep older readers working."""
    if replay is None:
        return {}
    return {"replay_of": replay.replayed_from, "replay_root": replay.root, "replay_count": replay.count}


def _add_row(table: Table, *cells: str) -> None:
    """Cells are data, never rich markup: an error message may well contain `[type=…]`."""
    table.add_row(*(Text(cell) for cell in cells))
