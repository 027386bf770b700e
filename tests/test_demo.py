"""The demo reproduces the seed's numbers and loads idempotently."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count

from fivestar.core.roles import Role
from fivestar.orgs.models import Area, Level, OrgUnit
from fivestar.people.models import Duty, Person, Position, Responsibility, RoleAssignment


def _snapshot():
    return (
        OrgUnit.objects.count(),
        Person.objects.count(),
        Responsibility.objects.count(),
        RoleAssignment.objects.count(),
        sorted(OrgUnit.objects.filter(level=Level.VILLAGE, parent__code="410928103").values_list("code", "category", "area__name")),
        sorted(Person.objects.values_list("org_unit__code", "name", "phone", "position")),
    )


@pytest.mark.django_db(transaction=False)
def test_demo_matches_the_seed_and_is_idempotent(rf):
    call_command("load_demo", verbosity=0)
    first = _snapshot()
    call_command("load_demo", verbosity=0)
    assert _snapshot() == first

    town = OrgUnit.objects.get(code="410928103")
    villages = OrgUnit.objects.filter(parent=town, level=Level.VILLAGE)
    assert villages.count() == 55
    assert villages.filter(branch_type="rural").count() == 54
    counts = dict(villages.exclude(category="").values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    assert counts == {"lead": 4, "sprint": 12, "improve": 37, "base": 1}
    lead = set(villages.filter(category="lead").values_list("display_name", flat=True))
    assert lead == {"西辛庄村", "庆南村", "后郑寨村", "常寨村"}
    assert OrgUnit.objects.filter(path__startswith="/41/4109/410928/", level=Level.TOWN).count() > 15
    assert Area.objects.filter(town=town).count() == 4
    assert not villages.filter(area__isnull=True).exists()

    for village in villages:
        assert Person.objects.filter(org_unit=village, position=Position.SECRETARY).count() == 1
        assert Responsibility.objects.filter(org_unit=village, duty=Duty.VILLAGE).exists()
        assert Responsibility.objects.filter(org_unit__parent=village, duty=Duty.GROUP).exists()
        assert Responsibility.objects.filter(org_unit=village, duty=Duty.HOUSEHOLDS, household_count__gt=0).exists()
    assert Responsibility.objects.filter(duty=Duty.AREA, org_unit=town).count() == 4

    accounts = {"admin": Role.SYSADMIN, "puyangxian": Role.COUNTY_ADMIN, "qingzu": Role.TOWN_ADMIN, "xixinzhuang": Role.VILLAGE_CADRE}
    for username, role in accounts.items():
        user = authenticate(rf.post("/login/"), username=username, password="fivestar-demo")
        assert user is not None, username
        assert user.role_assignments.filter(role=role).exists()
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    xxz = OrgUnit.objects.get(code="410928103205")
    assert RoleAssignment.objects.get(user__username="xixinzhuang").org_unit == xxz
