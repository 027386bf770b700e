"""Reading amounts and years typed by people (forms, Excel cells) into clean values, with Chinese messages.

Pure functions: the same rules apply to the web form and to every cell of an imported workbook.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .models import MAX_INCOME

CENT = Decimal("0.01")
MIN_YEAR, MAX_YEAR = 2000, 2100
NEGATIVE = "收入不能为负数。"
TOO_LARGE = "金额超过 10 亿元，明显不合理，请核对单位（应以“元”为单位）。"
WAN = "请以“元”为单位填写数字，不要填写“万元”（如 5 万元应填 50000）。"
YEAR_RANGE = f"年度应为 {MIN_YEAR} 至 {MAX_YEAR} 之间的四位年份。"
THRESHOLD = Decimal("50000")  # the seed's yardstick: villages "above 50,000 yuan"


def _not_a_number(raw) -> str:
    return f"「{raw}」不是有效的金额，请填写数字（单位：元）。"


def parse_amount(value) -> Decimal | None:
    """A yuan amount ≥ 0 and ≤ 10 亿, rounded to fen; None when blank. Raises ValueError(中文)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(_not_a_number(value))
    if isinstance(value, (int, float, Decimal)):
        text = str(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        for junk in (",", "，", " ", "\u3000", "¥", "￥"):
            text = text.replace(junk, "")
        if "万" in text:
            raise ValueError(WAN)
        if text.endswith("元"):
            text = text[:-1]
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(_not_a_number(value)) from None
    if not amount.is_finite():
        raise ValueError(_not_a_number(value))
    if amount < 0:
        raise ValueError(NEGATIVE)
    if amount > MAX_INCOME:
        raise ValueError(TOO_LARGE)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_year(value) -> int | None:
    """A four-digit year in range; None when blank. Raises ValueError(中文)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(YEAR_RANGE)
    text = str(value).strip().removesuffix("年")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(f"「{value}」不是有效的年度，{YEAR_RANGE}") from None
    if not number.is_finite() or number != number.to_integral_value() or not MIN_YEAR <= number <= MAX_YEAR:
        raise ValueError(YEAR_RANGE)
    return int(number)


def parse_code(value) -> str:
    """A unit code cell: Excel may hand over 410928103201 as a number."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
