"""`dlq list` as a table that fits the terminal: at 80 columns as well as at 200.

The essential columns are always there: the full ID (what `dlq show` and `dlq replay` take),
when it last failed, its replays and the error, on up to two lines (three when narrow). The
replay cell says what the record is a replay of ("#2 of 0:5": the second replay in the chain
that began with the dead letter at partition 0, offset 5 of the same topic; a full id when it
is on another one) and "replayed" once it was sent back. Attempts, type, group, key and the
original topic (when it is not the twin's) join in that order while the error keeps a quarter
of the width, at least `MIN_ERROR` columns. From `WIDE_AT` columns, times have seconds and the
words are spelled out.
"""

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich import box
from rich.table import Table
from rich.text import Text

from tradeflow_cli.dlq_records import DeadLetterRecord
from tradeflow_cli.record_id import RecordId
from tradeflow_contracts.topics import DLQ_SUFFIX

MIN_ERROR = 24
WIDE_AT = 120
GAP = 2  # between columns
ERROR_LINES = 2  # 3 when the error has fewer than NARROW_ERROR columns
NARROW_ERROR = 30


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[DeadLetterRecord], str | list[str]]  # a list: one cell on several lines
    max_width: int = 40
    justify: str = "left"


def dead_letter_table(records: Sequence[DeadLetterRecord], replayed: set[str], width: int) -> Table:
    wide = width >= WIDE_AT
    columns = _chosen(records, _essential(replayed, wide), _optional(records), width)
    error_width = max(width - _used(records, columns), 8)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    for column in columns:
        table.add_column(column.header, width=_natural(records, column), no_wrap=True, overflow="ellipsis",
                         justify=column.justify)
    table.add_column("Error", width=error_width, no_wrap=True, overflow="ellipsis")
    for record in records:
        table.add_row(*(Text(_cell(column, record)) for column in columns), Text(_error_lines(record, error_width)))
    return table


def replay_cell(record: DeadLetterRecord, replayed: bool, wide: bool) -> list[str]:
    """What the record is a replay of, and whether it was replayed itself."""
    lines = ["replayed"] if replayed else []
    if replay := record.dead_letter.replay:
        root = _relative(replay.root, record.id.topic)
        lines.insert(0, f"replay {replay.count} of {root}" if wide else f"#{replay.count} of {root}")
    return lines or ["–"]


def _relative(record_id: str, topic: str) -> str:
    """`partition:offset` for a record on `topic`, the full id otherwise."""
    try:
        parsed = RecordId.parse(record_id)
    except ValueError:
        return record_id
    return f"{parsed.partition}:{parsed.offset}" if parsed.topic == topic else record_id


def failed_at(record: DeadLetterRecord, wide: bool) -> str:
    return record.dead_letter.last_failure.strftime("%Y-%m-%d %H:%M:%S" if wide else "%m-%d %H:%M")


def _essential(replayed: set[str], wide: bool) -> list[Column]:
    return [Column("ID", lambda r: str(r.id), max_width=80),
            Column("Last failure (UTC)" if wide else "Failed", lambda r: failed_at(r, wide)),
            Column("Replays", lambda r: replay_cell(r, str(r.id) in replayed, wide), max_width=80)]


def _optional(records: Sequence[DeadLetterRecord]) -> list[Column]:
    columns = [Column("Tries", lambda r: str(r.dead_letter.attempts), justify="right"),
               Column("Type", lambda r: r.message_type, max_width=32),
               Column("Group", lambda r: r.dead_letter.consumer_group, max_width=24),
               Column("Key", lambda r: _printable(r.key), max_width=24)]
    if any(r.dead_letter.original_topic + DLQ_SUFFIX != r.id.topic for r in records):
        columns.append(Column("Original topic", lambda r: r.dead_letter.original_topic))
    return columns


def _chosen(records: Sequence[DeadLetterRecord], essential: list[Column], optional: list[Column],
            width: int) -> list[Column]:
    chosen, error_min = list(essential), max(MIN_ERROR, width // 4)
    for column in optional:
        if width - _used(records, [*chosen, column]) >= error_min:
            chosen.append(column)
    order = [essential[0], essential[1], *optional, essential[2]]
    return sorted(chosen, key=order.index)


def _used(records: Sequence[DeadLetterRecord], columns: list[Column]) -> int:
    """Width taken by the columns and their gaps, including the gap before the error."""
    return sum(_natural(records, c) + GAP for c in columns)


def _natural(records: Sequence[DeadLetterRecord], column: Column) -> int:
    widest = max((len(line) for r in records for line in _cell(column, r).split("\n")), default=0)
    return min(max(len(column.header), widest), column.max_width)


def _cell(column: Column, record: DeadLetterRecord) -> str:
    """Cells are data, never rich markup; a text keeps to its line (a key may hold a newline)."""
    value = column.cell(record)
    return "\n".join(" ".join(line.split()) for line in ([value] if isinstance(value, str) else value))


def _error_lines(record: DeadLetterRecord, width: int) -> str:
    failure = record.dead_letter
    text = f"{failure.error_class.rsplit('.', 1)[-1]}: {failure.error_message}"
    lines = ERROR_LINES if width >= NARROW_ERROR else ERROR_LINES + 1
    return "\n".join(textwrap.wrap(" ".join(text.split()), width, max_lines=lines, placeholder=" …"))


def _printable(raw: bytes | None) -> str:
    return "–" if raw is None else raw.decode(errors="replace")
