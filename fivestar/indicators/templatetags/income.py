"""Money formatting for income pages: 6,800,000 元 and 680.00 万元."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    """`6800000` → `6,800,000`; `1234.5` → `1,234.50`; None → `—`."""
    if value is None or value == "":
        return "—"
    text = f"{Decimal(value):,.2f}"
    return text[:-3] if text.endswith(".00") else text


@register.filter
def wan(value) -> str:
    """Yuan as 万元 with two decimals: `6800000` → `680.00`."""
    if value is None or value == "":
        return "0"
    return f"{Decimal(value) / 10000:,.2f}"


@register.filter
def indicator_name(code) -> str:
    """The Chinese name of an indicator code (村集体经济收入, 夜校参学率…)."""
    from fivestar.indicators.registry import INDICATORS

    indicator = INDICATORS.get(code)
    return indicator.label if indicator else str(code or "")


@register.filter
def indicator_amount(value, code) -> str:
    """A recorded value with its unit: money as yuan, counts and rates as numbers."""
    from fivestar.indicators.registry import INDICATORS

    if value is None:
        return "—"
    indicator = INDICATORS.get(code)
    unit = indicator.unit if indicator else ""
    if unit == "元":
        return f"{yuan(value)} 元"
    number = f"{float(value):.1f}".rstrip("0").rstrip(".")
    return f"{number} {unit}".strip() if unit != "%" else f"{number}%"


@register.filter
def indicator_source(code, unit_code) -> str:
    """The page showing the records an indicator value comes from."""
    from django.urls import reverse

    if code == "collective_income" or code is None:
        return reverse("indicators:village", args=[unit_code])
    if code in ("black_flags_year", "no_black_flag_year"):
        return reverse("observation:village", args=[unit_code])
    from fivestar.activities.indicators import source_url

    return source_url(code, unit_code)
