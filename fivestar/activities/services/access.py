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


def outranked(user, record):
    """The unit whose entry `user` would overrule by changing `record`, or None when the user holds that rank.
    Rank, not only scope (as planning and meetings decide it): a record the town entered for a village is the
    town's, so the village's cadre may read it but not rewrite or delete it. The recorder's widest EDIT_RESULTS
    grant over the village decides; a record of a user since removed (or of the system) is the village's own."""
    from fivestar.core.scoping import user_grants
    from fivestar.orgs.models import OrgUnit

    creator = record.recorded_by
    if creator is None or creator.is_superuser or creator.pk == getattr(user, "pk", None):
        return None
    paths = [p for p, area in user_grants(creator, Action.EDIT_RESULTS) if p and not area and record.org_unit.path.startswith(p)]
    if not paths:
        return None
    unit = OrgUnit.objects.filter(path=min(paths, key=len)).first()
    return unit if unit is not None and not covers(user, unit, Action.EDIT_RESULTS) else None


def can_change(user, record) -> bool:
    return can_edit(user, record.org_unit) and outranked(user, record) is None
