"""Reads of people and responsibilities, always narrowed in SQL to the user's scope."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from fivestar.core.roles import Action
from fivestar.core.scoping import is_global, user_grants
from fivestar.orgs.models import OrgUnit

from .models import Person, Responsibility, RoleAssignment

NOT_FOUND = "人员不存在或不在您的管辖范围内"
MAX_MATCHED_UNITS = 20


def people_for(user, action: str = Action.VIEW):
    return Person.objects.visible_to(user, action).select_related("org_unit", "org_unit__parent", "user")


def get_visible_person(user, pk) -> Person:
    person = people_for(user).filter(pk=pk).first()
    if person is None:
        raise Http404(NOT_FOUND)
    return person


def can(user, action: str) -> bool:
    """Whether the user holds `action` anywhere (e.g. to show a 新增 button)."""
    return is_global(user) or bool(user_grants(user, action))


def match_units(user, text: str, action: str = Action.VIEW) -> list[OrgUnit]:
    """Units for a code / name / pinyin box: an exact code wins, else the best few matches."""
    text = (text or "").strip()
    if not text:
        return []
    visible = OrgUnit.objects.visible_to(user, action)
    exact = visible.filter(code=text).first()
    if exact:
        return [exact]
    return list(visible.search(text).order_by("level", "path")[:MAX_MATCHED_UNITS])


def under_units(queryset, units: list[OrgUnit], via: str = "org_unit__"):
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(**{f"{via}path__startswith": unit.path})
    return queryset.filter(q)


@dataclass
class PersonFilters:
    q: str = ""
    unit: str = ""
    position: str = ""
    party: str = ""  # "" | "1" | "0"
    status: str = ""  # "" (active) | "inactive" | "all"
    matched_units: list = field(default_factory=list)


def filter_people(user, filters: PersonFilters):
    qs = people_for(user)
    if filters.status == "inactive":
        qs = qs.filter(active=False)
    elif filters.status != "all":
        qs = qs.filter(active=True)
    if filters.q:
        qs = qs.filter(Q(name__contains=filters.q) | Q(phone__startswith=filters.q))
    if filters.unit:
        filters.matched_units = match_units(user, filters.unit)
        qs = under_units(qs, filters.matched_units)
    if filters.position:
        qs = qs.filter(position=filters.position)
    if filters.party in ("1", "0"):
        qs = qs.filter(is_party_member=filters.party == "1")
    return qs.order_by("org_unit__path", "position", "name", "pk")


def responsibilities_of(user, person: Person):
    return Responsibility.objects.visible_to(user).filter(person=person).select_related("org_unit", "org_unit__parent", "area").order_by("duty", "org_unit__path")


def roles_of(user, person: Person):
    """The person's roles bound to units the viewer can see."""
    if not person.user_id:
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.visible_to(user).filter(user_id=person.user_id, active=True).select_related("org_unit", "area").order_by("org_unit__path", "role")
