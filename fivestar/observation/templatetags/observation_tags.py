"""{% flag_badge village %}: the village's flag in its town's latest published round (red/black), or nothing.
Lists pass a prefetched map instead: {% flag_badge_for flags village.pk %} with flags from latest_flags(ids)."""

from django import template
from django.utils.safestring import mark_safe

from ..models import FlagEntry, FlagRound

register = template.Library()


def latest_flags(village_ids) -> dict[int, str]:
    """village id → flag of its latest published entry (one query)."""
    out = {}
    for village_id, flag in (FlagEntry.objects.filter(village_id__in=list(village_ids), round__status=FlagRound.Status.PUBLISHED)
                             .order_by("village_id", "round__period_start").values_list("village_id", "flag")):
        out[village_id] = flag
    return out


def _badge(flag):
    if flag == "red":
        return mark_safe('<span class="badge bg-danger" data-testid="flag-badge">红旗</span>')
    if flag == "black":
        return mark_safe('<span class="badge bg-dark" data-testid="flag-badge">黑旗</span>')
    return ""


@register.simple_tag
def flag_badge(village):
    return _badge(latest_flags([village.pk]).get(village.pk, ""))


@register.simple_tag
def flag_badge_for(flags, village_id):
    return _badge((flags or {}).get(village_id, ""))
