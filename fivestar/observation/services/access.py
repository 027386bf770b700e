"""Who may do what: towns and counties manage events and flags (Action.MANAGE_SUPERVISION over the unit); only
the users listed as an event's observers score it; anyone covering a unit with VIEW reads its results."""

from fivestar.core.roles import Action
from fivestar.core.scoping import covers


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_manage(user, unit) -> bool:
    return _active(user) and unit is not None and covers(user, unit, Action.MANAGE_SUPERVISION)


def can_view(user, unit) -> bool:
    return _active(user) and unit is not None and covers(user, unit, Action.VIEW)


def is_observer(user, event) -> bool:
    return _active(user) and event.observers.filter(pk=user.pk).exists()
