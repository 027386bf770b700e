"""The village self-assessment pages through the test client: rendering and scoping, per-rule saves of every
kind, 不适用, conflicts, carried-forward answers, returned comments, submission. Uploads: test_village_evidence.py."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.core.roles import Role
from fivestar.indicators.models import CollectiveIncome
from fivestar.rating.models import Assessment, Status
from fivestar.rating.services import attach, return_for_changes, save_answers, store_evidence, submit
from tests.factories import user_with_role

from .conftest import full_marks
from .village_helpers import evidence_for_all, photo, post_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(world, make_round):
    return Assessment.objects.get(round=make_round(), org_unit=world.village)


STARS = ["zbgy", "cyxw", "stjy", "paf", "wmxf"]


def _with_stars(client, a, page):
    """The page plus every star's rules, as fetched when the stars are opened."""
    return page + "".join(client.get(f"/rating/assessments/{a.pk}/stars/{s}/").content.decode() for s in STARS)


def test_secretary_sees_every_rule_with_inputs_progress_and_the_live_summary(world, a, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    first = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    assert "西辛庄村 · 2023年度评星自评" in first
    # Only the first star with something to do comes with the page; the others load when opened.
    assert first.count('class="fs-rule"') == 42 and 'id="rule-zbgy-01-01"' in first and 'id="rule-paf-01-01"' not in first
    assert 'hx-get="/rating/assessments/%d/stars/paf/"' % a.pk in first
    page = _with_stars(client, a, first)
    assert page.count('class="fs-rule"') == 210 + 42
    assert page.count('hx-post="/rating/assessments/%d/rules/' % a.pk) == 210 + 42
    assert 'data-testid="read-only"' not in page
    for star in ["zbgy", "cyxw", "stjy", "paf", "wmxf"]:
        assert f'data-testid="progress-{star}"' in page
    assert re.search(r'data-testid="progress-text-zbgy">已填 0/\d+<', page)
    assert 'data-testid="live-rating">0<' in page
    # Flags, the evidence hint with its count, input per kind, and the indicator shown read-only.
    zbgy_01_01 = page[page.index('id="rule-zbgy-01-01"'):page.index('id="rule-zbgy-01-02"')]
    assert "必达" in zbgy_01_01 and "需 1 份" in zbgy_01_01 and ">达标</label>" in zbgy_01_01 and ">不达标</label>" in zbgy_01_01
    assert 'min="0" max="3" step="0.5"' in page[page.index('id="rule-zbgy-01-03"'):]
    assert 'data-testid="indicator-cyxw-01-01"' in page and "未登记" in page
    assert 'id="v-cyxw-01-01"' not in page  # bound to the income indicator: no input
    assert "可不适用" in page[page.index('id="rule-cyxw-06-02"'):page.index('id="rule-cyxw-06-03"')]
    assert "/media/" not in page


def test_another_villages_secretary_gets_404_everywhere(world, a, client):
    stranger = user_with_role("other-secretary", Role.VILLAGE_CADRE, world.other_village)
    client.force_login(stranger)
    assert client.get(f"/rating/assessments/{a.pk}/").status_code == 404
    assert post_rule(client, a, "zbgy-01-01", value="1").status_code == 404
    assert client.post(f"/rating/assessments/{a.pk}/submit/", {"stars": ["paf"]}).status_code == 404
    assert client.post(f"/rating/assessments/{a.pk}/confirm/", {"codes": ["zbgy-01-01"]}).status_code == 404
    assert Assessment.objects.get(pk=a.pk).answers == {}


def test_observer_reads_without_inputs_and_cannot_save(world, a, login):
    client = login(world.users[Role.OBSERVER])
    page = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    assert 'data-testid="read-only"' in page and "只有查看权限" in page
    assert "hx-post" not in page[page.index('id="fs-stars"'):]
    assert "<fieldset disabled>" in page and 'data-testid="submit-card"' not in page
    response = post_rule(client, a, "zbgy-01-01", value="1")
    assert "您无权在此环节修改该申报" in response.content.decode()
    assert Assessment.objects.get(pk=a.pk).answers == {}


@pytest.mark.parametrize("code,text,stored,shown", [
    ("zbgy-01-01", "1", True, "得 <strong>3</strong>/3 分"),
    ("zbgy-01-02", "0", False, "得 <strong>0</strong>/2 分"),
    ("zbgy-01-03", "2.5", 2.5, "得 <strong>2.5</strong>/3 分"),
    ("zbgy-01-07", "1", 1, "得 <strong>1</strong>/2 分"),
    ("zbgy-04-02", "85", 85, "得 <strong>3</strong>/4 分"),
])
def test_each_rule_kind_saves_and_re_renders_the_rule_and_the_live_parts(world, a, login, code, text, stored, shown):
    client = login(world.users[Role.VILLAGE_CADRE])
    body = post_rule(client, a, code, value=text, note="见会议记录").content.decode()
    saved = Assessment.objects.get(pk=a.pk)
    assert saved.answers == {code: stored} and saved.notes == {code: "见会议记录"} and saved.status == Status.IN_PROGRESS
    assert saved.version == a.version + 1
    assert body.startswith(f'<div id="st-{code}"') and "已保存" in body and shown in body
    assert f'id="fs-version" name="version" value="{saved.version}" data-testid="version" hx-swap-oob="true"' in body
    assert 'id="fs-summary-head" hx-swap-oob="true"' in body and 'id="sum-zbgy" data-testid="live-star-zbgy"' in body
    assert 'id="fs-live" data-testid="live-bar" hx-swap-oob="true"' in body
    assert re.search(r'data-testid="progress-text-zbgy">已填 1/\d+<', body)


@pytest.mark.parametrize("code,text,message", [
    ("zbgy-01-03", "9", "得分 9 超出范围，应在 0–3 分之间。"),
    ("zbgy-01-03", "abc", "「abc」不是有效的数字。"),
    ("zbgy-01-07", "1.5", "发生次数应为非负整数，现为 1.5。"),
    ("zbgy-01-07", "-1", "发生次数应为非负整数，现为 -1。"),
    ("zbgy-01-01", "yes", "请选择“达标”或“不达标”。"),
])
def test_bad_values_are_refused_next_to_the_rule(world, a, login, code, text, message):
    body = post_rule(login(world.users[Role.VILLAGE_CADRE]), a, code, value=text).content.decode()
    assert f"未保存：{message}" in body and "已保存" not in body
    assert Assessment.objects.get(pk=a.pk).version == a.version


def test_income_rule_value_cannot_be_typed_in(world, a, login):
    post_rule(login(world.users[Role.VILLAGE_CADRE]), a, "cyxw-01-01", value="9999999")
    assert Assessment.objects.get(pk=a.pk).answers == {}


def test_income_rule_shows_the_recorded_income_and_its_points(world, a, login):
    CollectiveIncome.objects.create(org_unit=world.village, year=2023, operating_income=Decimal(120000))
    client = login(world.users[Role.VILLAGE_CADRE])
    page = client.get(f"/rating/assessments/{a.pk}/stars/cyxw/").content.decode()
    page += client.get(f"/rating/assessments/{a.pk}/").content.decode()
    rule = page[page.index('id="rule-cyxw-01-01"'):page.index('id="rule-cyxw-01-02"')]
    assert "2023 年村集体经济收入：<strong>120,000 元</strong>" in rule and "（本轮读取 2023 年度数据）" in rule and "得 <strong>12</strong>/15 分" in rule
    assert re.search(r'data-testid="progress-text-cyxw">已填 1/\d+<', page)


def test_not_applicable_needs_a_reason_and_can_be_cleared(world, a, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    body = post_rule(client, a, "cyxw-06-02", na="1", na_reason="").content.decode()
    assert "标记“不适用”须填写理由。" in body
    assert Assessment.objects.get(pk=a.pk).not_applicable == {}
    body = post_rule(client, a, "cyxw-06-02", na="1", na_reason="本村无耕地流转").content.decode()
    a.refresh_from_db()
    assert a.not_applicable == {"cyxw-06-02": "本村无耕地流转"} and "不适用" in body and "本村无耕地流转" in body
    assert re.search(r'data-testid="progress-text-cyxw">已填 1/\d+<', body)
    post_rule(client, a, "cyxw-06-02", value="60")
    a.refresh_from_db()
    assert a.not_applicable == {} and a.answers == {"cyxw-06-02": 60}
    body = post_rule(client, a, "zbgy-01-01", na="1", na_reason="不需要").content.decode()
    assert "该细则不允许标记为“不适用”。" in body


def test_a_stale_version_conflicts_only_on_the_same_rule(world, a, login):
    loaded = a.version
    save_answers(a, world.users[Role.VILLAGE_LIAISON], "village", values={"paf-01-01": True}, expected_version=loaded)
    # Another rule saved from the same (now older) page: no conflict, both kept.
    body = post_rule(login(world.users[Role.VILLAGE_CADRE]), a, "zbgy-01-01", value="1", version=loaded).content.decode()
    assert "保存冲突" not in body
    assert Assessment.objects.get(pk=a.pk).answers == {"paf-01-01": True, "zbgy-01-01": True}
    # The rule the liaison changed, from the stale page: refused with what changed and the current version.
    body = post_rule(login(world.users[Role.VILLAGE_CADRE]), a, "paf-01-01", value="0", version=loaded).content.decode()
    assert "保存冲突：在您编辑期间，他人已修改本申报" in body
    assert 'data-testid="conflict-paf-01-01"' in body and "liaison 修改了" in body and "paf-01-01" in body
    assert f'name="version" value="{loaded + 2}"' in body
    assert Assessment.objects.get(pk=a.pk).answers == {"paf-01-01": True, "zbgy-01-01": True}
    post_rule(login(world.users[Role.VILLAGE_CADRE]), a, "paf-01-01", value="0", version=loaded + 2)
    assert Assessment.objects.get(pk=a.pk).answers == {"paf-01-01": False, "zbgy-01-01": True}


def test_carried_forward_answers_are_marked_and_confirmed_one_or_a_whole_standard(world, a, login):
    Assessment.objects.filter(pk=a.pk).update(answers={"zbgy-01-01": True, "zbgy-01-02": True, "zbgy-02-01": True},
                                             to_confirm=["zbgy-01-01", "zbgy-01-02", "zbgy-02-01"], status=Status.IN_PROGRESS)
    client = login(world.users[Role.VILLAGE_CADRE])
    page = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    assert page.count("沿用上期，待确认") == 3
    assert 'data-testid="confirm-std-zbgy-01"' in page and "本项沿用全部确认（2 条）" in page
    body = client.post(f"/rating/assessments/{a.pk}/confirm/", {"codes": ["zbgy-02-01"]}, HTTP_HX_REQUEST="true").content.decode()
    assert Assessment.objects.get(pk=a.pk).to_confirm == ["zbgy-01-01", "zbgy-01-02"]
    assert 'id="st-zbgy-02-01" class="fs-st" hx-swap-oob="true"' in body and "已确认沿用 1 项" in body
    body = client.post(f"/rating/assessments/{a.pk}/confirm/", {"codes": ["zbgy-01-01", "zbgy-01-02"]}, HTTP_HX_REQUEST="true").content.decode()
    assert Assessment.objects.get(pk=a.pk).to_confirm == []
    assert 'id="confirm-std-zbgy-01" class="ms-auto" hx-swap-oob="true"></span>' in body.replace("\n", "")


def test_submission_is_refused_with_the_missing_list_then_accepted(world, a, login):
    client = login(world.users[Role.VILLAGE_CADRE])
    a = save_answers(a, world.users[Role.VILLAGE_CADRE], "village", values=full_marks(a.framework), expected_version=a.version)
    body = client.post(f"/rating/assessments/{a.pk}/submit/", {"stars": ["paf"]}, HTTP_HX_REQUEST="true").content.decode()
    assert "还有以下内容未完成，暂不能提交" in body and 'data-testid="submit-missing"' in body
    group = body[body.index('data-testid="missing-group-paf"'):]
    assert "平安法治星" in group and "缺少佐证材料" in group and "paf-01-01 缺少" not in group
    assert re.search(r'<a href="#rule-paf-\d\d-\d\d" data-star="paf" data-testid="missing-paf-\d\d-\d\d">[^<>]{4,}</a> <span class="fs-code">paf-', body)
    assert Assessment.objects.get(pk=a.pk).status == Status.IN_PROGRESS
    evidence_for_all(a, world.users[Role.VILLAGE_CADRE])
    response = client.post(f"/rating/assessments/{a.pk}/submit/", {"stars": ["paf", "wmxf"]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == f"/rating/assessments/{a.pk}/"
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED and a.applied_stars == ["paf", "wmxf"]
    page = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    assert "已提交自评申报" in page and "已提交审核并锁定" in page and 'data-testid="submit-card"' not in page


def test_submit_card_defaults_to_the_stars_the_answers_earn(world, a, login):
    values = {c: v for c, v in full_marks(a.framework).items() if c.startswith("paf-")}
    save_answers(a, world.users[Role.VILLAGE_CADRE], "village", values=values, expected_version=a.version)
    page = login(world.users[Role.VILLAGE_CADRE]).get(f"/rating/assessments/{a.pk}/").content.decode()
    checked = re.findall(r'name="stars" value="(\w+)" id="apply-\w+"\s*checked', page)
    assert checked == ["paf"] and "按当前填报可获得：平安法治星" in page


def test_returned_comments_are_shown_on_top_and_next_to_the_rule(world, a, login):
    secretary = world.users[Role.VILLAGE_CADRE]
    a = save_answers(a, secretary, "village", values=full_marks(a.framework), expected_version=a.version)
    a = submit(evidence_for_all(a, secretary), secretary, ["paf"])
    return_for_changes(a, world.users[Role.TOWN_ADMIN], "town", "请补充主题党日照片", {"zbgy-04-01": "照片不清晰，请重新拍摄"})
    client = login(secretary)
    page = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    top = page[page.index('data-testid="return-comments"'):page.index('id="fs-summary"')]
    assert "申报被退回修改（镇级初审 · town" in top and "请补充主题党日照片" in top and 'href="#rule-zbgy-04-01"' in top
    assert a.framework.compiled().rules_by_code["zbgy-04-01"].text[:20] in top  # named by its text, the code secondary
    rule = page[page.index('id="rule-zbgy-04-01"'):page.index('id="rule-zbgy-04-02"')]
    assert 'data-testid="rule-comment-zbgy-04-01"' in rule and "审核意见：照片不清晰，请重新拍摄" in rule
    assert 'id="pane-zbgy" class="accordion-collapse collapse show"' in page and "1 条审核意见" in page
    assert 'data-testid="read-only"' not in page  # returned: editable again


def test_my_assessments_lists_what_the_user_may_self_assess(world, a, login):
    save_answers(a, world.users[Role.VILLAGE_CADRE], "village", values={"zbgy-01-01": True}, expected_version=a.version)
    page = login(world.users[Role.VILLAGE_CADRE]).get("/rating/my/").content.decode()
    assert page.count('data-testid="my-assessment-') == 1 and "西辛庄村" in page and "2023年度评星" in page
    assert f'href="/rating/assessments/{a.pk}/"' in page and ">1/210<" in page and "填报中" in page
    observer_page = login(world.users[Role.OBSERVER]).get("/rating/my/").content.decode()
    assert 'data-testid="no-assessments"' in observer_page


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_fill_page_query_count_does_not_grow_with_answers_and_evidence(world, a, login):
    secretary = world.users[Role.VILLAGE_CADRE]
    client = login(secretary)
    url = f"/rating/assessments/{a.pk}/"
    a = save_answers(a, secretary, "village", values={"zbgy-01-01": True}, expected_version=a.version)
    a = attach(a, secretary, store_evidence(a.org_unit, secretary, photo(0), "photo"), ["zbgy-01-01"])
    few = _count_queries(client, url)
    a = save_answers(a, secretary, "village", values=full_marks(a.framework), expected_version=a.version)
    codes = list(a.framework.compiled().rules_by_code)
    for i in range(1, 6):
        a = attach(a, secretary, store_evidence(a.org_unit, secretary, photo(i), "photo"), codes)
    many = _count_queries(client, url)
    assert many == few, f"{few} queries with 1 answer and 1 evidence item, {many} with 210 answers and 5 more items on every rule"
    page = client.get(url).content.decode()
    assert page.count("/thumb/") == 0  # all complete: every star closed, nothing loaded until opened
    star = client.get(f"/rating/assessments/{a.pk}/stars/zbgy/").content.decode()
    rules = len(a.framework.compiled().stars_by_code["zbgy"].rules)
    assert star.count("/thumb/") == rules * 5 + 1 and star.count('loading="lazy"') == star.count("<img")
