"""操作记录 read as a person: Chinese labels, names and posts instead of ids and login names, local time,
the rating workflow merged in, scoped per role in SQL, filters, and a bounded number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fivestar.core.models import AuditEvent
from fivestar.core.roles import Role
from fivestar.demo.clock import pinned
from fivestar.people.models import Person, Responsibility, RoleAssignment
from fivestar.rating.models import Assessment
from fivestar.rating.services import approve, recognise, reopen, return_for_changes, start_notice, submit
from fivestar.rating.tests.conftest import frameworks, make_round  # noqa: F401  (fixtures)
from fivestar.rating.tests.notice_helpers import approve_all, fill
from tests.factories import user_with_role


def _cells(html, testid):
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(rf'data-testid="{testid}">(.*?)</(?:td|span)>', html, re.S)]


@pytest.fixture
def people(world):
    """The town admin and the village secretary are people with a post; the county admin has no person."""
    town = world.users[Role.TOWN_ADMIN]
    secretary = world.users[Role.VILLAGE_CADRE]
    Person.objects.create(user=town, org_unit=world.town, name="欧春生", gender="M", position="town_leader")
    Person.objects.create(user=secretary, org_unit=world.village, name="李德胜", gender="M", position="secretary", is_party_member=True)
    return town, secretary


def _grant(by, user, role, unit):
    ra = RoleAssignment(user=user, role=role, org_unit=unit)
    ra._history_user = by
    ra.save()
    return ra


@pytest.mark.django_db
def test_foreign_keys_people_fields_and_times_read_in_chinese(world, people, login):
    town, secretary = people
    with pinned(datetime.datetime(2026, 11, 30, 6, 5, tzinfo=datetime.UTC)):  # the audit trail cannot be re-dated afterwards
        _grant(town, secretary, Role.VILLAGE_LIAISON, world.sibling)

    html = login(town).get("/history/?model=people.roleassignment").content.decode()
    assert "2026年11月30日 14:05" in html  # 06:05 UTC is 14:05 in Asia/Shanghai
    assert "账号：" in html and "李德胜（村党支部书记）" in html  # the account by its person and post
    assert f"管辖单位：<span class=\"fs-diff-new\">{world.sibling.display_name}</span>" in html
    assert "角色：<span class=\"fs-diff-new\">包村干部</span>" in html and "有效：<span class=\"fs-diff-new\">是</span>" in html
    assert "欧春生（科级干部）" in _cells(html, "history-actor")  # the fixtures' own grants (no user) read 系统
    assert not {"town", "secretary"} & set(_cells(html, "history-actor"))
    assert not re.search(r"账号：\s*(<[^>]+>)*\s*\d", html) and not re.search(r"管辖单位：\s*(<[^>]+>)*\s*\d", html)
    assert "created at" not in html and "secretary" not in html.split('data-testid="history-table"')[1]


@pytest.mark.django_db
def test_rows_stored_before_this_change_still_read_as_names(world, people, login):
    """Events recorded with ids and English field names (the old writer) are read with names and Chinese labels."""
    town, secretary = people
    AuditEvent.objects.create(
        user=town, action="create", model="people.roleassignment", model_label="角色授权", object_id="1", object_repr="包村干部（庆南村）",
        org_unit=world.sibling, changes=[
            {"field": "user", "label": "账号", "old": "", "new": str(secretary.pk)},
            {"field": "org_unit", "label": "管辖单位", "old": "", "new": str(world.sibling.pk)},
            {"field": "created_at", "label": "created at", "old": "", "new": "2026-11-30 06:05:00.123456+00:00"},
        ],
    )
    html = login(town).get("/history/").content.decode()
    assert "李德胜（村党支部书记）" in html and world.sibling.display_name in html
    assert "created at" not in html and "创建时间" in html and "2026年11月30日 14:05" in html
    assert f"账号：<span class=\"fs-diff-new\">{secretary.pk}<" not in html


@pytest.mark.django_db
def test_account_without_person_is_named_by_role_never_by_login_name(world, login):
    county = world.users[Role.COUNTY_ADMIN]
    _grant(county, world.users[Role.TOWN_ADMIN], Role.OBSERVER, world.town)
    html = login(county).get("/history/").content.decode()
    assert _cells(html, "history-actor")[0] == "县级管理员（濮阳县）"
    assert "county" not in _cells(html, "history-actor")
    assert "账号：<span class=\"fs-diff-new\">镇级管理员（庆祖镇）</span>" in html


@pytest.fixture
def rated(world, people, make_round):  # noqa: F811
    """A county round: 西辛庄 submitted, returned, resubmitted, approved, reopened and approved again; then every
    branch approved, the notice published and the results recognised."""
    town, secretary = people
    county = world.users[Role.COUNTY_ADMIN]
    rnd = make_round()
    a = fill(Assessment.objects.get(round=rnd, org_unit=world.village), secretary)
    a = submit(a, secretary, ["paf"])
    a = return_for_changes(a, town, "town", "请补充主题党日照片", {"paf-01-01": "照片不清晰"})
    a = submit(a, secretary, ["paf"])
    a = approve(a, town, "town")
    a = reopen(a, town, "town", "群众反映需复核")
    approve(approve(a, town, "town"), county, "county")
    others = Assessment.objects.filter(round=rnd).exclude(org_unit=world.village)
    for b in others:
        approve_all_one(world, b)
    rnd = start_notice(rnd, county)
    recognise(rnd, county, today=rnd.notice_end + datetime.timedelta(days=1))
    return rnd


def approve_all_one(world, a):
    admin = world.users[Role.SYSADMIN]
    a = submit(fill(a, admin), admin, ["paf"])
    approve(approve(a, admin, "town"), admin, "county")


@pytest.mark.django_db
def test_workflow_steps_and_round_phases_are_in_the_global_history(world, rated, login):
    county = world.users[Role.COUNTY_ADMIN]
    html = login(county).get("/history/").content.decode()
    actions = _cells(html, "history-action")
    for label in ("提交（村级自评）", "退回修改（镇级初审）", "审核通过（镇级初审）", "重新打开（镇级初审）", "审核通过（县级审核）", "发布公示", "认定"):
        assert label in actions, label
    assert "李德胜（村党支部书记）" in html and "欧春生（科级干部）" in html
    assert f"评星申报「{world.village.display_name} · {rated.name}」" in html
    assert "照片不清晰" in html and "申报：<span class=\"fs-diff-new\">平安法治星</span>" in html
    reopened = login(county).get("/history/?action=reopen").content.decode()
    assert "状态：<span class=\"fs-diff-old\">镇级初审通过</span> → <span class=\"fs-diff-new\">已提交</span>" in reopened

    only_flow = login(county).get("/history/?model=rating.workflow&action=submit").content.decode()
    assert set(_cells(only_flow, "history-action")) == {"提交（村级自评）"}
    rounds = login(county).get("/history/?model=rating.round").content.decode()
    assert {"新增", "发布公示", "认定"} <= set(_cells(rounds, "history-action")) and "提交（村级自评）" not in rounds
    mine = login(county).get("/history/?who=李德胜").content.decode()
    assert set(_cells(mine, "history-actor")) == {"李德胜（村党支部书记）"}


@pytest.mark.django_db
def test_history_is_scoped_per_role(world, rated, login):
    other_town_admin = user_with_role("bagongqiao", Role.TOWN_ADMIN, world.other_town)
    town_html = login(world.users[Role.TOWN_ADMIN]).get("/history/?model=rating.workflow").content.decode()
    assert world.village.display_name in town_html and world.sibling.display_name in town_html
    assert world.other_village.display_name not in town_html
    county_only = login(world.users[Role.TOWN_ADMIN]).get("/history/?model=rating.round").content.decode()
    assert "发布公示" not in _cells(county_only, "history-action")  # the round belongs to the county

    other_html = login(other_town_admin).get("/history/?model=rating.workflow").content.decode()
    assert world.other_village.display_name in other_html
    assert world.village.display_name not in other_html and world.sibling.display_name not in other_html
    assert login(other_town_admin).get(f"/history/?unit={world.town.code}").context["page"].entries == []

    village_html = login(world.users[Role.VILLAGE_CADRE]).get("/history/").content.decode()
    assert world.village.display_name in village_html and "提交（村级自评）" in village_html
    assert world.sibling.display_name not in village_html and world.other_village.display_name not in village_html


@pytest.mark.django_db
def test_filters_by_unit_and_date_and_bad_filters_are_explained(world, rated, login):
    county = login(world.users[Role.COUNTY_ADMIN])
    today = timezone.localdate()
    by_unit = county.get(f"/history/?model=rating.workflow&unit={world.other_village.display_name}").content.decode()
    assert world.other_village.display_name in by_unit and world.village.display_name not in by_unit
    assert county.get(f"/history/?since={today + datetime.timedelta(days=1)}").context["page"].entries == []
    assert county.get(f"/history/?since={today}&until={today}").context["page"].entries
    for query, message in (("since=2026-13-45", "起始日期"), ("since=2026-12-02&until=2026-12-01", "截止日期不能早于起始日期"),
                           ("unit=不存在的村", "不存在或不在您的管辖范围内"), ("model=nope", "类型"), ("who=" + "长" * 40, "操作人")):
        response = county.get(f"/history/?{query}")
        assert response.status_code == 200 and message in response.content.decode(), query
        assert response.context["page"].entries == []


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_rows(world, people, login, django_assert_max_num_queries):
    town, secretary = people
    client = login(town)

    def add(n, start):
        for i in range(n):
            person = Person(org_unit=world.village, name=f"张{start + i}", gender="M", position="party_member")
            person._history_user = town
            person.save()
            person.org_unit = world.sibling
            person._history_user = secretary
            person.save()
            duty = Responsibility(duty="households", person=person, org_unit=world.sibling, household_count=5)
            duty._history_user = town
            duty.save()

    _grant(town, world.users[Role.OBSERVER], Role.OBSERVER, world.sibling)
    add(2, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/history/").status_code == 200
    add(20, 100)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        html = client.get("/history/").content.decode()
    assert html.count("张1") >= 20 and "责任人：<span class=\"fs-diff-new\">张119（党员）</span>" in html


@pytest.mark.django_db
def test_workflow_page_queries_are_bounded(world, rated, login, django_assert_max_num_queries):
    client = login(world.users[Role.COUNTY_ADMIN])
    with django_assert_max_num_queries(20):
        assert client.get("/history/").status_code == 200


@pytest.mark.django_db
def test_home_page_recent_activity_uses_names(world, people, login):
    town, secretary = people
    _grant(town, secretary, Role.VILLAGE_LIAISON, world.sibling)
    html = login(town).get("/").content.decode()
    assert "欧春生（科级干部）" in html and "新增" in html


@pytest.mark.django_db
def test_api_history_is_the_same_scoped_readable_feed(world, rated, client, api_token):
    def get(user, query=""):
        return client.get(f"/api/v1/history{query}", HTTP_AUTHORIZATION=f"Bearer {api_token(user)}")

    body = get(world.users[Role.TOWN_ADMIN], "?model=rating.workflow&action=reopen").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["actor"] == "欧春生（科级干部）" and item["action"] == "重新打开（镇级初审）" and item["source"] == "workflow"
    assert item["at"].endswith("+08:00") and "年" in item["at_text"]
    assert {"label": "状态", "old": "镇级初审通过", "new": "已提交"} in item["changes"]
    other = user_with_role("bagongqiao", Role.TOWN_ADMIN, world.other_town)
    units = {i["unit"] for i in get(other, "?model=rating.workflow&limit=500").json()["items"]}
    assert units == {world.other_village.display_name}
    bad = get(world.users[Role.TOWN_ADMIN], "?since=2026-02-30")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "since" and "日期" in bad.json()["errors"][0]["message"]
    assert get(world.users[Role.TOWN_ADMIN], "?unit=不存在").status_code == 422
