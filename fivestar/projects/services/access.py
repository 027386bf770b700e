"""Who may do what. A village's own cadres (and the town and county above it) publish its projects and express its
interest (Action.EDIT_RESULTS over the village); the town (Action.MANAGE_PLANNING over the project's town) records
agreements, stages and returns and sets its incentive policy; the county does the same for its towns. Every village
in a town browses the town's catalogue, so what a user sees is their subtree plus the projects of the towns their
villages belong to."""

from django.db.models import Q

from fivestar.core.roles import Action
from fivestar.core.scoping import NOTHING, covers, scope_q
from fivestar.orgs.models import Level, OrgUnit

from .errors import ProjectDenied


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def visible_q(user, via: str = "village__") -> Q:
    """Projects (reached through `via`) the user may see, in SQL: their subtree, and their villages' towns."""
    if not _active(user):
        return NOTHING
    own = scope_q(user, Action.VIEW, via)
    towns = OrgUnit.objects.filter(scope_q(user, Action.VIEW), level=Level.VILLAGE).values("parent_id")
    return own | Q(**{f"{via}parent_id__in": towns})


def can_publish(user, village) -> bool:
    return _active(user) and village is not None and village.level == Level.VILLAGE and covers(user, village, Action.EDIT_RESULTS)


def can_manage(user, project) -> bool:
    """The project's town (or county) records agreements, stages and returns."""
    town = project.village.parent
    return _active(user) and town is not None and covers(user, town, Action.MANAGE_PLANNING)


def can_edit_project(user, project) -> bool:
    return can_publish(user, project.village) or can_manage(user, project)


def can_set_policy(user, unit) -> bool:
    return _active(user) and unit is not None and unit.level in (Level.TOWN, Level.COUNTY) and covers(user, unit, Action.MANAGE_PLANNING)


def investing_villages(user, project):
    """The villages in the project's town (other than its own) for which the user may express interest."""
    return (OrgUnit.objects.filter(scope_q(user, Action.EDIT_RESULTS), level=Level.VILLAGE, parent_id=project.village.parent_id)
            .exclude(pk=project.village_id).order_by("path"))


def require(ok: bool, message: str) -> None:
    if not ok:
        raise ProjectDenied(message)
