"""Money: exact fen, parsing what a clerk types, ¥ formatting, rounding, capital numerals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.money import (
    MAX_FEN,
    ZERO,
    Money,
    chinese_capital,
    format_money,
    parse_money,
    parse_rate_percent,
)
from app.errors import InputError

# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "fen"), [
    ("200", 20_000),
    ("200.5", 20_050),
    ("1,234.5", 123_450),
    ("¥1,234.50", 123_450),
    ("￥1,234.50", 123_450),          # full-width yen sign
    ("２００", 20_000),                # full-width digits
    ("１，２３４．５０", 123_450),       # full-width comma and point
    ("200元", 20_000),
    (" 200 ", 20_000),
    ("0", 0),
    ("0.01", 1),
    ("-¥12.30", -1_230),
    ("1,234,567.89", 123_456_789),
])
def test_parse_money_accepts_what_a_clerk_types(text, fen):
    """Money and dates: amounts are parsed exactly to the fen."""
    assert parse_money(text) == Money(fen)


@pytest.mark.parametrize("text", [
    "1.234",      # three decimals
    "abc",
    "1,23",       # misplaced thousands separator
    "12,34.5",
    "1,2345",
    "",
    "   ",
    "¥",
    "元",
    "1.",
    ".5",
    "1e3",
    "--5",
    "NaN",
])
def test_parse_money_refuses_what_is_not_an_amount(text):
    """Money and dates: anything but an amount with at most two decimals is an InputError."""
    with pytest.raises(InputError):
        parse_money(text)


def test_parse_money_error_names_the_typed_text():
    """Money and dates: the clerk sees what was refused."""
    with pytest.raises(InputError, match="abc"):
        parse_money("abc")


def test_parse_money_refuses_absurdly_large_amounts():
    """Money and dates: amounts beyond MAX_FEN are refused rather than overflowing."""
    with pytest.raises(InputError):
        parse_money("9" * 20)


# --- the type ------------------------------------------------------------------------------


@pytest.mark.parametrize(("money", "text"), [
    (Money(123_450), "¥1,234.50"),
    (Money(0), "¥0.00"),
    (Money(5), "¥0.05"),
    (Money(20_000), "¥200.00"),
    (Money(-123_450), "-¥1,234.50"),
    (Money(-5), "-¥0.05"),
    (Money(123_456_789_01), "¥123,456,789.01"),
])
def test_money_is_shown_as_yuan_with_thousands_separators(money, text):
    """Money and dates: shown as ``¥1,234.50``; negatives as ``-¥1,234.50``."""
    assert format_money(money) == text
    assert str(money) == text


@given(st.integers(-MAX_FEN, MAX_FEN))
def test_formatted_money_parses_back_to_the_same_amount(fen):
    """Money and dates: what we print, a clerk can type back."""
    assert parse_money(format_money(Money(fen))) == Money(fen)


def test_money_times_rate_rounds_half_up_to_the_fen():
    """Money and dates, R6.6: ¥10,001.00 × 2.5% = ¥250.03 (250.025 rounds up)."""
    assert Money.yuan(10_001).times_rate(Decimal("0.025")) == Money(25_003)
    assert Money.yuan(18_000 + 4_800).times_rate(Decimal("0.03")) == Money.yuan(684)
    assert Money(1).times_rate(Decimal("0.5")) == Money(1)          # 0.5 fen → 1 fen
    assert Money(1).times_rate(Decimal("0.49")) == Money(0)
    assert Money(-1).times_rate(Decimal("0.5")) == Money(-1)        # symmetric, away from zero


def test_money_never_comes_from_float():
    """Money and dates: money is exact; float is refused everywhere it could slip in."""
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.yuan(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(100) * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money(100).times_rate(0.025)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True)  # type: ignore[arg-type]


def test_money_yuan_refuses_fractions_of_a_fen():
    """Money and dates: at most two decimals."""
    assert Money.yuan("12.34") == Money(1_234)
    assert Money.yuan(Decimal("0.10")) == Money(10)
    with pytest.raises(InputError):
        Money.yuan("0.001")


def test_money_arithmetic_is_exact():
    """Money and dates: sums of cents never drift (0.1 + 0.2 == 0.3)."""
    assert Money.yuan("0.1") + Money.yuan("0.2") == Money.yuan("0.3")
    assert Money(500) - Money(700) == Money(-200)
    assert Money.yuan(200) * 3 == 3 * Money.yuan(200) == Money.yuan(600)
    assert -Money(5) == Money(-5)
    assert Money(1) > ZERO
    assert Money(12_345).as_decimal() == Decimal("123.45")
    with pytest.raises(InputError):
        Money(MAX_FEN) + Money(1)


# --- Chinese capital numerals (R2.4) --------------------------------------------------------

# Checked against 《正确填写票据和结算凭证的基本规定》: 零 for zeros inside the number (one 零
# for a run of zeros), 零 after 元 when 角 is 0 and 分 is not, 整 after 元 when there are no
# 角/分 (optional after 角, never after 分), 壹拾 (not 拾) for a leading ten.
CAPITALS = [
    ("600", "人民币陆佰元整"),
    ("200", "人民币贰佰元整"),
    ("400", "人民币肆佰元整"),
    ("0", "人民币零元整"),
    ("0.5", "人民币伍角整"),
    ("0.05", "人民币伍分"),
    ("0.55", "人民币伍角伍分"),
    ("1.05", "人民币壹元零伍分"),
    ("10", "人民币壹拾元整"),
    ("15", "人民币壹拾伍元整"),
    ("101", "人民币壹佰零壹元整"),
    ("1010", "人民币壹仟零壹拾元整"),
    ("1409.50", "人民币壹仟肆佰零玖元伍角整"),
    ("6007.14", "人民币陆仟零柒元壹角肆分"),
    ("1680.32", "人民币壹仟陆佰捌拾元叁角贰分"),
    ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "人民币叁佰贰拾伍元零肆分"),
    ("10001", "人民币壹万零壹元整"),
    ("10100", "人民币壹万零壹佰元整"),
    ("15000", "人民币壹万伍仟元整"),
    ("100000", "人民币壹拾万元整"),
    ("1000000", "人民币壹佰万元整"),
    ("100000001", "人民币壹亿零壹元整"),
    ("100010000", "人民币壹亿零壹万元整"),
    ("100001000", "人民币壹亿零壹仟元整"),
    ("123450000", "人民币壹亿贰仟叁佰肆拾伍万元整"),
    ("1234567.89", "人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    ("1000000000000", "人民币壹万亿元整"),
    ("5000300000000", "人民币伍万零叁亿元整"),
    ("1200000000000", "人民币壹万贰仟亿元整"),
    ("10000000000000", "人民币壹拾万亿元整"),
]


@pytest.mark.parametrize(("yuan", "capital"), CAPITALS)
def test_deposit_receipt_amount_in_chinese_capital_numerals(yuan, capital):
    """R2.4: the deposit receipt shows the amount in capital numerals (¥600.00 → 人民币陆佰元整)."""
    assert chinese_capital(Money.yuan(yuan)) == capital


_CAP_DIGITS = {d: i for i, d in enumerate("零壹贰叁肆伍陆柒捌玖")}
_CAP_SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def _read_capital_integer(text: str) -> int:
    """An independent reader of capital numerals (亿 and 万 sections, nested for 万亿)."""
    if "亿" in text:
        high, _sep, low = text.rpartition("亿")
        return _read_capital_integer(high) * 10**8 + _read_capital_integer(low)
    if "万" in text:
        high, _sep, low = text.rpartition("万")
        return _read_capital_integer(high) * 10**4 + _read_capital_integer(low)
    total, digit = 0, 0
    for ch in text:
        if ch in _CAP_DIGITS:
            digit = _CAP_DIGITS[ch]
        else:
            assert digit, f"unit {ch} without a digit in {text}"
            total += digit * _CAP_SMALL[ch]
            digit = 0
    return total + digit


def _read_capital(text: str) -> int:
    """fen from ``人民币…元…角…分`` / ``…整``."""
    assert text.startswith("人民币")
    body = text.removeprefix("人民币").removesuffix("整")
    yuan_text, _sep, rest = body.rpartition("元")
    fen = _read_capital_integer(yuan_text) * 100
    if "角" in rest:
        jiao, _sep, rest = rest.partition("角")
        fen += _CAP_DIGITS[jiao.removeprefix("零")] * 10
    if rest.endswith("分"):
        fen += _CAP_DIGITS[rest.removesuffix("分").removeprefix("零")]
    return fen


@given(st.integers(0, MAX_FEN))
def test_chinese_capital_reads_back_as_the_same_amount(fen):
    """R2.4: the capital amount on a receipt is the amount, whatever its size."""
    text = chinese_capital(Money(fen))
    assert _read_capital(text) == fen
    assert "零零" not in text
    assert "零元" not in text or fen < 100
    assert not any(f"零{unit}" in text for unit in "万亿拾佰仟角")
    assert text.endswith("分") != text.endswith("整")


def test_negative_capital_amount_is_marked():
    """R2.4: a reversal amount is never printed as if it were positive."""
    assert "负" in chinese_capital(Money(-20_000))


# --- commission rates ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "rate"), [
    ("3", Decimal("0.03")),
    ("2.5", Decimal("0.025")),
    ("2.5%", Decimal("0.025")),
    (" 2.55 % ", Decimal("0.0255")),
    ("０", Decimal("0")),
    ("100", Decimal("1")),
])
def test_commission_rate_is_typed_in_percent(text, rate):
    """R6.6: the commission rate is entered as a percentage and kept as an exact fraction."""
    assert parse_rate_percent(text) == rate


@pytest.mark.parametrize("text", ["abc", "", "-1", "100.01", "2.555", "NaN", "Infinity", "3,5"])
def test_commission_rate_refuses_nonsense(text):
    """R6.6: a rate is 0–100 % with at most two decimals."""
    with pytest.raises(InputError):
        parse_rate_percent(text)
