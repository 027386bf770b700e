"""Row-level access: every query a user triggers is narrowed in SQL to the org subtrees their roles cover.

A grant is (org unit path, area id or None). A path grant covers every unit whose path starts with it;
an area grant (包片领导) covers the area's villages and everything below them.
"""

from django.db import models
from django.db.models import Q

from .roles import Action, roles_allowing

NOTHING = Q(pk__in=[])


def user_grants(user, action: str = Action.VIEW) -> list[tuple[str, int | None]]:
    """The user's (path, area_id) grants for an action, cached on the user object for the request."""
    cache = user.__dict__.setdefault("_fivestar_grants", {})
    if action not in cache:
        from fivestar.people.models import RoleAssignment

        rows = RoleAssignment.objects.filter(user=user, role__in=roles_allowing(action), active=True).values_list(
            "org_unit__path", "area_id"
        )
        cache[action] = sorted(set(rows))
    return cache[action]


def is_global(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def scope_q(user, action: str = Action.VIEW, via: str = "") -> Q:
    """A Q over OrgUnit reached through `via` (e.g. "org_unit__"), limited to what `user` may `action`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if is_global(user):
        return Q()
    q = NOTHING
    for path, area_id in user_grants(user, action):
        if area_id:
            q |= Q(**{f"{via}area_id": area_id}) | Q(**{f"{via}parent__area_id": area_id})
        elif path:
            q |= Q(**{f"{via}path__startswith": path})
    return q


def _parent_area_id(org_unit):
    """The area of a villager group's village (an area grant covers it, as scope_q's parent__area_id does); one query
    only for a group whose parent is not loaded and not annotated, never for a village or above."""
    if hasattr(org_unit, "parent_area_id"):
        return org_unit.parent_area_id
    if org_unit.parent_id is None or org_unit.level < 6:  # Level.GROUP; core does not import orgs
        return None
    return org_unit.parent.area_id


def covers(user, org_unit, action: str = Action.VIEW) -> bool:
    """Whether `user` may `action` on `org_unit`, decided from the user's grants without a query per unit."""
    if is_global(user):
        return True
    if not user.is_authenticated:
        return False
    for path, area_id in user_grants(user, action):
        if area_id:
            # An area grant's path is its town's: it covers the area's villages only, as scope_q does, never the
            # whole town (a 包片领导 of one area read another area's village board cell before).
            if org_unit.area_id == area_id or _parent_area_id(org_unit) == area_id:
                return True
        elif path and org_unit.path.startswith(path):
            return True
    return False


class ScopedQuerySet(models.QuerySet):
    """`Model.objects.visible_to(user)`; the model names the org-unit relation in `scope_via`."""

    def visible_to(self, user, action: str = Action.VIEW):
        via = getattr(self.model, "scope_via", "org_unit__")
        return self.filter(scope_q(user, action, via))
