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
