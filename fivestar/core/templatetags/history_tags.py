"""Times as people in the programme write them: 2026年11月30日 14:05, in local time (Asia/Shanghai)."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

from fivestar.core.selectors_history import DATETIME_FORMAT

register = template.Library()


@register.filter
def cn_datetime(value) -> str:
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, DATETIME_FORMAT)
