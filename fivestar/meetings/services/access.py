"""Who may do what with meetings: town and county administrators (Action.MANAGE_PLANNING over the meeting's unit)
run them; anyone who sees the unit (Action.VIEW) reads them."""

from fivestar.core.roles import Action
from fivestar.core.scoping import covers


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_manage(user, unit) -> bool:
    return _active(user) and unit is not None and covers(user, unit, Action.MANAGE_PLANNING)


def can_view(user, unit) -> bool:
    return _active(user) and unit is not None and covers(user, unit, Action.VIEW)
