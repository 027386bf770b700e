"""Times as people in the programme write them: 2026年11月30日 14:05, in local time (Asia/Shanghai)."""

from django import template

from fivestar.core.selectors_history import format_datetime

register = template.Library()


@register.filter
def cn_datetime(value) -> str:
    return format_datetime(value) if value else ""
