"""Pages must not issue a query per row: the count with many rows is at most the count with few (a page of
newer rows can need fewer lookups, e.g. no role-only accounts among the actors, but never more)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Duty, Person, Responsibility


def _grow_town(world, start, stop):
    for i in range(start, stop):
        v = OrgUnit.objects.create(code=f"410928103{300 + i}", name=f"测试{i}村委会", level=Level.VILLAGE, parent=world.town, area=world.area, category="improve")
        p = Person.objects.create(org_unit=v, name=f"书记{i}", gender="M", position="secretary", is_party_member=True)
        Responsibility.objects.create(duty=Duty.VILLAGE, person=p, org_unit=v)


def _grow_village(world, start, stop):
    for i in range(start, stop):
        p = Person.objects.create(org_unit=world.village, name=f"党员{i}", gender="F", position="party_member", is_party_member=True)
        Responsibility.objects.create(duty=Duty.HOUSEHOLDS, person=p, org_unit=world.village, household_count=i)
        g = OrgUnit.objects.create(code=f"410928103205{100 + i}", name=f"第{i}组", level=Level.GROUP, parent=world.village)
        Responsibility.objects.create(duty=Duty.GROUP, person=p, org_unit=g)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url,grow,role",
    [
        ("/orgs/410928103/", _grow_town, "town_admin"),
        ("/orgs/", _grow_town, "county_admin"),
        ("/orgs/410928103/children/", _grow_town, "town_admin"),
        ("/orgs/?q=cs", _grow_town, "town_admin"),
        ("/orgs/410928103205/", _grow_village, "village_cadre"),
        ("/", _grow_town, "town_admin"),
        ("/history/", _grow_town, "town_admin"),
    ],
)
def test_query_count_does_not_grow_with_rows(world, login, url, grow, role):
    client = login(world.users[role])
    grow(world, 0, 3)
    few = _count(client, url)
    grow(world, 3, 40)
    many = _count(client, url)
    assert many <= few, f"{url}: {few} queries with few rows, {many} with many"
