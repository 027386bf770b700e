"""Who may see and who may review. Viewing a town's packs needs the town in the user's scope; reviewing (recompute,
adjust, settings, export) needs Action.MANAGE_PLANNING over it (town and county administrators, 系统管理员). Rank: a
grade adjusted at a level (county = 3) is changed again only from that level or above; a county's settings only by
the county."""

from django.db.models import Min

from fivestar.core.roles import Action
from fivestar.core.scoping import covers, is_global, user_grants
from fivestar.orgs.models import OrgUnit

REVIEW = Action.MANAGE_PLANNING


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_view(user, unit) -> bool:
    return _active(user) and unit is not None and covers(user, unit, Action.VIEW)


def can_review(user, unit) -> bool:
    return _active(user) and unit is not None and covers(user, unit, REVIEW)


def review_level(user, unit) -> int | None:
    """The highest level (smallest number: 1 province … 4 town) from which `user` reviews `unit`; 0 for the
    superuser; None without the authority."""
    if not can_review(user, unit):
        return None
    if is_global(user):
        return 0
    cache = user.__dict__.setdefault("_review_levels", {})
    if unit.pk not in cache:
        paths = [p for p, area in user_grants(user, REVIEW) if p and not area and unit.path.startswith(p)]
        cache[unit.pk] = OrgUnit.objects.filter(path__in=paths).aggregate(m=Min("level"))["m"]
    return cache[unit.pk]
