"""The channel's rules: money formats read exactly, status words never guessed, the price list,
the controls, SKU mapping and phone normalisation."""

from datetime import UTC, datetime, timedelta

import pytest

from tradeflow_channel_adapter.domain.accounts import normalise_phone
from tradeflow_channel_adapter.domain.channel import Controls, MoneyFormat, PriceList, Vocabulary
from tradeflow_channel_adapter.domain.controls import judge
from tradeflow_channel_adapter.domain.errors import BadNews
from tradeflow_channel_adapter.domain.external import ExternalLine, ExternalOrder, ExternalStatus
from tradeflow_channel_adapter.domain.ledger import ChannelOrder, OrderStatus, check_order, map_lines

NOW = datetime(2026, 12, 6, 8, tzinfo=UTC)
DECIMAL = Vocabulary({"WAIT_SELLER_SEND_GOODS": ExternalStatus.PAID}, {"sf": "SF-EXPRESS"}, MoneyFormat.DECIMAL)


@pytest.mark.parametrize(("value", "minor"), [("12.50", 1250), ("0", 0), ("7", 700), ("0.01", 1), ("1e2", 10000)])
def test_decimal_money_is_read_to_the_cent(value, minor):
    assert DECIMAL.amount(value, "price") == minor


@pytest.mark.parametrize("value", ["12.505", "-1", "abc", "NaN", "Infinity", 12.5, 1250, None, True])
def test_decimal_money_that_is_not_an_exact_amount_is_refused_with_its_field(value):
    with pytest.raises(BadNews) as refused:
        DECIMAL.amount(value, "orders.0.price")
    assert refused.value.field == "orders.0.price"


@pytest.mark.parametrize("value", ["1250", 12.5, -1, True, None])
def test_minor_money_must_be_a_non_negative_integer(value):
    with pytest.raises(BadNews):
        Vocabulary().amount(value, "unitPrice")
    assert Vocabulary().amount(1250, "unitPrice") == 1250


def test_money_is_written_back_in_the_channels_format():
    assert DECIMAL.money_value(1250) == "12.50" and DECIMAL.money_value(1) == "0.01"
    assert Vocabulary().money_value(1250) == 1250


def test_status_words_map_to_the_standard_ones_and_unknown_words_are_refused():
    assert DECIMAL.status("WAIT_SELLER_SEND_GOODS", "status") is ExternalStatus.PAID
    assert DECIMAL.status_word(ExternalStatus.PAID) == "WAIT_SELLER_SEND_GOODS"
    assert DECIMAL.status_word(ExternalStatus.SHIPPED) == "shipped"
    with pytest.raises(BadNews, match="unknown status 'PAID'"):
        DECIMAL.status("PAID", "status")
    assert DECIMAL.carrier("sf") == "SF-EXPRESS" and DECIMAL.carrier("yto") == "yto"


def test_the_price_list_takes_an_explicit_price_else_the_markup_rounded_half_up():
    prices = PriceList(markup_bp=11250, explicit={"sku-a": 999})
    assert prices.unit_price("sku-a", 5000) == 999
    assert prices.unit_price("sku-b", 1000) == 1125
    assert prices.unit_price("sku-b", 3) == 3  # 3.375 → 3
    assert PriceList(markup_bp=15000).unit_price("x", 3) == 5  # 4.5 → 5


def test_controls_hold_an_order_over_the_credit_the_member_limit_or_outside_the_period():
    controls = Controls(credit_limit_amount=1000, valid_from=NOW - timedelta(days=1),
                        valid_until=NOW + timedelta(days=1),
                        member_limit_amount=600)
    assert judge(controls, amount=400, used=600, member_used=0, now=NOW).ok
    over = judge(controls, amount=401, used=600, member_used=0, now=NOW)
    assert (over.ok, over.reason) == (False, "over-credit") and "400 of 1000 is left" in over.detail
    assert judge(controls, amount=300, used=0, member_used=301, now=NOW).reason == "over-member-limit"
    assert judge(controls, amount=1, used=0, member_used=0, now=NOW + timedelta(days=2)).reason == "credit-not-valid"
    assert judge(controls, amount=1, used=0, member_used=0, now=NOW - timedelta(days=2)).reason == "credit-not-valid"
    assert judge(Controls(), amount=10**12, used=10**12, member_used=10**12, now=NOW).ok


def _order(*lines: ExternalLine) -> ExternalOrder:
    return ExternalOrder("T1", ExternalStatus.PAID, "m1", "13800138000", "CNY", list(lines))


def test_skus_are_mapped_directly_or_through_the_erp_code_and_never_guessed():
    order = _order(ExternalLine("1", "cs-1", 1, 100, 100), ExternalLine("2", "cs-2", 1, 100, 100, erp_code="E2"),
                   ExternalLine("3", "cs-3", 1, 100, 100), ExternalLine("4", "cs-3", 2, 100, 200))
    mapping = map_lines(order, {"cs-1": "sku-1", "E2": "sku-2"})
    assert [(m.line.external_line_id, m.sku) for m in mapping.lines] == [("1", "sku-1"), ("2", "sku-2")]
    assert mapping.unmapped == ["cs-3"]
    assert not map_lines(order, {"cs-1": "a", "cs-2": "b", "cs-3": "c"}).unmapped


@pytest.mark.parametrize(("lines", "field"), [
    ((), "lines"),
    ((ExternalLine("1", "a", 0, 100, 0),), "lines.0.quantity"),
    ((ExternalLine("1", "a", 1, 100, 101),), "lines.0.paid_amount"),
    ((ExternalLine("1", "a", 1, 100, 100), ExternalLine("1", "b", 1, 100, 100)), "lines.1.external_line_id"),
])
def test_an_order_the_channel_got_wrong_is_refused_with_the_field(lines, field):
    with pytest.raises(BadNews) as refused:
        check_order(_order(*lines), "CNY")
    assert refused.value.field == field


def test_credit_is_charged_on_acceptance_and_given_back_by_refunds_and_cancellation():
    record = ChannelOrder("co_1", "shopa", "push", _order(ExternalLine("1", "a", 2, 500, 900),
                                                          ExternalLine("2", "b", 1, 300, 300)), OrderStatus.REVIEW)
    assert record.accept("acct_1", {"1": 450, "2": 280}) == 1180
    assert record.refunded({"1": 1}) == 450 and record.credit_amount == 730
    assert record.cancelled() == 730 and record.credit_amount == 0 and record.status is OrderStatus.CANCELLED


@pytest.mark.parametrize(("raw", "phone"), [("13800138000", "+8613800138000"), ("+86 138-0013-8000", "+8613800138000"),
                                            ("008613800138000", "+8613800138000"), (" ", None), (None, None)])
def test_phones_are_normalised_so_one_buyer_is_one_account(raw, phone):
    assert normalise_phone(raw, "phone") == phone


@pytest.mark.parametrize("raw", ["not a phone", "12", "+1 555"])
def test_a_phone_that_is_not_one_is_refused(raw):
    with pytest.raises(BadNews):
        normalise_phone(raw, "receiver_mobile")
