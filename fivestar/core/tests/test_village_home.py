"""A village user's home page is its to-do list: the current assessment with where it stands, its deadline and
what is missing (as submission checks it), returned items with the reviewer's comment by name and post, and
after submitting, through 公示 and 认定, where it stands — in a fixed number of queries. Other roles keep the
overview home."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.core.selectors_todo import missing
from fivestar.indicators.models import CollectiveIncome
from fivestar.people.models import Person, RoleAssignment
from fivestar.rating.models import Assessment, Status
from fivestar.rating.services import confirm_carried, missing_for_submission, recognise, return_for_changes, save_answers, submit
from fivestar.rating.services.evaluation import indicators_for
from fivestar.rating.tests.conftest import frameworks, full_marks, make_round  # noqa: F401  (fixtures)
from fivestar.rating.tests.notice_helpers import fill, round_in_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(world, make_round):  # noqa: F811
    return Assessment.objects.get(round=make_round(), org_unit=world.village)


def _card(html: str, pk: int) -> str:
    """One assessment's card of the to-do list."""
    rest = html[html.index(f'data-testid="todo-{pk}"'):]
    ends = [i for i in (rest.find("fs-todo fs-todo-"), rest.find("</section>")) if i > 0]
    return rest[:min(ends)]


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_home_of_a_village_secretary_is_its_to_do_list(world, a, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    html = _home(client)
    assert 'data-testid="village-todo"' in html
    # Not counts of branches and people.
    assert 'data-testid="stat-villages"' not in html and 'data-testid="stat-people"' not in html
    card = _text(_card(html, a.pk))
    days = (a.round.self_deadline - timezone.localdate()).days
    assert "2023年度评星" in card and "西辛庄村" in card and "未开始填报" in card
    assert f"自评截止 {a.round.self_deadline:%Y-%m-%d} · 还剩 {days} 天" in card
    expected = len({i.rule for i in missing_for_submission(a, [s.code for s in a.framework.compiled().stars])})
    assert f"还有 {expected} 项未填" in card and "开始填报" in card
    assert f'href="/rating/assessments/{a.pk}/" data-testid="todo-missing-link"' in html
    assert client.get(f"/rating/assessments/{a.pk}/").status_code == 200
    assert "当前没有需要您自评的申报" not in html


def test_a_liaison_sees_each_of_its_branches(world, make_round, login):  # noqa: F811
    liaison = world.users[Role.VILLAGE_LIAISON]
    RoleAssignment.objects.create(user=liaison, role=Role.VILLAGE_LIAISON, org_unit=world.sibling)
    rnd = make_round()
    html = _home(login(liaison))
    for unit in (world.village, world.sibling):
        pk = Assessment.objects.get(round=rnd, org_unit=unit).pk
        assert unit.display_name in _text(_card(html, pk))
    assert Assessment.objects.get(round=rnd, org_unit=world.community).pk not in [
        int(m) for m in re.findall(r'data-testid="todo-(\d+)"', html)]
    assert "我负责的村（社区）" in html


def test_missing_counts_agree_with_the_submission_check(world, a):
    user = world.users[Role.VILLAGE_CADRE]
    fw = a.framework.compiled()
    values = full_marks(a.framework)
    zbgy = {c: v for c, v in values.items() if c.startswith("zbgy-")}
    a = save_answers(a, user, "village", values=zbgy, expected_version=a.version)  # answered, without evidence
    a.to_confirm = [c for c in values if c.startswith("paf-")][:5] + ["zbgy-01-01"]
    a.answers = {**a.answers, **{c: values[c] for c in a.to_confirm}}
    na_rule = next(r for r in fw.rules_by_code.values() if r.na_allowed)
    a.not_applicable = {na_rule.code: "本村无此情况"}
    a.save()
    CollectiveIncome.objects.create(org_unit=world.village, year=a.round.indicator_year, amount=80000)
    indicators = indicators_for(a)
    for stars in ([], ["paf"], ["zbgy", "paf"]):
        a.applied_stars = stars
        items = missing_for_submission(a, stars or [s.code for s in fw.stars])
        got = missing(a, fw, indicators)
        assert got.rules == len({i.rule for i in items})
        assert got.unfilled == sum(1 for i in items if i.reason == "尚未填报")
        assert got.to_confirm == sum(1 for i in items if i.reason == "沿用上期结果，尚未确认")
        assert got.evidence == sum(1 for i in items if i.reason.startswith("缺少佐证材料"))
        assert got.evidence and got.to_confirm  # the case covers every kind
    a.applied_stars = []
    assert missing(a, fw, indicators).unfilled == sum(1 for i in missing_for_submission(a, [s.code for s in fw.stars]) if i.reason == "尚未填报")
    given = missing_for_submission(a, ["zbgy", "paf"], indicators=indicators)
    assert given == missing_for_submission(a, ["zbgy", "paf"])  # the same check as when it reads the indicators itself
    with CaptureQueriesContext(connection) as ctx:
        missing_for_submission(a, ["zbgy", "paf"], indicators=indicators)
    assert not ctx.captured_queries  # given the indicators (read in bulk by the to-do list), it reads nothing


def test_after_submitting_the_village_sees_where_it_stands(world, a, login):
    user = world.users[Role.VILLAGE_CADRE]
    a = fill(a, user)
    a = submit(a, user, ["zbgy", "paf"])
    html = _home(login(user))
    card = _text(_card(html, a.pk))
    assert "待镇级初审" in card and f"镇级初审截止 {a.round.town_deadline:%Y-%m-%d}" in card
    assert "申报：支部过硬星、平安法治星" in card and "未完成" not in card
    assert "查看申报" in card and f'href="/rating/assessments/{a.pk}/" data-testid="todo-open"' in html


def test_a_returned_assessment_shows_the_comment_by_name_and_post(world, a, login):
    user = world.users[Role.VILLAGE_CADRE]
    town = world.users[Role.TOWN_ADMIN]
    Person.objects.create(user=town, org_unit=world.town, name="欧春生", gender="M", position="town_leader")
    a = submit(fill(a, user), user, ["paf"])
    rule = a.framework.compiled().rules_by_code["paf-01-01"]
    a = return_for_changes(a, town, "town", "请补充会议记录照片", {"paf-01-01": "照片看不清"})
    html = _home(login(user))
    card = _text(_card(html, a.pk))
    assert "退回修改" in card and "镇级初审退回修改" in card
    assert "欧春生（科级干部）" in card and f" {town.username} " not in f" {card} "
    assert "请补充会议记录照片" in card and rule.text[:20] in card and "照片看不清" in card
    assert f"重新提交截止 {a.round.town_deadline:%Y-%m-%d}" in card and "修改后重新提交" in card


def test_on_notice_and_after_recognition_the_stars_are_shown(world, make_round, login):  # noqa: F811
    rnd = round_in_notice(world, make_round)
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    client = login(world.users[Role.VILLAGE_CADRE])
    card = _text(_card(_home(client), a.pk))
    assert "公示中" in card and f"公示至 {rnd.notice_end:%Y-%m-%d}" in card
    assert "公示结果：" in card
    assert a.rating > 0 and ["未评星", "一星", "二星", "三星", "四星", "五星"][a.rating] in card
    recognise(rnd, world.users[Role.COUNTY_ADMIN], today=rnd.notice_end + datetime.timedelta(days=1))
    card = _text(_card(_home(client), a.pk))
    assert "已认定" in card and "认定为" in card and "查看申报" in card


def test_other_roles_keep_the_overview_home(world, login):
    for role in (Role.TOWN_ADMIN, Role.COUNTY_ADMIN, Role.SUPERVISOR, Role.SYSADMIN):
        html = _home(login(world.users[role]))
        assert 'data-testid="stat-villages"' in html and 'data-testid="village-todo"' not in html


def _count(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_the_to_do_list_takes_a_fixed_number_of_queries(world, make_round, login, frameworks):  # noqa: F811
    for fv in frameworks:
        fv.compiled()  # compiled once per process: the measurements below both find it compiled
    liaison = world.users[Role.VILLAGE_LIAISON]
    town = world.users[Role.TOWN_ADMIN]
    rnd = make_round()
    rows = {a.org_unit_id: a for a in Assessment.objects.filter(round=rnd).select_related("org_unit", "framework", "round")}
    first = rows[world.village.pk]
    first = return_for_changes(submit(fill(first, liaison), liaison, ["paf"]), town, "town", "请补充")
    client = login(liaison)
    few = _count(client)
    for unit in (world.sibling, world.community, world.other_village):
        RoleAssignment.objects.create(user=liaison, role=Role.VILLAGE_LIAISON, org_unit=unit)
    admin = world.users[Role.SYSADMIN]
    submit(fill(rows[world.sibling.pk], admin), admin, ["paf"])
    save_answers(rows[world.community.pk], admin, "village", values={"paf-01-01": True}, expected_version=rows[world.community.pk].version)
    many = _count(client)
    assert Assessment.objects.filter(round=rnd, status=Status.RETURNED).count() == 1
    assert many <= few, f"{few} queries with one branch, {many} with four"
    html = _home(client)
    assert len(re.findall(r'data-testid="todo-\d+"', html)) == 4


def test_carried_answers_are_counted_until_confirmed(world, a, login):
    user = world.users[Role.VILLAGE_CADRE]
    values = full_marks(a.framework)
    carried = [c for c in values if c.startswith("paf-")]
    a.answers, a.to_confirm, a.status = {c: values[c] for c in carried}, carried, Status.IN_PROGRESS
    a.save()
    client = login(user)
    card = _text(_card(_home(client), a.pk))
    assert f"沿用待确认 {len(carried)} 项" in card
    confirm_carried(a, user, carried)
    card = _text(_card(_home(client), a.pk))
    assert "沿用待确认" not in card and "继续填报" in card


def test_where_it_stands_in_words_at_every_step(world, a):
    from fivestar.core.selectors_todo import _deadline, _stage

    today = timezone.localdate()
    rnd = a.round
    cases = [
        (Status.SUBMITTED, "open", "待镇级初审", ("镇级初审截止", rnd.town_deadline)),
        (Status.TOWN_APPROVED, "open", "待县级审核", ("县级审核截止", rnd.county_deadline)),
        (Status.COUNTY_APPROVED, "open", "审核通过，待公示", None),
        (Status.EXPIRED, "open", "未按期完成", None),
        (Status.COUNTY_APPROVED, "notice", "公示中", None),
        (Status.COUNTY_APPROVED, "recognised", "已认定", None),
    ]
    for status, phase, words, deadline in cases:
        a.status, rnd.phase = status, phase
        assert _stage(a)[0] == words, (status, phase)
        got = _deadline(a, today)
        if deadline is None and phase == "notice":
            continue
        assert (got.label, got.day) == deadline if deadline else got is None, (status, phase)
    rnd.extra_levels = ["city"]
    a.status, rnd.phase = Status.COUNTY_APPROVED, "open"
    assert _stage(a)[0] == "待市级复核"
    # A county's reversal gives the branch its own, later date.
    a.status, a.deadline_override = Status.IN_PROGRESS, rnd.self_deadline + datetime.timedelta(days=3)
    assert _deadline(a, today).day == a.deadline_override
