"""`dlq list` at 80 and at 160 columns: each line fits, the ids stay whole, the essentials show."""

import io

import pytest
from rich.console import Console

from tradeflow_cli.dlq_table import dead_letter_table
from tradeflow_contracts.deadletter import ReplayLink

VALIDATION_ERROR = ("1 validation error for RequestPayment\namount\n  Input should be greater than 0 "
                    "[type=greater_than, input_value=-2, input_type=int]")


@pytest.fixture
def records(dead_letter_record):
    """A long pydantic error, the longest topic name there is, and a replay that failed again."""
    first = dead_letter_record(12, partition=2, topic="payment.commands.dlq", type_="payment.request-payment",
                               error_class="pydantic_core._pydantic_core.ValidationError",
                               error_message=VALIDATION_ERROR, key=b"6f1c2b9e-5d1e-4c1e-9a53-0c2f3b8a1d77")
    other = dead_letter_record(1234, partition=5, topic="after-sales.commands.dlq",
                               error_class="builtins.RuntimeError", error_message="cannot count poison")
    again = dead_letter_record(40, partition=2, topic="payment.commands.dlq", replay=ReplayLink(
        "payment.commands.dlq:2:12", "payment.commands.dlq:2:12", 1))
    return [first, other, again]


def lines(records, replayed: set[str], width: int) -> list[str]:
    console = Console(file=io.StringIO(), width=width)
    console.print(dead_letter_table(records, replayed, width))
    return console.file.getvalue().splitlines()


def row_of(rendered: list[str], record_id: str) -> str:
    [row] = [line for line in rendered if line.startswith(record_id + " ")]
    return row


def error_of(rendered: list[str], record_id: str) -> str:
    """The text of the record's error cell, over the lines it takes."""
    start, first = rendered[0].index("Error"), rendered.index(row_of(rendered, record_id))
    cell = [rendered[first][start:]]
    for line in rendered[first + 1:]:
        if line[:start].strip():
            break
        cell.append(line[start:])
    return " ".join(" ".join(cell).split())


@pytest.mark.parametrize("width", [80, 160])
def test_every_line_fits_and_every_id_is_whole_to_paste_into_show_or_replay(records, width):
    rendered = lines(records, set(), width)
    assert max(len(line) for line in rendered) <= width
    for record in records:
        assert row_of(rendered, str(record.id))


@pytest.mark.parametrize("width", [80, 160])
def test_the_error_and_the_failure_time_show_at_any_width(records, width):
    rendered = lines(records, set(), width)
    assert error_of(rendered, "after-sales.commands.dlq:5:1234") == "RuntimeError: cannot count poison"
    failed = "06-01 11:00" if width == 80 else "2025-06-01 11:00:00"
    assert failed in row_of(rendered, "after-sales.commands.dlq:5:1234")
    assert error_of(rendered, "payment.commands.dlq:2:12").startswith("ValidationError: 1 validation error for")


def test_a_replay_that_failed_again_is_marked_with_its_first_dead_letter_and_its_number(records):
    assert "#1 of 2:12" in row_of(lines(records, set(), 80), "payment.commands.dlq:2:40")
    assert "replay 1 of 2:12" in row_of(lines(records, set(), 160), "payment.commands.dlq:2:40")


def test_a_first_dead_letter_on_another_topic_is_named_in_full(dead_letter_record):
    again = dead_letter_record(3, replay=ReplayLink("order.old.dlq:0:1", "order.old.dlq:0:1", 2))
    assert "#2 of order.old.dlq:0:1" in row_of(lines([again], set(), 80), "order.events.dlq:0:3")


def test_says_which_were_replayed(records):
    rendered = lines(records, {"payment.commands.dlq:2:12"}, 80)
    assert "replayed" in row_of(rendered, "payment.commands.dlq:2:12")
    assert "replayed" not in row_of(rendered, "after-sales.commands.dlq:5:1234")


def test_wide_terminals_get_type_and_attempts_narrow_ones_keep_the_error_readable(records):
    wide, narrow = lines(records, set(), 160), lines(records, set(), 80)
    assert "Type" in wide[0] and "Tries" in wide[0]
    assert "Type" not in narrow[0]
    assert len(error_of(narrow, "payment.commands.dlq:2:12")) >= 40


def test_the_original_topic_shows_only_when_it_is_not_the_twins(dead_letter_record):
    moved = dead_letter_record(1, topic="order.archive.dlq")
    assert "Original topic" in lines([moved], set(), 200)[0]
    assert "Original topic" not in lines([dead_letter_record(1)], set(), 200)[0]


def test_a_key_with_a_line_break_stays_on_its_line(dead_letter_record):
    rendered = lines([dead_letter_record(1, key=b"order\n-1")], set(), 200)
    assert "order -1" in row_of(rendered, "order.events.dlq:0:1")
