"""Amounts and years typed by people: what is accepted, and the Chinese message for what is not."""

from decimal import Decimal

import pytest

from fivestar.indicators.parsing import parse_amount, parse_code, parse_year


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("12000", Decimal("12000.00")),
        ("12,000.5", Decimal("12000.50")),
        ("12，000元", Decimal("12000.00")),
        (" 0 ", Decimal("0.00")),
        (68000.456, Decimal("68000.46")),
        (1000000000, Decimal("1000000000.00")),
        ("", None),
        (None, None),
    ],
)
def test_amounts_accepted(raw, expected):
    assert parse_amount(raw) == expected


@pytest.mark.parametrize(
    "raw,message",
    [
        ("-1", "收入不能为负数"),
        (-0.01, "收入不能为负数"),
        ("1000000000.01", "超过 10 亿元"),
        (5e12, "超过 10 亿元"),
        ("abc", "「abc」不是有效的金额"),
        ("5万", "不要填写“万元”"),
        ("NaN", "不是有效的金额"),
        ("Infinity", "不是有效的金额"),
        (True, "不是有效的金额"),
    ],
)
def test_amounts_rejected_with_chinese_message(raw, message):
    with pytest.raises(ValueError) as exc:
        parse_amount(raw)
    assert message in str(exc.value)


def test_years():
    assert parse_year("2023") == 2023
    assert parse_year(2023.0) == 2023
    assert parse_year("2023年") == 2023
    assert parse_year(" ") is None
    for bad in ("1999", "2101", "2023.5", "二〇二三", True):
        with pytest.raises(ValueError, match="年度应为 2000 至 2100"):
            parse_year(bad)


def test_codes_typed_as_numbers_in_excel():
    assert parse_code(410928103201.0) == "410928103201"
    assert parse_code(" 410928103201 ") == "410928103201"
    assert parse_code(None) == ""
