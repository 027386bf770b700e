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
