"""Review pages: the town list (constant queries, bulk actions), the reviewer's page, permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.orgs.models import Level, OrgUnit
from fivestar.rating.models import Assessment, AssessmentEvent, Status
from fivestar.rating.services import approve, attach, populate_round, save_answers, store_evidence, submit
from tests.factories import user_with_role

from .conftest import full_marks
from .images import jpeg_bytes

RULE = "paf-01-03"


def _submitted(a, user=None):
    """Fill every rule with full marks, attach evidence where needed, submit for 平安法治星."""
    user = user or _sysadmin()
    a = save_answers(a, user, "village", values=full_marks(a.framework), expected_version=a.version)
    fw = a.framework.compiled()
    needing = [r.code for r in fw.rules_by_code.values() if r.evidence and r.evidence.min_count]
    for i in range(3):
        item = store_evidence(a.org_unit, user, SimpleUploadedFile(f"证明{i}.jpg", jpeg_bytes(seed=i, size=(80, 60))), "photo")
        a = attach(a, user, item, needing)
    return submit(a, user, ["paf", "cyxw"])


def _sysadmin():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="sys")


def _assessment(rnd, village):
    return Assessment.objects.select_related("org_unit", "round", "framework").get(round=rnd, org_unit=village)


def client_get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# ---- the town list --------------------------------------------------------------------------------------


def _grow(world, start, stop):
    for i in range(start, stop):
        OrgUnit.objects.create(code=f"410928103{300 + i}", name=f"测试{i}村委会", level=Level.VILLAGE, parent=world.town)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.django_db
def test_town_list_answers_with_a_constant_number_of_queries(world, make_round, login):
    rnd = make_round()
    _submitted(_assessment(rnd, world.village))
    client = login(world.users["town_admin"])
    url = f"/rating/rounds/{rnd.pk}/towns/{world.town.code}/"
    few, response = _count(client, url)
    assert len(response.context["items"]) == 3
    _grow(world, 0, 37)
    populate_round(rnd.pk)
    Assessment.objects.filter(round=rnd, org_unit__code__startswith="4109281033").update(status=Status.SUBMITTED, applied_stars=["paf"], submitted_at=timezone.now())
    many, response = _count(client, url)
    assert len(response.context["items"]) == 40
    assert many == few, f"{few} queries for 3 villages, {many} for 40"
    submitted = login(world.users["town_admin"]).get(url + "?status=submitted")
    assert len(submitted.context["items"]) == 38
    assert {t["value"]: t["count"] for t in submitted.context["tabs"]}["submitted"] == 38


@pytest.mark.django_db
def test_town_list_shows_status_progress_rating_and_applied_stars(world, make_round, login):
    rnd = make_round()
    a = _submitted(_assessment(rnd, world.village))
    page = login(world.users["town_admin"]).get(f"/rating/rounds/{rnd.pk}/towns/{world.town.code}/").content.decode()
    assert f'data-testid="status-{world.village.code}">已提交<' in page
    assert "产业兴旺星、平安法治星" in page  # in the framework's order
    assert f'data-testid="select-{world.village.code}"' in page and f'data-testid="select-{world.sibling.code}"' not in page
    assert f"{a.progress_done}/{a.progress_total}" in page and "镇级初审" in page
    # The other town's admin cannot open this town's list.
    other_admin = user_with_role("bgq", Role.TOWN_ADMIN, world.other_town)
    assert login(other_admin).get(f"/rating/rounds/{rnd.pk}/towns/{world.town.code}/").status_code == 404


@pytest.mark.django_db
def test_bulk_approve_processes_eligible_rows_and_reports_the_others(world, make_round, login):
    rnd = make_round()
    first, second = _submitted(_assessment(rnd, world.village)), _submitted(_assessment(rnd, world.sibling))
    untouched = _assessment(rnd, world.community)
    client = login(world.users["town_admin"])
    url = f"/rating/rounds/{rnd.pk}/towns/{world.town.code}/"
    response = client.post(url, {"action": "approve", "ids": [first.pk, second.pk, untouched.pk]}, follow=True)
    msgs = _messages(response)
    assert any(m.startswith("已审核通过 2 个") and "西辛庄村" in m and "庆南村" in m for m in msgs)
    assert any("龙鑫苑社区" in m and "未开始" in m for m in msgs)
    assert Assessment.objects.get(pk=first.pk).status == Status.TOWN_APPROVED
    assert Assessment.objects.get(pk=untouched.pk).status == Status.NOT_STARTED
    assert AssessmentEvent.objects.filter(assessment=first, action="approve", level="town", user=world.users["town_admin"]).exists()

    # Now the county acts on them (only the town-approved ones).
    county = login(world.users["county_admin"])
    page = county.get(url).content.decode()
    assert f'data-testid="select-{world.village.code}"' in page and f'data-testid="select-{world.community.code}"' not in page
    response = county.post(url, {"action": "approve", "ids": [first.pk]}, follow=True)
    assert Assessment.objects.get(pk=first.pk).status == Status.COUNTY_APPROVED
    assert any("已审核通过 1 个：西辛庄村" in m for m in _messages(response))


@pytest.mark.django_db
def test_bulk_return_needs_a_comment_and_sends_it(world, make_round, login):
    rnd = make_round()
    first, second = _submitted(_assessment(rnd, world.village)), _submitted(_assessment(rnd, world.sibling))
    client = login(world.users["supervisor"])
    url = f"/rating/rounds/{rnd.pk}/towns/{world.town.code}/"
    response = client.post(url, {"action": "return", "ids": [first.pk, second.pk], "comment": " "}, follow=True)
    assert "批量退回须填写退回意见。" in _messages(response)
    assert Assessment.objects.get(pk=first.pk).status == Status.SUBMITTED
    response = client.post(url, {"action": "return", "ids": [first.pk, second.pk], "comment": "请补充三会一课记录"}, follow=True)
    assert any(m.startswith("已退回修改 2 个") for m in _messages(response))
    returned = Assessment.objects.get(pk=second.pk)
    assert returned.status == Status.RETURNED and returned.return_comments[0]["comment"] == "请补充三会一课记录"
    assert returned.return_comments[0]["level"] == "town" and returned.return_comments[0]["by"] == "supervisor"
    # Nobody else's rows can be slipped in: the other town's assessment id is ignored and reported.
    foreign = _assessment(rnd, world.other_village)
    response = client.post(url, {"action": "approve", "ids": [foreign.pk]}, follow=True)
    assert any("不存在或不在您的管辖范围内" in m for m in _messages(response))
    assert login(world.users["village_cadre"]).post(url, {"action": "approve", "ids": [first.pk]}).status_code == 403


# ---- the reviewer's page --------------------------------------------------------------------------------


def _review_url(a):
    return f"/rating/assessments/{a.pk}/review/"


@pytest.mark.django_db
def test_review_page_shows_values_evidence_and_placeholder(world, make_round, login):
    rnd = make_round()
    a = _submitted(_assessment(rnd, world.village))
    response = login(world.users["town_admin"]).get(_review_url(a))
    page = response.content.decode()
    assert response.status_code == 200 and response.context["acting"] == "town"
    assert 'data-testid="supervision-none"' in page and "您正在以<strong>镇级初审</strong>身份办理" in page  # 督导 section: no open problems
    assert 'data-testid="approve"' in page and 'data-testid="return-form"' in page
    # A star's rules arrive when it is opened (htmx), with the change form and lazily loaded thumbnails.
    assert f'data-testid="change-form-{RULE}"' not in page and f'hx-get="{_review_url(a)}stars/paf/"' in page
    paf = client_get(login(world.users["town_admin"]), f"{_review_url(a)}stars/paf/")
    assert "<html" not in paf and f'<tr id="rule-{RULE}"' in paf
    # Each row's 改值 form comes when its 审核 opens, carrying the version its row was read at.
    assert f'data-testid="change-form-{RULE}"' not in paf and f'hx-get="{_review_url(a)}rules/{RULE}/form/?v={a.version}&amp;e=' in paf
    form = client_get(login(world.users["town_admin"]), f"{_review_url(a)}rules/{RULE}/form/?v={a.version}&e=7")
    assert f'data-testid="change-form-{RULE}"' in form and f'name="version" value="{a.version}"' in form and 'name="last_event" value="7"' in form
    assert f'name="rc-{RULE}" form="return-form"' in form and '<option value="true" selected>达标</option>' in form
    evidence_id = a.evidence["zbgy-01-01"][0]
    zbgy = client_get(login(world.users["town_admin"]), f"{_review_url(a)}stars/zbgy/")
    assert f'href="/rating/evidence/{evidence_id}/"' in zbgy
    assert f'src="/rating/evidence/{evidence_id}/thumb/" alt="证明0.jpg" class="fs-thumb" loading="lazy"' in zbgy
    assert login(world.users["town_admin"]).get(f"{_review_url(a)}stars/nonsense/").status_code == 404
    assert response.context["applied"] == ["产业兴旺星", "平安法治星"] and a.rating == 5


@pytest.mark.django_db
def test_review_change_needs_a_reason_and_is_logged(world, make_round, login):
    rnd = make_round()
    a = _submitted(_assessment(rnd, world.village))
    client = login(world.users["town_admin"])
    post = {"level": "town", "rule": RULE, "value": "false", "reason": "", "version": a.version}
    response = client.post(f"{_review_url(a)}change/", post)
    assert response.status_code == 400 and response.context["form_state"]["error"] == "审核改动须填写理由。"
    assert 'data-testid="change-error">审核改动须填写理由。' in response.content.decode()
    assert Assessment.objects.get(pk=a.pk).reviews == {}
    response = client.post(f"{_review_url(a)}change/", {**post, "value": "abc"})
    assert response.status_code == 400

    response = client.post(f"{_review_url(a)}change/", {**post, "reason": "现场核查发现安全隐患台账缺失"})
    assert response.status_code == 302 and response["Location"].endswith(f"#rule-{RULE}")
    a.refresh_from_db()
    assert a.reviews == {"town": {RULE: False}}
    assert response["Location"] == f"{_review_url(a)}?star=paf#rule-{RULE}"
    page = client.get(response["Location"]).content.decode()
    assert f'data-testid="changed-town-{RULE}">' in page and f'data-label="采用值" data-testid="counted-{RULE}">否<' in page
    log = client.get(_review_url(a)).context["events"]
    change = [e for e in log if e["action"] == "审核改值"][-1]
    assert (change["user"], change["level"], change["rule"], change["old"], change["new"], change["reason"]) == (
        "镇级管理员（庆祖镇）", "镇级初审", RULE, "是", "否", "现场核查发现安全隐患台账缺失")  # by role and unit, never the login name
    assert "现场核查发现安全隐患台账缺失" in page


@pytest.mark.django_db
def test_stale_version_gets_a_conflict_message_and_keeps_the_input(world, make_round, login):
    rnd = make_round()
    a = _submitted(_assessment(rnd, world.village))
    first = login(world.users["town_admin"]).get(_review_url(a)).context
    loaded_version, loaded_event = first["a"].version, first["last_event"]
    save_answers(a, world.users["supervisor"], "town", values={RULE: False}, reason="督导员现场核查", expected_version=loaded_version)

    client = login(world.users["town_admin"])
    # Another rule from the same page: no conflict with the supervisor's change.
    response = client.post(f"{_review_url(a)}change/", {
        "level": "town", "rule": "paf-01-01", "value": "false", "reason": "另一条", "version": loaded_version, "last_event": loaded_event})
    assert response.status_code == 302
    response = client.post(f"{_review_url(a)}change/", {
        "level": "town", "rule": RULE, "value": "true", "reason": "我的理由", "version": loaded_version, "last_event": loaded_event})
    assert response.status_code == 409
    page = response.content.decode()
    assert "保存冲突：在您编辑期间，他人已修改本申报" in page
    changes = response.context["conflict"]["changes"]
    assert [(c["rule"], c["old"], c["new"], c["by"], c["reason"]) for c in changes if c["rule"] == RULE] == [(RULE, "是", "否", "督导员（庆祖镇）", "督导员现场核查")]
    assert 'value="我的理由"' in page and '<details open>' in page
    # The re-rendered form carries the current version, so saving again works.
    assert response.context["a"].version == loaded_version + 2
    assert Assessment.objects.get(pk=a.pk).reviews["town"] == {RULE: False, "paf-01-01": False}
    response = client.post(f"{_review_url(a)}change/", {"level": "town", "rule": RULE, "value": "true", "reason": "我的理由", "version": loaded_version + 2})
    assert response.status_code == 302 and Assessment.objects.get(pk=a.pk).reviews["town"][RULE] is True


@pytest.mark.django_db
def test_county_acts_only_on_town_approved(world, make_round, login):
    rnd = make_round()
    a = _submitted(_assessment(rnd, world.village))
    county = login(world.users["county_admin"])
    response = county.get(_review_url(a))
    assert response.context["acting"] is None and 'data-testid="not-your-turn"' in response.content.decode()
    assert "等待镇级初审" in response.content.decode() and 'data-testid="approve"' not in response.content.decode()
    response = county.post(f"{_review_url(a)}approve/", {"level": "county"}, follow=True)
    assert any("不在本级审核环节" in m for m in _messages(response))
    assert county.post(f"{_review_url(a)}approve/", {"level": "town"}).status_code == 403

    login(world.users["town_admin"]).post(f"{_review_url(a)}approve/", {"level": "town"})
    county = login(world.users["county_admin"])
    assert county.get(_review_url(a)).context["acting"] == "county"
    response = county.post(f"{_review_url(a)}change/", {"level": "county", "rule": RULE, "value": "false", "reason": "县级抽查", "version": Assessment.objects.get(pk=a.pk).version})
    assert response.status_code == 302
    response = county.post(f"{_review_url(a)}approve/", {"level": "county"}, follow=True)
    a.refresh_from_db()
    assert a.status == Status.COUNTY_APPROVED and a.approved_snapshot["level"] == "county"
    assert any("县级审核通过，拟评" in m for m in _messages(response))


@pytest.mark.django_db
def test_reopen_needs_a_reason_and_changes_show_against_the_snapshot(world, make_round, login):
    rnd = make_round()
    a = _submitted(_assessment(rnd, world.village))
    client = login(world.users["town_admin"])
    client.post(f"{_review_url(a)}approve/", {"level": "town"})
    response = client.get(_review_url(a))
    assert response.context["reopen_level"] == "town" and 'data-testid="reopen-form"' in response.content.decode()
    assert f'data-testid="change-form-{RULE}"' not in response.content.decode()  # locked

    response = client.post(f"{_review_url(a)}reopen/", {"level": "town", "reason": "  "}, follow=True)
    assert "重新打开须填写理由。" in _messages(response)
    assert Assessment.objects.get(pk=a.pk).status == Status.TOWN_APPROVED
    response = client.post(f"{_review_url(a)}reopen/", {"level": "town", "reason": "群众反映需复核"}, follow=True)
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED and "已重新打开，退回镇级初审环节。" in _messages(response)
    assert 'data-testid="modified-banner"' not in response.content.decode()

    client.post(f"{_review_url(a)}change/", {"level": "town", "rule": RULE, "value": "false", "reason": "复核发现问题", "version": a.version})
    page = client.get(_review_url(a)).content.decode()
    assert 'data-testid="modified-banner"' in page and "审核通过后已修改" in page
    assert f"细则 {RULE} 由 是 改为 否" in page and "town（镇级初审）审核通过时保存的快照" in page
    town_list = client.get(f"/rating/rounds/{rnd.pk}/towns/{world.town.code}/").content.decode()
    assert f'data-testid="modified-{world.village.code}"' in town_list
    log = client.get(_review_url(a)).context["events"]
    reopen_row = next(e for e in log if e["action"] == "重新打开")
    assert reopen_row["reason"] == "群众反映需复核" and reopen_row["user"] == "镇级管理员（庆祖镇）" and "镇级初审通过" in reopen_row["old"]


@pytest.mark.django_db
def test_return_with_general_and_per_rule_comments(world, make_round, login):
    rnd = make_round()
    a = _submitted(_assessment(rnd, world.village))
    client = login(world.users["town_admin"])
    response = client.post(f"{_review_url(a)}return/", {"level": "town", "comment": ""}, follow=True)
    assert "退回修改须填写意见。" in _messages(response)
    response = client.post(f"{_review_url(a)}return/", {"level": "town", "comment": "请补充材料", f"rc-{RULE}": "台账照片不清晰", "rc-nonsense": "x", "rc-paf-01-01": " "}, follow=True)
    a.refresh_from_db()
    assert a.status == Status.RETURNED and a.return_comments[0]["rules"] == {RULE: "台账照片不清晰"}
    page = response.content.decode()
    assert "已退回西辛庄村修改，附 1 条细则意见。" in page and "退回意见：请补充材料" in page
    # The star holding a per-rule comment opens and loads at once: the comment shows in its row without a click.
    assert 'data-testid="star-comments-paf">1 条退回意见' in page and 'hx-trigger="load"' in page
    paf = client_get(client, f"{_review_url(a)}stars/paf/")
    assert f'data-testid="rule-comment-{RULE}"' in paf and "台账照片不清晰" in paf


@pytest.mark.django_db
def test_permissions_per_role(world, make_round, login):
    rnd = make_round()
    a = _submitted(_assessment(rnd, world.village))
    # Observer (county): sees everything, acts on nothing.
    observer = login(world.users["observer"])
    response = observer.get(_review_url(a))
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="read-only"' in page
    assert 'data-testid="approve"' not in page and "change-form" not in page and "reopen-form" not in page
    assert observer.post(f"{_review_url(a)}approve/", {"level": "town"}).status_code == 403
    assert observer.post(f"{_review_url(a)}change/", {"level": "town", "rule": RULE, "value": "false", "reason": "x", "version": a.version}).status_code == 403
    assert observer.get(f"/rating/rounds/{rnd.pk}/towns/{world.town.code}/").context["actionable"] is False
    # Village secretary: may read their own assessment, not review it.
    secretary = login(world.users["village_cadre"])
    assert 'data-testid="approve"' not in secretary.get(_review_url(a)).content.decode()
    assert secretary.post(f"{_review_url(a)}approve/", {"level": "town"}).status_code == 403
    assert secretary.post(f"{_review_url(a)}return/", {"level": "town", "comment": "x"}).status_code == 403
    sibling = _assessment(rnd, world.sibling)
    assert secretary.get(_review_url(sibling)).status_code == 404
    # Another town's admin: not even visible.
    other_admin = login(user_with_role("bgq", Role.TOWN_ADMIN, world.other_town))
    assert other_admin.get(_review_url(a)).status_code == 404
    assert other_admin.post(f"{_review_url(a)}approve/", {"level": "town"}).status_code == 404
    assert Assessment.objects.get(pk=a.pk).status == Status.SUBMITTED
    # An unknown level is a bad request, not a crash.
    assert login(world.users["town_admin"]).post(f"{_review_url(a)}approve/", {"level": "village"}).status_code == 400


@pytest.mark.django_db
def test_changing_a_locked_assessment_is_refused_with_a_visible_message(world, make_round, login):
    rnd = make_round()
    a = approve(_submitted(_assessment(rnd, world.village)), world.users["town_admin"], "town")
    response = login(world.users["town_admin"]).post(f"{_review_url(a)}change/", {"level": "town", "rule": RULE, "value": "false", "reason": "改", "version": a.version})
    assert response.status_code == 400 and 'data-testid="action-error"' in response.content.decode()
    assert "不在本级审核环节" in response.context["form_state"]["error"]


# ---- why a value is what it is, and what changed since the reviewer's last look ------------------------------


def _row(html, code):
    """The <tr> of one rule in a rendered star."""
    start = html.index(f'<tr id="rule-{code}"')
    return html[start:html.index("</tr>", start)]


def _local(at):
    at = timezone.localtime(at)
    return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"


@pytest.mark.django_db
def test_a_changed_value_shows_its_reason_who_and_when_in_its_row(world, make_round, login):
    rnd = make_round()
    a = _submitted(_assessment(rnd, world.village))
    reviewer = user_with_role("ouchunsheng", Role.TOWN_ADMIN, world.town, name="欧春生", gender="M", position="town_leader")
    a = save_answers(a, reviewer, "town", values={RULE: True}, reason="先改为是", expected_version=a.version)
    a = save_answers(a, reviewer, "town", values={RULE: False}, reason="现场核查：有一次越级上访", expected_version=a.version)
    change = AssessmentEvent.objects.filter(assessment=a, action="review_change").latest("id")
    client = login(world.users["county_admin"])
    page = client_get(client, _review_url(a))
    assert 'data-testid="star-paf"' in page and "审核改动 1" in page  # the star's header says it holds a change
    paf = client_get(client, f"{_review_url(a)}stars/paf/")
    row = _row(paf, RULE)
    assert f'data-testid="reason-town-{RULE}"' in row and "镇级初审改为 否</span>，理由：现场核查：有一次越级上访" in row
    assert f"欧春生（科级干部） · {_local(change.at)}" in row and "先改为是" not in row  # the reason of the value held
    assert "ouchunsheng" not in paf and 'data-testid="reason-' not in _row(paf, "paf-01-04")


@pytest.mark.django_db
def test_a_return_comment_shows_in_its_row_until_a_level_approves(world, make_round, login):
    rnd = make_round()
    a = _submitted(_assessment(rnd, world.village))
    town = login(world.users["town_admin"])
    town.post(f"{_review_url(a)}return/", {"level": "town", "comment": "请补充材料", f"rc-{RULE}": "台账照片不清晰"})
    secretary = world.users["village_cadre"]
    a = Assessment.objects.get(pk=a.pk)
    submit(save_answers(a, secretary, "village", notes={RULE: "已补拍台账照片"}, expected_version=a.version), secretary, ["paf", "cyxw"])
    page = client_get(town, _review_url(a))
    # Resubmitted: the comment stays in view as the last one, the star opens and loads at once.
    assert "上次退回意见（村里已修改后重新提交）：请补充材料" in page and "细则意见 1 条，见各细则" in page
    assert 'data-testid="star-comments-paf">1 条退回意见' in page
    details = page[page.index('id="star-paf"'):page.index(">", page.index('id="star-paf"'))]
    assert " open " in details and 'hx-trigger="load"' in details
    row = _row(client_get(town, f"{_review_url(a)}stars/paf/"), RULE)
    assert "上次退回意见：台账照片不清晰" in row and "镇级管理员（庆祖镇）" in row and "村级说明：</span>已补拍台账照片" in row
    town.post(f"{_review_url(a)}approve/", {"level": "town"})
    page = client_get(login(world.users["county_admin"]), _review_url(a))
    assert 'data-testid="return-comment"' not in page and "star-comments-paf" not in page


@pytest.mark.django_db
def test_rules_changed_since_the_reviewers_last_look_are_marked(world, make_round, login):
    rnd = make_round()
    a = _submitted(_assessment(rnd, world.village))
    town = login(world.users["town_admin"])
    first = town.get(_review_url(a))
    assert first.context["baseline"] is None and "首次查看本申报" in first.content.decode()
    town.post(f"{_review_url(a)}return/", {"level": "town", "comment": "", f"rc-{RULE}": "请核实"})  # the reviewer's own step
    secretary = world.users["village_cadre"]
    a = Assessment.objects.get(pk=a.pk)
    a = save_answers(a, secretary, "village", values={RULE: False}, notes={"paf-01-05": "补充说明"}, expected_version=a.version)
    a = submit(a, secretary, ["paf", "cyxw"])
    a = save_answers(a, world.users["supervisor"], "town", values={"paf-01-01": False}, reason="督导核查", expected_version=a.version)

    response = town.get(_review_url(a))
    page = response.content.decode()
    assert set(response.context["changed"]) == {RULE, "paf-01-05", "paf-01-01"}
    assert 'data-testid="changed-count">自上次查看后有 3 条细则改动' in page and 'data-testid="star-changed-paf">3 条有改动' in page
    baseline = response.context["baseline"]
    query = baseline.query().replace("&", "&amp;")
    assert f'href="?changed=1&amp;{query}"' in page
    assert f'hx-get="{_review_url(a)}stars/zbgy/?{query}"' in page  # lazily loaded stars mark their rows too
    paf = client_get(town, f"{_review_url(a)}stars/paf/?{baseline.query()}")
    # Each marked row says what changed: the value before and after, or what else (here the village's 说明).
    assert f'data-testid="changed-since-{RULE}"><span class="badge text-bg-danger">自上次查看后有改动</span> 是 → 否<' in _row(paf, RULE)
    assert "自上次查看后有改动</span> 是 → 否<" in _row(paf, "paf-01-01")
    assert "自上次查看后有改动</span> 说明或其他内容有改动<" in _row(paf, "paf-01-05")
    assert "changed-since-paf-01-02" not in paf

    # 只看有改动的细则: the changed rows only, in the page itself; stars without any are left out.
    only = client_get(town, f"{_review_url(a)}?changed=1&{baseline.query()}")
    assert f'<tr id="rule-{RULE}"' in only and '<tr id="rule-paf-01-01"' in only and '<tr id="rule-paf-01-02"' not in only
    assert 'id="star-zbgy"' not in only and 'data-testid="show-all"' in only

    # Seen now: nothing new; the reviewer's own change does not count either.
    assert "自您上次查看后，没有细则改动。" in client_get(town, _review_url(a))
    current = Assessment.objects.get(pk=a.pk)
    save_answers(current, world.users["town_admin"], "town", values={"paf-01-02": 1}, reason="我改的", expected_version=current.version)
    assert town.get(_review_url(a)).context["changed"] == {}
    # A made-up or broken baseline is only ignored.
    for query in ("sv=abc&se=1", "sv=-1&se=2", "sv=99999999999999999999&se=1", "changed=1&sv=&se="):
        assert town.get(f"{_review_url(a)}?{query}").status_code == 200
        assert town.get(f"{_review_url(a)}stars/paf/?{query}").status_code == 200


@pytest.mark.django_db
def test_the_town_list_marks_villages_with_news_since_the_reviewers_last_look(world, make_round, login):
    rnd = make_round()
    a = _submitted(_assessment(rnd, world.village))
    other = _submitted(_assessment(rnd, world.sibling))
    town = login(world.users["town_admin"])
    url = f"/rating/rounds/{rnd.pk}/towns/{world.town.code}/"
    assert "news-" not in client_get(town, url)  # never opened: nothing to compare with
    town.get(_review_url(a)), town.get(_review_url(other))
    save_answers(a, world.users["supervisor"], "town", values={RULE: False}, reason="督导核查", expected_version=a.version)
    save_answers(other, world.users["town_admin"], "town", values={RULE: False}, reason="我改的", expected_version=other.version)
    page = client_get(town, url)
    assert f'data-testid="news-{world.village.code}">有新动态' in page and f"news-{world.sibling.code}" not in page
    town.get(_review_url(a))
    assert "news-" not in client_get(town, url)


@pytest.mark.django_db
def test_a_rules_form_opened_later_still_conflicts_with_a_change_made_meanwhile(world, make_round, login):
    rnd = make_round()
    a = _submitted(_assessment(rnd, world.village))
    town = login(world.users["town_admin"])
    paf = client_get(town, f"{_review_url(a)}stars/paf/")  # the rows as read
    form_url = paf[paf.index(f'hx-get="{_review_url(a)}rules/{RULE}/form/') + len('hx-get="'):].split('"')[0].replace("&amp;", "&")
    save_answers(a, world.users["supervisor"], "town", values={RULE: False}, reason="督导员现场核查", expected_version=a.version)
    form = client_get(town, form_url)  # opened after the supervisor's change
    assert f'name="version" value="{a.version}"' in form
    response = town.post(f"{_review_url(a)}change/", {"level": "town", "rule": RULE, "value": "true", "reason": "我的理由", "version": a.version})
    assert response.status_code == 409 and "督导员现场核查" in response.content.decode()
    # Nonsense is harmless: an unknown rule is 404, a broken version falls back to the current one.
    assert town.get(f"{_review_url(a)}rules/nope/form/").status_code == 404
    current = Assessment.objects.get(pk=a.pk).version
    assert f'name="version" value="{current}"' in client_get(town, f"{_review_url(a)}rules/{RULE}/form/?v=abc&e=99999999999999999999")
    # Someone who cannot act now gets a short note instead of a form.
    closed = client_get(login(world.users["county_admin"]), f"{_review_url(a)}rules/{RULE}/form/")
    assert 'data-testid="change-closed"' in closed and "<form" not in closed
    assert login(user_with_role("bgq", Role.TOWN_ADMIN, world.other_town)).get(f"{_review_url(a)}rules/{RULE}/form/").status_code == 404
