"""Who may do what in planning, decided from the user's grants (no query per unit once they are cached).

- manage (targets, plans, letters, ledger tasks of any village under them, grading commitments):
  Action.MANAGE_PLANNING over the unit (town and county administrators);
- work (move a village's ledger tasks, add evidence): Action.WORK_TASKS over the village (village cadres,
  包村干部, town administrators);
- commit (post commitments and results): Action.COMMIT over the village (village cadres, 包村干部).
Observers hold only Action.VIEW and pass none of these.
"""

from fivestar.core.roles import Action
from fivestar.core.scoping import covers


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_manage(user, unit) -> bool:
    return _active(user) and unit is not None and covers(user, unit, Action.MANAGE_PLANNING)


def can_work(user, village) -> bool:
    return _active(user) and village is not None and covers(user, village, Action.WORK_TASKS)


def can_commit(user, village) -> bool:
    return _active(user) and village is not None and covers(user, village, Action.COMMIT)


def can_view(user, unit) -> bool:
    return _active(user) and unit is not None and covers(user, unit, Action.VIEW)


def deciding_unit(task):
    """The highest unit whose administrator created this task (a county's decision on a village, say): the creator's
    widest MANAGE_PLANNING grant over the task's village, or None (a task of the system or of a village cadre)."""
    from fivestar.core.scoping import user_grants
    from fivestar.orgs.models import OrgUnit

    creator = task.created_by
    if creator is None or creator.is_superuser:
        return None
    paths = [path for path, area in user_grants(creator, Action.MANAGE_PLANNING) if path and not area and task.org_unit.path.startswith(path)]
    if not paths:
        return None
    return OrgUnit.objects.filter(path=min(paths, key=len)).first()


def outranked(user, task):
    """The unit whose decision `user` would overrule by cancelling, restoring or editing `task`, or None when the user
    holds that rank (rank, not only scope: a town administrator covers the village but not the county's decision)."""
    unit = deciding_unit(task)
    return unit if unit is not None and not can_manage(user, unit) else None
