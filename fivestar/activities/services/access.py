"""Who may do what. A village's own cadres (and the town and county above it) enter its records
(Action.EDIT_RESULTS over the village); the town manages its activity kinds (Action.MANAGE_PLANNING) and
confirms or rejects a proposed veto (Action.RECORD_VETO, the right rating's veto service checks too);
anyone covering a unit with VIEW reads its records."""

from fivestar.core.roles import Action
from fivestar.core.scoping import covers
from fivestar.orgs.models import Level


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_view(user, unit) -> bool:
    return _active(user) and unit is not None and covers(user, unit, Action.VIEW)


def can_edit(user, unit) -> bool:
    return _active(user) and unit is not None and unit.level == Level.VILLAGE and covers(user, unit, Action.EDIT_RESULTS)


def can_manage_kinds(user, town) -> bool:
    return _active(user) and town is not None and covers(user, town, Action.MANAGE_PLANNING)


def can_decide_veto(user, unit) -> bool:
    return _active(user) and unit is not None and covers(user, unit, Action.RECORD_VETO)
