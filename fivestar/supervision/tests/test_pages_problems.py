"""The problem list pages: scoped per role, filtered, paginated by deadline, the kept counts on top, and a fixed
number of queries whatever the number of rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.supervision.models import Problem
from fivestar.supervision.services import start_rectification

pytestmark = pytest.mark.django_db
URL = "/supervision/problems/"


def _ids(html: str) -> list[int]:
    import re

    return [int(i) for i in re.findall(r'data-testid="problem-row" data-id="(\d+)"', html)]


def _many(sup, n, village=None, **kw):
    return [sup.problem(description=f"问题{i:03d}", village=village, deadline=timezone.localdate() + datetime.timedelta(days=i + 1), **kw)
            for i in range(n)]


def test_each_role_sees_only_its_own_problems(sup, world, login):
    mine = sup.problem(description="西辛庄村的问题")
    sibling = sup.problem(description="庆南村的问题", village=world.sibling)
    other = sup.problem(sup.other_town_supervisor, village=world.other_village, description="八公桥村的问题")
    expect = {
        Role.VILLAGE_CADRE: {mine.pk},
        Role.VILLAGE_LIAISON: {mine.pk},
        Role.AREA_LEADER: {mine.pk},  # its area holds 西辛庄村 only
        Role.SUPERVISOR: {mine.pk, sibling.pk},
        Role.TOWN_ADMIN: {mine.pk, sibling.pk},
        Role.COUNTY_ADMIN: {mine.pk, sibling.pk, other.pk},
        Role.OBSERVER: {mine.pk, sibling.pk, other.pk},
    }
    for role, ids in expect.items():
        client = login(world.users[role])
        response = client.get(URL)
        assert response.status_code == 200, role
        assert set(_ids(response.content.decode())) == ids, role
        client.logout()


def test_out_of_scope_units_teams_and_problems_are_404(sup, world, login):
    other = sup.problem(sup.other_town_supervisor, village=world.other_village)
    client = login(sup.secretary_user)
    assert client.get(f"{URL}?unit={world.sibling.code}").status_code == 404
    assert client.get(f"{URL}?unit={world.town.code}").status_code == 404
    assert client.get(f"{URL}?team={sup.team.pk}").status_code == 404
    assert client.get(f"{URL}?team=junk").status_code == 404
    assert client.get(f"{URL}{other.pk}/").status_code == 404
    town = login(sup.town_admin)
    assert town.get(f"{URL}?unit={world.other_town.code}").status_code == 404
    assert town.get(f"{URL}{other.pk}/").status_code == 404
    assert town.get(f"{URL}?area={world.area.pk}").status_code == 200


def test_filters_narrow_the_list_and_junk_is_ignored(sup, world, login):
    a = sup.problem(description="道路破损", severity="serious", star_code="stjy", team=sup.team)
    b = sup.problem(description="档案不全", severity="minor", star_code="zbgy")
    c = sup.problem(description="路灯不亮", severity="general", village=world.sibling, team=sup.team)
    start_rectification(b, sup.secretary_user)
    client = login(sup.town_admin)
    get = lambda q: set(_ids(client.get(URL + q).content.decode()))  # noqa: E731
    assert get("") == {a.pk, b.pk, c.pk}
    assert get("?severity=serious") == {a.pk}
    assert get("?star=zbgy") == {b.pk}
    assert get("?status=rectifying") == {b.pk}
    assert get("?q=路灯") == {c.pk}
    assert get(f"?unit={world.sibling.code}") == {c.pk}
    assert get(f"?team={sup.team.pk}") == {a.pk, c.pk}  # the problems the team found
    assert get(f"?team={sup.team.pk}&severity=general") == {c.pk}
    assert get("?status=nonsense&severity=zzz&start=2024-13-40&page=abc") == {a.pk, b.pk, c.pk}
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert get(f"?start={future}") == set()


def test_overdue_filter_and_sorted_by_deadline(sup, world, login):
    today = timezone.localdate()
    late = sup.problem(description="早就到期", found_on=today - datetime.timedelta(days=20), deadline=today - datetime.timedelta(days=2))
    soon = sup.problem(description="明天到期", deadline=today + datetime.timedelta(days=1))
    later = sup.problem(description="下月到期", deadline=today + datetime.timedelta(days=30))
    client = login(sup.supervisor)
    assert _ids(client.get(URL).content.decode()) == [late.pk, soon.pk, later.pk]
    html = client.get(URL + "?overdue=on").content.decode()
    assert _ids(html) == [late.pk]
    assert "逾期 2 天" in html


def test_closed_problems_leave_the_default_list_and_show_under_all(sup, world, login):
    from fivestar.supervision.services import accept, submit_rectification

    p = sup.problem()
    submit_rectification(p, sup.secretary_user, "已清理")
    accept(p, sup.supervisor, "已整改到位")
    client = login(sup.supervisor)
    assert _ids(client.get(URL).content.decode()) == []
    assert _ids(client.get(URL + "?status=all").content.decode()) == [p.pk]
    assert _ids(client.get(URL + "?status=closed").content.decode()) == [p.pk]


def test_kept_counts_on_top_and_pagination(sup, world, login):
    _many(sup, 35)
    client = login(sup.town_admin)
    html = client.get(URL).content.decode()
    assert len(_ids(html)) == 30
    assert "第 1 / 2 页，共 35 条" in html
    assert 'data-testid="count-open"><div class="n">35</div>' in html
    page2 = client.get(URL + "?page=2").content.decode()
    assert len(_ids(page2)) == 5
    assert set(_ids(html)).isdisjoint(_ids(page2))
    assert world.village.display_name in html  # the next level's kept counts
    assert 'data-testid="children-counts"' in html


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), ctx


@pytest.mark.parametrize("query", ["", "?status=all", "?severity=minor&q=问题", "?overdue=on"])
def test_list_queries_do_not_grow_with_rows_nor_count_for_kept_filters(sup, world, login, query):
    _many(sup, 2)
    _many(sup, 1, village=world.sibling)
    client = login(sup.town_admin)
    client.get(URL)  # warm the compiled-framework cache
    few, _ = _count(client, URL + query)
    _many(sup, 40)
    _many(sup, 10, village=world.community)
    many, ctx = _count(client, URL + query)
    assert many <= few, f"{few} queries with 3 problems, {many} with 53"
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper() and "supervision_problem" in q["sql"]]
    if query in ("", "?status=all"):
        assert not counts, counts  # the kept counts give the number of rows
    assert Problem.objects.count() == 53


def test_a_town_list_links_its_areas_and_an_area_list_holds_its_villages(sup, world, login):
    mine = sup.problem(description="片区内的问题")
    sup.problem(description="片区外的问题", village=world.sibling)
    client = login(sup.town_admin)
    html = client.get(URL).content.decode()
    assert f'href="?area={world.area.pk}">西片区 未销号 1' in html
    assert _ids(client.get(f"{URL}?area={world.area.pk}").content.decode()) == [mine.pk]
    assert 'data-testid="scope-up"' not in client.get(URL).content.decode()  # the county is not the town's to open
