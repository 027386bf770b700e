"""The home of a county, city or province reads the kept round figures (a few rows) and never counts towns or
villages per request; a town keeps its live counts (a town's few dozen villages)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.orgs.models import Level, OrgUnit
from fivestar.rating.models import RoundUnitStats
from fivestar.rating.tests.conftest import frameworks, make_round  # noqa: F401  (fixtures)


def _grow(world, start, stop):
    """More towns with villages under the county (rows a live count would have to read)."""
    for i in range(start, stop):
        town = OrgUnit.objects.create(code=f"410928{300 + i}", name=f"测试{i}镇", level=Level.TOWN, parent=world.county)
        for j in range(3):
            OrgUnit.objects.create(code=f"410928{300 + i}{200 + j}", name=f"测试{i}镇{j}村委会", level=Level.VILLAGE, parent=town)


def _home(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
def test_province_and_county_homes_read_the_kept_figures(world, make_round, login):
    rnd = make_round(scope=world.province, opener=world.users["sysadmin"])
    for role, expected in (("sysadmin", "5"), ("county_admin", "4")):
        response, queries = _home(login(world.users[role]))
        html = response.content.decode()
        assert re.search(r'data-testid="stat-villages">(\d+)<', html).group(1) == expected
        assert rnd.name in html and 'data-testid="kept-below"' in html
        # No aggregate over the org units or the branches: the figures come from RoundUnitStats rows.
        assert not [q for q in queries if "COUNT(" in q.upper() and ("orgs_orgunit" in q or "rating_assessment" in q)], queries
    below = login(world.users["county_admin"]).get("/").content.decode()
    assert f"/rating/rounds/{rnd.pk}/towns/{world.town.code}/" in below  # 濮阳县's towns, one click from their branches
    province = login(world.users["sysadmin"]).get("/").content.decode()
    assert f"/rating/rounds/{rnd.pk}/units/{world.city.code}/" in province
    # The figures shown are the kept ones (a repaired count shows as it is kept).
    RoundUnitStats.objects.filter(round=rnd, unit=world.province).update(total=52378)
    assert 'data-testid="stat-villages">52378<' in login(world.users["sysadmin"]).get("/").content.decode()


@pytest.mark.django_db
def test_the_county_home_costs_the_same_queries_with_many_towns(world, make_round, login):
    make_round()
    client = login(world.users["county_admin"])
    _grow(world, 0, 2)
    few = len(_home(client)[1])
    _grow(world, 2, 40)
    many = len(_home(client)[1])
    assert many <= few


@pytest.mark.django_db
def test_a_town_keeps_its_live_counts_and_a_province_without_rounds_says_so(world, login):
    html = login(world.users["town_admin"]).get("/").content.decode()
    assert 'data-testid="stat-villages">3<' in html and 'data-testid="stat-people"' in html
    html = login(world.users["sysadmin"]).get("/").content.decode()
    assert 'data-testid="kept-none"' in html and 'data-testid="stat-villages">—<' in html
