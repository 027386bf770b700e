"""The round page and the public notice are a drill-down over the kept figures (province → city → county → town):
each page lists one unit's children, paginated and searchable, in a fixed number of queries whatever the number
of towns; a unit outside the round or the viewer's units is a 404."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fivestar.core.roles import Role
from fivestar.orgs.models import Level, OrgUnit
from fivestar.rating.models import RoundUnitStats
from fivestar.rating.services import start_notice
from tests.factories import user_with_role

from .notice_helpers import approve_all


def grow(world, start, stop):
    """Towns of 濮阳县 with one village each (created before the round opens, so each gets a branch)."""
    for i in range(start, stop):
        town = OrgUnit.objects.create(code=f"410928{300 + i}", name=f"测试{i:02d}镇", level=Level.TOWN, parent=world.county)
        OrgUnit.objects.create(code=f"410928{300 + i}201", name=f"测试{i:02d}村委会", level=Level.VILLAGE, parent=town)


def codes(response) -> list[str]:
    return [row["unit"].code for row in response.context["unit_rows"]]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def province_round(world, make_round):
    return make_round(scope=world.province, opener=world.users["sysadmin"])


@pytest.mark.django_db
def test_the_province_drills_down_one_level_per_page(world, province_round, login):
    rnd = province_round
    client = login(world.users["sysadmin"])
    page = client.get(f"/rating/rounds/{rnd.pk}/")
    assert codes(page) == ["4109"] and page.context["summary"]["total"] == 5
    assert f'href="/rating/rounds/{rnd.pk}/units/4109/"' in page.content.decode()
    city = client.get(f"/rating/rounds/{rnd.pk}/units/4109/")
    assert codes(city) == ["410922", "410928"] and city.context["summary"]["total"] == 5
    county = client.get(f"/rating/rounds/{rnd.pk}/units/410928/")
    assert codes(county) == ["410928103", "410928104"] and county.context["child_label"] == "乡镇（街道）"
    html = county.content.decode()
    assert f'href="/rating/rounds/{rnd.pk}/towns/410928103/"' in html  # a town opens its branches
    crumbs = [c["label"] for c in county.context["breadcrumbs"]]
    assert crumbs == ["评星定级", rnd.name, "濮阳市", "濮阳县"]
    qingzu = county.context["unit_rows"][0]
    assert qingzu["total"] == 3 and {c["status"]: c["n"] for c in qingzu["cells"]}["not_started"] == 3
    town = client.get(f"/rating/rounds/{rnd.pk}/units/410928103/")
    assert town.status_code == 302 and town["Location"] == f"/rating/rounds/{rnd.pk}/towns/410928103/"


@pytest.mark.django_db
def test_a_county_sees_its_own_towns_and_nothing_above_or_beside(world, province_round, login):
    rnd = province_round
    client = login(world.users["county_admin"])
    page = client.get(f"/rating/rounds/{rnd.pk}/")
    assert codes(page) == ["410928103", "410928104"] and page.context["summary"]["total"] == 4
    for code in ("41", "4109", "410922", "410922100", "410928103205", "999999", "..%2F41", "x" * 300):
        assert client.get(f"/rating/rounds/{rnd.pk}/units/{code}/").status_code == 404, code
    assert client.get(f"/rating/rounds/{rnd.pk}/units/%00/").status_code == 400  # refused before any view
    # A town administrator: their town only.
    town = login(world.users["town_admin"])
    assert codes(town.get(f"/rating/rounds/{rnd.pk}/")) == ["410928103"]
    assert town.get(f"/rating/rounds/{rnd.pk}/units/410928/").status_code == 404
    # Search stays inside the viewer's units.
    assert codes(client.get(f"/rating/rounds/{rnd.pk}/?q=城关")) == []
    assert codes(login(world.users["sysadmin"]).get(f"/rating/rounds/{rnd.pk}/?q=城关")) == ["410922100"]


@pytest.mark.django_db
def test_many_towns_paginate_search_and_cost_the_same_queries(world, make_round, login):
    grow(world, 0, 3)
    small = make_round(name="小范围评星")
    grow(world, 3, 40)
    big = make_round(name="大范围评星")
    client = login(world.users["county_admin"])
    url = f"/rating/rounds/{big.pk}/"
    first = client.get(url)
    assert len(codes(first)) == 30 and first.context["unit_page"].paginator.count == 42
    second = client.get(url + "?page=2")
    assert len(codes(second)) == 12 and not set(codes(first)) & set(codes(second))
    assert "第 1 / 2 页" in first.content.decode()
    assert codes(client.get(url + "?q=测试07")) == ["410928307"]
    assert set(codes(client.get(url + "?q=cs0"))) == {f"41092830{i}" for i in range(10)}  # pinyin initials of 测试0…镇
    assert codes(client.get(url + "?q=QZ")) == ["410928103"]  # 庆祖镇
    assert codes(client.get(url + "?q=410928339")) == ["410928339"]
    assert client.get(url + "?page=999&q=" + "测" * 500).status_code == 200
    # The same queries with 5 towns as with 42, on the page and one level down, and for the API progress.
    assert count_queries(client, url) <= count_queries(client, f"/rating/rounds/{small.pk}/")
    sys_client = login(world.users["sysadmin"])
    assert count_queries(sys_client, f"/rating/rounds/{big.pk}/units/410928/") <= count_queries(sys_client, f"/rating/rounds/{small.pk}/units/410928/")
    # The page's size no longer grows with the number of towns beyond one page.
    assert len(client.get(url).content) < 60_000


@pytest.mark.django_db
def test_the_public_notice_drills_down_and_refuses_what_is_not_in_the_round(world, make_round, login):
    grow(world, 0, 35)
    rnd = make_round(scope=world.province, opener=world.users["sysadmin"])
    approve_all(world, rnd)
    rnd = start_notice(rnd, world.users["sysadmin"])
    client = Client()
    base = f"/public/{rnd.public_token}/"
    top = client.get(base)
    assert top.status_code == 200 and codes(top) == ["4109"] and "共 40 个支部" in top.content.decode()
    county = client.get(base + "units/410928/")
    assert len(codes(county)) == 30 and county.context["unit_page"].paginator.count == 37
    html = county.content.decode()
    assert f'href="{base}towns/410928103/"' in html and "五星" in html
    assert codes(client.get(base + "units/410928/?page=2"))[-1] == "410928334"
    assert codes(client.get(base + "?q=庆祖")) == ["410928103"]
    assert client.get(base + "units/410928103/")["Location"] == f"{base}towns/410928103/"
    for code in ("410928103205", "999999", "42", "4109%20"):
        assert client.get(base + f"units/{code}/").status_code == 404, code
    # A county round's notice does not show another county's units.
    other = make_round(scope=world.other_county, opener=world.users["sysadmin"], name="清丰县评星")
    approve_all(world, other)
    other = start_notice(other, world.users["sysadmin"])
    assert client.get(f"/public/{other.public_token}/units/410928/").status_code == 404
    assert client.get(f"/public/{other.public_token}/towns/410928103/").status_code == 404
    # A fixed number of queries for 1 town or 35.
    few = count_queries(client, f"/public/{other.public_token}/")
    assert count_queries(client, base + "units/410928/") <= few + 2  # + the trail and the unit's own row


@pytest.mark.django_db
def test_the_deadline_panel_reads_the_kept_figures_and_bounds_the_overdue_count(world, make_round, login, monkeypatch):
    from fivestar.rating.models import Round
    from fivestar.rating.services.deadlines import close_overdue
    from fivestar.rating.templatetags import rating_deadlines

    rnd = make_round()
    past = datetime.date.today() - datetime.timedelta(days=1)
    Round.objects.filter(pk=rnd.pk).update(self_deadline=past - datetime.timedelta(days=2), town_deadline=past, county_deadline=past + datetime.timedelta(days=30))
    client = login(world.users["county_admin"])
    html = client.get(f"/rating/rounds/{rnd.pk}/").content.decode()
    assert '<span data-testid="overdue-count">4</span>' in html and '<span data-testid="closed-count">0</span>' in html
    RoundUnitStats.objects.filter(round=rnd, unit=world.county).update(by_status={"expired": 7})  # read as kept
    assert '<span data-testid="closed-count">7</span>' in client.get(f"/rating/rounds/{rnd.pk}/").content.decode()
    monkeypatch.setattr(rating_deadlines, "OVERDUE_COUNT_LIMIT", 3)  # a scope beyond the bound: no per-branch count
    html = client.get(f"/rating/rounds/{rnd.pk}/").content.decode()
    assert 'data-testid="overdue-count"' not in html and 'data-testid="overdue-on-page"' in html and 'data-testid="close-overdue"' in html
    assert close_overdue(Round.objects.get(pk=rnd.pk), world.users["county_admin"]) == 4


@pytest.mark.django_db
def test_a_user_with_two_towns_sees_both_and_their_sum(world, make_round, login):
    rnd = make_round()
    user = user_with_role("twotowns", Role.TOWN_ADMIN, world.town)
    from fivestar.people.models import RoleAssignment

    RoleAssignment.objects.create(user=user, role=Role.TOWN_ADMIN, org_unit=world.other_town)
    page = login(user).get(f"/rating/rounds/{rnd.pk}/")
    assert codes(page) == ["410928103", "410928104"] and page.context["summary"]["total"] == 4
    assert re.search(r'data-testid="unit-total">共 4 个支部', page.content.decode())


@pytest.mark.django_db
def test_a_town_lists_its_branches_a_page_at_a_time_and_searches_them(world, make_round, login):
    for i in range(52):
        OrgUnit.objects.create(code=f"410928103{300 + i}", name=f"新{i:02d}村委会", level=Level.VILLAGE, parent=world.town)
    rnd = make_round()
    client = login(world.users["town_admin"])
    url = f"/rating/rounds/{rnd.pk}/towns/410928103/"
    first = client.get(url)
    html = first.content.decode()
    assert len(first.context["items"]) == 50 and "第 1 / 2 页" in html and 'data-testid="branch-search"' in html
    second = client.get(url + "?page=2")
    assert len(second.context["items"]) == 5
    assert [i["a"].org_unit.code for i in client.get(url + "?q=新07").context["items"]] == ["410928103307"]
    assert [i["a"].org_unit.code for i in client.get(url + "?q=xxz").context["items"]] == ["410928103205"]  # 西辛庄村
    tabs = {t["value"]: t["count"] for t in first.context["tabs"]}
    assert tabs[""] == 55  # the tabs still count the whole town
