"""Who may do what in supervision, decided from the user's grants (no query per unit once they are cached).

- supervise (inspections, problems, 销号/退回): Action.SUPERVISE over the unit, from a grant held at town level or
  above (a grant held on a village is the village's own side and never signs off its own problems);
- rectify (the village's side): Action.RECTIFY over the village;
- manage (teams, settings, plans): Action.MANAGE_SUPERVISION over the unit.
Observers hold only Action.VIEW and pass none of these.
"""

from fivestar.core.roles import Action
from fivestar.core.scoping import covers, is_global, user_grants
from fivestar.orgs.models import Level

VILLAGE_DEPTH = Level.VILLAGE  # a path's number of segments equals its unit's level


def _depth(path: str) -> int:
    return len(path.strip("/").split("/")) if path else 0


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_supervise(user, unit) -> bool:
    if not _active(user) or unit is None:
        return False
    if is_global(user):
        return True
    return any(path and _depth(path) < VILLAGE_DEPTH and unit.path.startswith(path)
               for path, _area in user_grants(user, Action.SUPERVISE))


def can_rectify(user, village) -> bool:
    if not _active(user) or village is None:
        return False
    return covers(user, village, Action.RECTIFY)


def can_manage(user, unit) -> bool:
    if not _active(user) or unit is None:
        return False
    return covers(user, unit, Action.MANAGE_SUPERVISION)


def is_village_side(user, village) -> bool:
    """The village's own people (村书记/村干部/包村干部 on this village), whatever else they hold."""
    if not _active(user) or is_global(user):
        return False
    return any(path and village.path.startswith(path) and _depth(path) >= VILLAGE_DEPTH
               for path, _area in user_grants(user, Action.VIEW))


def can_view(user, unit) -> bool:
    return _active(user) and unit is not None and covers(user, unit, Action.VIEW)
