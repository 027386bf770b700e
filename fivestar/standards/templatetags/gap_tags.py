"""Filters for the 差距 page: scores as the engine writes them (8, not 8.0), rule kind labels."""

from django import template

from fivestar.standards.engine.text import KINDS, fmt

register = template.Library()


@register.filter
def score(value) -> str:
    return fmt(value)


@register.filter
def kind_label(kind: str) -> str:
    return KINDS.get(kind, kind)


@register.filter
def percent(value, total) -> int:
    """Share of `total` as a whole percentage in 0..100 (0 when total is 0)."""
    try:
        return max(0, min(100, round(float(value) * 100 / float(total))))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0
