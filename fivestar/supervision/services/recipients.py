"""Who hears about a problem: its responsible person, the 包村干部, the 包片领导 and the town administrators.
Every function takes many units at once and answers in one query, so batch jobs stay a few queries per batch."""

from collections import defaultdict

from fivestar.core.roles import Role
from fivestar.people.models import Duty, Person, Position, Responsibility, RoleAssignment


def secretary_of(village) -> Person | None:
    return (Person.objects.filter(org_unit=village, position=Position.SECRETARY, active=True).order_by("-user_id", "pk").first())


def liaison_users(village_ids) -> dict[int, set[int]]:
    """village id → user ids of its 包村干部 (Responsibility duty=village)."""
    out = defaultdict(set)
    rows = Responsibility.objects.filter(duty=Duty.VILLAGE, org_unit_id__in=list(village_ids), person__active=True,
                                         person__user__isnull=False, person__user__is_active=True)
    for village_id, user_id in rows.values_list("org_unit_id", "person__user_id"):
        out[village_id].add(user_id)
    return out


def area_leader_users(area_ids) -> dict[int, set[int]]:
    """area id → user ids of its 包片领导 (Responsibility duty=area)."""
    out = defaultdict(set)
    rows = Responsibility.objects.filter(duty=Duty.AREA, area_id__in=[a for a in area_ids if a], person__active=True,
                                         person__user__isnull=False, person__user__is_active=True)
    for area_id, user_id in rows.values_list("area_id", "person__user_id"):
        out[area_id].add(user_id)
    return out


def town_admin_users(town_ids) -> dict[int, set[int]]:
    """town id → user ids of its administrators (RoleAssignment town_admin on the town)."""
    out = defaultdict(set)
    rows = RoleAssignment.objects.filter(role=Role.TOWN_ADMIN, org_unit_id__in=list(town_ids), active=True, user__is_active=True)
    for town_id, user_id in rows.values_list("org_unit_id", "user_id"):
        out[town_id].add(user_id)
    return out


def responsible_users(person_ids) -> dict[int, int]:
    """person id → their account's user id (people without an account are left out)."""
    return dict(Person.objects.filter(pk__in=[p for p in person_ids if p], user__isnull=False, user__is_active=True)
                .values_list("pk", "user_id"))
