"""The ledger lists: scoped per role (out of scope is 404), filtered (status, star, overdue, responsible, search),
sorted by deadline, paginated with the kept counts on top, overdue rows standing out, a village's progress vs its
target, a town's villages; a village's gap list turned into tasks (twice adds none); a fixed number of queries
whatever the number of rows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fivestar.planning.models import LedgerTask, TaskEvent
from fivestar.planning.models.ledger import TaskSource
from fivestar.planning.services import set_task_status, tasks_from_gaps

pytestmark = pytest.mark.django_db
URL = "/planning/ledger/"
YEAR = 2025


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-testid="task-row" data-id="(\d+)"', html)]


def _many(plan, n, village=None, **kw):
    today = timezone.localdate()
    return [plan.task(village=village, title=f"任务{i:03d}", deadline=today + datetime.timedelta(days=i + 1), **kw) for i in range(n)]


def _late(task, days=2):
    """A task whose deadline has passed (as if recorded earlier)."""
    LedgerTask.objects.filter(pk=task.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=days))
    return task


def test_each_role_sees_only_its_own_tasks(plan, world, login):
    mine = plan.task(title="西辛庄村的任务")
    sibling = plan.task(village=world.sibling, title="庆南村的任务")
    other = plan.task(village=world.other_village, user=plan.other_town_admin, title="八公桥村的任务")
    expect = {
        plan.secretary_user: {mine.pk},
        plan.liaison_user: {mine.pk},
        plan.area_user: {mine.pk},
        plan.town_admin: {mine.pk, sibling.pk},
        plan.supervisor: {mine.pk, sibling.pk},
        plan.county_admin: {mine.pk, sibling.pk, other.pk},
        plan.observer: {mine.pk, sibling.pk, other.pk},
        plan.sibling_cadre: {sibling.pk},
    }
    for user, ids in expect.items():
        client = login(user)
        response = client.get(f"{URL}?year={YEAR}")
        assert response.status_code == 200, user.username
        assert set(_ids(response.content.decode())) == ids, user.username
        client.logout()


def test_out_of_scope_is_404(plan, world, login):
    other = plan.task(village=world.other_village, user=plan.other_town_admin)
    client = login(plan.secretary_user)
    for path in (f"{URL}?unit={world.sibling.code}", f"{URL}?unit={world.town.code}", f"{URL}?area=junk", f"{URL}?area=999999",
                 f"/planning/tasks/{other.pk}/", f"/planning/ledger/gaps/{world.sibling.code}/", f"/planning/villages/{world.sibling.pk}/ledger/"):
        assert client.get(path).status_code == 404, path
    town = login(plan.town_admin)
    assert town.get(f"{URL}?unit={world.other_town.code}").status_code == 404
    assert town.get(f"/planning/tasks/{other.pk}/").status_code == 404
    assert town.get(f"{URL}?area={world.area.pk}").status_code == 200
    response = town.get(f"/planning/villages/{world.village.pk}/ledger/?year={YEAR}")
    assert response.status_code == 302 and response["Location"] == f"{URL}?unit={world.village.code}&year={YEAR}"


def test_filters_narrow_the_list_and_junk_is_ignored(plan, world, login):
    a = plan.task(title="修缮村室", star_code="stjy")
    b = plan.task(title="发展集体经济", star_code="cyxw", responsible=plan.secretary)
    c = plan.task(village=world.sibling, title="平安建设", star_code="paf")
    set_task_status(b, plan.secretary_user, "doing")
    d = plan.task(title="已完成的任务")
    set_task_status(d, plan.secretary_user, "done")
    client = login(plan.town_admin)
    get = lambda q: set(_ids(client.get(f"{URL}?year={YEAR}{q}").content.decode()))  # noqa: E731
    assert get("") == {a.pk, b.pk, c.pk}  # open tasks by default
    assert get("&status=all") == {a.pk, b.pk, c.pk, d.pk}
    assert get("&status=done") == {d.pk}
    assert get("&status=doing") == {b.pk}
    assert get("&star=paf") == {c.pk}
    assert get(f"&responsible={plan.secretary.pk}") == {b.pk}
    assert get("&q=村室") == {a.pk}
    assert get(f"&unit={world.sibling.code}") == {c.pk}
    assert get("&status=nonsense&star=ZZ&responsible=abc&page=xyz") == {a.pk, b.pk, c.pk}
    assert get("").isdisjoint(set(_ids(client.get(f"{URL}?year={YEAR + 1}").content.decode())))
    html = client.get(f"{URL}?year={YEAR}").content.decode()
    assert f'<option value="{plan.secretary.pk}">王书记</option>' in html  # the responsible filter of a town


def test_overdue_rows_stand_out_and_the_list_is_sorted_by_deadline(plan, world, login):
    today = timezone.localdate()
    later = plan.task(title="下月到期", deadline=today + datetime.timedelta(days=30))
    soon = plan.task(title="明天到期", deadline=today + datetime.timedelta(days=1))
    late = _late(plan.task(title="早就到期"))
    client = login(plan.town_admin)
    html = client.get(f"{URL}?year={YEAR}").content.decode()
    assert _ids(html) == [late.pk, soon.pk, later.pk]
    row = html[html.index(f'data-id="{late.pk}"'):]
    row = row[:row.index('data-testid="task-row"', 10) if 'data-testid="task-row"' in row[10:] else len(row)]
    assert 'data-overdue="1"' in row[:80] and "逾期 2 天" in row and 'data-testid="overdue-badge"' in row
    assert _ids(client.get(f"{URL}?year={YEAR}&overdue=on").content.decode()) == [late.pk]


def test_kept_counts_on_top_and_pagination(plan, world, login):
    _many(plan, 35)
    client = login(plan.town_admin)
    html = client.get(f"{URL}?year={YEAR}").content.decode()
    assert len(_ids(html)) == 30
    assert "第 1 / 2 页，共 35 条" in html
    assert 'data-testid="count-open"><div class="n">35</div>' in html
    page2 = client.get(f"{URL}?year={YEAR}&page=2").content.decode()
    assert len(_ids(page2)) == 5 and set(_ids(html)).isdisjoint(_ids(page2))
    children = html[html.index('data-testid="children-counts"'):]
    assert world.village.display_name in children
    assert f'href="?area={world.area.pk}&year={YEAR}">西片区 未完成 35' in html


def test_a_village_s_list_shows_its_progress_against_its_target(plan, world, login):
    plan.target(rating=2, stars=("cyxw", "stjy"))
    plan.task()
    html = login(plan.secretary_user).get(f"{URL}?year={YEAR}").content.decode()
    progress = html[html.index('data-testid="village-progress"'):]
    assert "当前 <strong>0</strong> 星 / 目标 <strong>2</strong> 星" in progress and "还差：产业兴旺星、生态宜居星" in progress
    assert 'data-testid="task-new"' not in html and 'data-testid="gaps-link"' in html  # a village cadre adds no task
    town = login(plan.town_admin).get(f"{URL}?year={YEAR}").content.decode()
    child = town[town.index(f'data-unit="{world.village.display_name}"'):]
    assert "目标 <strong>2</strong> 星" in child[:child.index("</tr>")]


def test_a_gap_list_becomes_tasks_once(plan, world, login):
    plan.target(rating=2, stars=("cyxw", "stjy"))
    client = login(plan.town_admin)
    page = client.get(f"/planning/ledger/gaps/{world.village.code}/?year={YEAR}").content.decode()
    items = re.findall(r'data-testid="gap-item" data-rule="([^"]+)"', page)
    assert items and all(code.startswith(("cyxw", "stjy")) for code in items)
    deadline = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    response = client.post(f"/planning/ledger/gaps/{world.village.code}/", {"year": YEAR, "deadline": deadline}, follow=True)
    html = response.content.decode()
    assert f"已由差距清单生成 {len(items)} 条台账任务。" in html
    tasks = LedgerTask.objects.filter(org_unit=world.village, year=YEAR, source=TaskSource.GAP)
    assert sorted(tasks.values_list("rule_code", flat=True)) == sorted(items)
    assert {t.responsible_id for t in tasks} == {plan.liaison.pk} and {t.deadline.isoformat() for t in tasks} == {deadline}
    assert html.count('data-testid="gap-in-ledger"') == len(items)
    again = client.post(f"/planning/ledger/gaps/{world.village.code}/", {"year": YEAR}, follow=True)
    assert "没有新增任务：差距清单中的事项都已在台账中。" in again.content.decode()
    assert tasks.count() == len(items)
    assert TaskEvent.objects.filter(task__in=tasks, action="create", user=plan.town_admin).count() == len(items)


def test_gap_refusals_show_the_service_s_message(plan, world, login):
    client = login(plan.town_admin)
    response = client.post(f"/planning/ledger/gaps/{world.village.code}/", {"year": YEAR})
    assert response.status_code == 400
    assert "尚未设置 2025 年度的目标星，请先设置创建目标。" in response.content.decode()
    plan.target(rating=2, stars=("cyxw", "stjy"))
    observer = login(plan.observer)
    page = observer.get(f"/planning/ledger/gaps/{world.village.code}/?year={YEAR}").content.decode()
    assert 'data-testid="gap-item"' in page and 'data-testid="generate-form"' not in page
    refused = observer.post(f"/planning/ledger/gaps/{world.village.code}/", {"year": YEAR})
    assert refused.status_code == 400 and "您无权管理「西辛庄村」的创建台账。" in refused.content.decode()
    assert not LedgerTask.objects.exists()
    bad = login(plan.town_admin).post(f"/planning/ledger/gaps/{world.village.code}/", {"year": YEAR, "deadline": "2020-99-01"})
    assert bad.status_code == 400 and "请填写正确的完成时限。" in bad.content.decode()


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), ctx


@pytest.mark.parametrize("query", ["", "&status=all", "&star=cyxw&q=任务", "&overdue=on", "&unit=410928", "&unit=410928103205"])
def test_list_queries_do_not_grow_with_rows_nor_count_for_kept_filters(plan, world, login, query):
    plan.target(rating=2, stars=("cyxw", "stjy"))
    _late(_many(plan, 2)[0])  # every list shows rows both times (an empty page reads no rows)
    _many(plan, 1, village=world.sibling)
    client = login(plan.county_admin)
    path = f"{URL}?year={YEAR}{query}"
    client.get(path)  # compiled frameworks cached
    few, _ = _count(client, path)
    _many(plan, 40)
    _many(plan, 10, village=world.community, star_code="paf")
    tasks_from_gaps(plan.town_admin, world.village, YEAR)
    _late(LedgerTask.objects.filter(org_unit=world.community).first())
    many, ctx = _count(client, path)
    assert many <= few, f"{few} queries with 3 tasks, {many} with more than 53"
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper() and "planning_ledgertask" in q["sql"]]
    if query in ("", "&status=all", "&unit=410928", "&unit=410928103205"):
        assert not counts, counts  # the kept counts give the number of rows
