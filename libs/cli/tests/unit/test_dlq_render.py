import io

from rich.console import Console

from tradeflow_cli.dlq_chain import replay_chain
from tradeflow_cli.dlq_render import dead_letter_detail, printable, shorten
from tradeflow_cli.dlq_table import dead_letter_table


def test_shortens_long_text_to_the_width_with_an_ellipsis():
    assert shorten("a" * 30, 10) == "a" * 9 + "…"


def test_keeps_short_text_and_folds_whitespace():
    assert shorten("KeyError:\n  'sku'", 40) == "KeyError: 'sku'"


def test_prints_bytes_that_are_not_utf8_without_failing():
    assert printable(b"order-\xff") == "order-\ufffd"
    assert printable(None) == "–"


def rendered(renderable, width: int = 300) -> str:
    console = Console(file=io.StringIO(), width=width)
    console.print(renderable)
    return console.file.getvalue()


def test_shows_error_text_that_looks_like_markup_as_it_is(dead_letter_record):
    record = dead_letter_record(error_message="Input should be > 0 [type=greater_than, input_value=-2]")
    assert "[type=greater_than, input_value=-2]" in rendered(dead_letter_detail(record, replay_chain(record, [], [])))
    assert "[type=greater_than" in rendered(dead_letter_table([record], set(), 300))
