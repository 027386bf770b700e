"""Role × page/API × in-scope/out-of-scope → allowed or 404. Scoping is SQL, so every path is covered."""

import pytest

from fivestar.core.roles import Role
from fivestar.orgs.models import OrgUnit
from fivestar.people.models import Person

# role → (a unit inside the role's scope, a unit just outside it)
SCOPE = {
    Role.SYSADMIN: ("far_village", None),
    Role.COUNTY_ADMIN: ("village", "far_village"),
    Role.TOWN_ADMIN: ("sibling", "other_village"),
    Role.SUPERVISOR: ("community", "other_village"),
    Role.AREA_LEADER: ("village", "sibling"),
    Role.VILLAGE_LIAISON: ("group", "sibling"),
    Role.VILLAGE_CADRE: ("village", "sibling"),
    Role.OBSERVER: ("other_village", "far_village"),
}

PAGES = {
    "unit page": lambda unit, person: f"/orgs/{unit.code}/",
    "tree children": lambda unit, person: f"/orgs/{unit.code}/children/",
    "person page": lambda unit, person: f"/people/{person.pk}/",
}
API = {
    "api unit": lambda unit, person: f"/api/v1/org-units/{unit.code}",
    "api person": lambda unit, person: f"/api/v1/people/{person.pk}",
}


def _person_in(unit):
    return Person.objects.create(org_unit=unit, name=f"测试{unit.code[-4:]}", gender="M", position="party_member")


CASES = [(role, name, inside) for role in SCOPE for name in {**PAGES, **API} for inside in (True, False) if inside or SCOPE[role][1]]


@pytest.mark.parametrize("role,endpoint,inside", CASES, ids=[f"{r}-{e}-{'in' if i else 'out'}" for r, e, i in CASES])
def test_role_sees_only_its_subtree(world, client, api_token, role, endpoint, inside):
    unit = getattr(world, SCOPE[role][0 if inside else 1])
    person = _person_in(unit)
    user = world.users[role]
    url = {**PAGES, **API}[endpoint](unit, person)
    if endpoint in API:
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {api_token(user)}")
    else:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        response = client.get(url)
    assert response.status_code == (200 if inside else 404), (role, endpoint, inside, response.status_code)
    if not inside:
        assert unit.display_name.encode() not in response.content
        assert person.name.encode() not in response.content


@pytest.mark.parametrize("role", list(SCOPE))
def test_org_unit_lists_are_filtered_in_sql(world, role):
    user = world.users[role]
    visible = set(OrgUnit.objects.visible_to(user).values_list("code", flat=True))
    inside = getattr(world, SCOPE[role][0])
    assert inside.code in visible
    if SCOPE[role][1]:
        assert getattr(world, SCOPE[role][1]).code not in visible
    # The filter is a WHERE clause, not a list of ids computed in Python.
    sql = str(OrgUnit.objects.visible_to(user).query)
    if role != Role.SYSADMIN:
        assert "LIKE" in sql.upper() or "area_id" in sql


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(f"/orgs/{world.village.code}/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/api/v1/org-units").status_code == 401


def test_area_leader_sees_area_villages_and_their_groups(world):
    user = world.users[Role.AREA_LEADER]
    codes = set(OrgUnit.objects.visible_to(user).values_list("code", flat=True))
    assert codes == {world.village.code, world.group.code}


def test_covers_agrees_with_the_sql_scope_for_an_area_leader(world):
    """An area grant is held at its town: covers() read that as the whole town and let a 包片领导 open the board cell of
    a village outside the area, which the SQL scope never listed."""
    from fivestar.core.scoping import covers

    user = world.users[Role.AREA_LEADER]
    assert covers(user, world.village) and covers(user, world.group)
    assert not covers(user, world.sibling) and not covers(user, world.town)
    visible = set(OrgUnit.objects.visible_to(user).values_list("pk", flat=True))
    assert all(covers(user, unit) == (unit.pk in visible) for unit in OrgUnit.objects.all())


def test_inactive_role_grants_nothing(world):
    user = world.users[Role.TOWN_ADMIN]
    user.role_assignments.update(active=False)
    user.__dict__.pop("_fivestar_grants", None)
    assert not OrgUnit.objects.visible_to(user).exists()
