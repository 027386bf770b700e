"""Who may do what with meetings: town and county administrators (Action.MANAGE_PLANNING over the meeting's unit)
run them; anyone who sees the unit (Action.VIEW) reads them. Rank, not only scope: a series a county administrator
set up for a town is changed or stopped only at county rank (the town still holds its meetings)."""

from fivestar.core.roles import Action
from fivestar.core.scoping import covers


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_manage(user, unit) -> bool:
    return _active(user) and unit is not None and covers(user, unit, Action.MANAGE_PLANNING)


def can_view(user, unit) -> bool:
    return _active(user) and unit is not None and covers(user, unit, Action.VIEW)


def outranked(user, series):
    """The unit whose decision `user` would overrule by changing `series` (a county's series of a town, say), or None
    when the user holds that rank. The creator's widest grant decides, as for a ledger task (planning.access)."""
    from fivestar.planning.services.access import deciding_unit

    unit = deciding_unit(series)
    return unit if unit is not None and not can_manage(user, unit) else None


def can_edit_series(user, series) -> bool:
    return can_manage(user, series.org_unit) and outranked(user, series) is None
