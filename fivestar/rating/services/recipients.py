"""Who gets told: the village's cadres, its 包村干部, the town's reviewers."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from fivestar.core.roles import Role
from fivestar.people.models import Duty


def village_users(village):
    """Accounts of the village's cadres and of the town cadres who 包 this village."""
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(role_assignments__role__in=[Role.VILLAGE_CADRE, Role.VILLAGE_LIAISON], role_assignments__org_unit=village, role_assignments__active=True)
            | Q(person__responsibilities__duty=Duty.VILLAGE, person__responsibilities__org_unit=village)
        )
        .distinct()
    )


def users_with_role_over(unit, roles):
    """Active accounts holding one of `roles` on `unit` or any of its ancestors."""
    User = get_user_model()
    codes = unit.path.strip("/").split("/")
    return list(
        User.objects.filter(is_active=True, role_assignments__role__in=roles, role_assignments__active=True, role_assignments__org_unit__code__in=codes).distinct()
    )


def village_user_ids(unit_ids) -> dict[int, set[int]]:
    """For many villages at once: unit id → ids of the accounts `village_users` would return, in two queries
    per 500 villages (a round's opening, notice and recognition tell every village)."""
    from fivestar.people.models import Responsibility, RoleAssignment

    out: dict[int, set[int]] = {}
    ids = sorted(set(unit_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for unit_id, user_id in RoleAssignment.objects.filter(
                org_unit_id__in=chunk, role__in=[Role.VILLAGE_CADRE, Role.VILLAGE_LIAISON], active=True, user__is_active=True
        ).values_list("org_unit_id", "user_id"):
            out.setdefault(unit_id, set()).add(user_id)
        for unit_id, user_id in Responsibility.objects.filter(
                org_unit_id__in=chunk, duty=Duty.VILLAGE, person__user__isnull=False, person__user__is_active=True
        ).values_list("org_unit_id", "person__user_id"):
            out.setdefault(unit_id, set()).add(user_id)
    return out


def reviewer_roles(action: str) -> list[str]:
    """The roles that review at a level (without 系统管理员, who is not told about every town's batch)."""
    from fivestar.core.roles import roles_allowing

    return [r for r in roles_allowing(action) if r != Role.SYSADMIN]
