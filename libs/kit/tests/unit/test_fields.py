"""The shared strict field types refuse what would be misread or would break PostgreSQL."""

import pytest
from pydantic import ValidationError

from tradeflow_kit.fields import (
    MAX_BIGINT,
    MAX_INTEGER,
    Amount,
    Count,
    CurrencyCode,
    Flag,
    Id,
    Quantity,
    RequestModel,
    check_fits_bigint,
    text,
)


class Body(RequestModel):
    amount: Amount = 0
    count: Count = 0
    quantity: Quantity = 1
    currency: CurrencyCode = "CNY"
    name: text(20) = "x"
    note: text(50, multiline=True) = "x"
    id: Id = "x"
    flag: Flag = False


def refusal(**fields) -> str:
    with pytest.raises(ValidationError) as caught:
        Body(**fields)
    (error,) = caught.value.errors()
    return error["msg"]


@pytest.mark.parametrize("loose", ["100", 100.0, 1e3, True, None])
def test_money_is_a_json_integer_only(loose):
    assert refusal(amount=loose).startswith("Input should be a valid integer")


def test_money_fits_a_bigint_and_counts_an_integer_column():
    assert Body(amount=MAX_BIGINT, count=MAX_INTEGER, quantity=MAX_INTEGER).amount == MAX_BIGINT
    assert "less than or equal to" in refusal(amount=MAX_BIGINT + 1)
    assert "less than or equal to" in refusal(count=MAX_INTEGER + 1)
    assert "less than or equal to" in refusal(quantity=MAX_INTEGER + 1)
    assert "greater than or equal to 0" in refusal(amount=-1)
    assert "greater than 0" in refusal(quantity=0)


def test_currency_is_an_upper_case_iso_4217_money_code():
    assert Body(currency="USD").currency == "USD"
    assert "Invalid currency code" in refusal(currency="ABC")
    assert "Invalid currency code" in refusal(currency="XAU")  # gold is not money we take
    assert "upper-case" in refusal(currency="cny")
    assert "valid string" in refusal(currency=156)


@pytest.mark.parametrize("bad", ["a\x00b", "tab\there", "line\nbreak", "\x7f", "\x85", "a\u2028b"])
def test_single_line_text_refuses_nul_and_control_characters(bad):
    assert "control characters" in refusal(name=bad)


def test_multiline_text_keeps_line_breaks_but_not_nul():
    assert Body(note="first line\r\nsecond\tline").note == "first line\r\nsecond\tline"
    assert refusal(note="a\x00") == "must not contain control characters (found U+0000)"


def test_text_and_ids_are_bounded_and_ids_have_no_whitespace():
    assert "at most 20 characters" in refusal(name="x" * 21)
    assert "at least 1 character" in refusal(name="")
    assert "at most 128 characters" in refusal(id="x" * 129)
    assert refusal(id="order 1") == "must not contain whitespace"
    assert Body(name="张三 O'Brien 👩‍👩‍👧", id="order-1:a.b").name == "张三 O'Brien 👩‍👩‍👧"


def test_lone_surrogates_are_refused():
    assert "unicode" in refusal(name="\ud800")


@pytest.mark.parametrize("loose", [1, 0, "true", "false"])
def test_booleans_are_json_true_or_false_only(loose):
    assert "valid boolean" in refusal(flag=loose)


def test_unknown_fields_are_refused():
    assert refusal(colour="red") == "Extra inputs are not permitted"


def test_a_sum_beyond_a_bigint_is_refused():
    assert check_fits_bigint(MAX_BIGINT, "the total") == MAX_BIGINT
    with pytest.raises(ValueError, match="the total exceeds the largest amount"):
        check_fits_bigint(MAX_BIGINT + 1, "the total")
