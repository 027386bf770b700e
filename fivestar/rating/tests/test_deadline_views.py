"""截止处理 on the pages and the API, and the village reaching its assessment through notice and recognition."""

import datetime
import json

import pytest
from django.test import Client

from fivestar.rating.models import Assessment, Round, Status
from fivestar.rating.services import recognise
from fivestar.rating.services.deadlines import close_overdue

from .notice_helpers import round_in_notice

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _past_self_deadline(rnd):
    Round.objects.filter(pk=rnd.pk).update(self_deadline=TODAY - datetime.timedelta(days=2))
    rnd.refresh_from_db()
    return rnd


def test_village_reaches_its_assessment_in_notice_and_after_recognition(world, make_round, login):
    rnd = round_in_notice(world, make_round)
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    client = login(world.users["village_cadre"])
    page = client.get("/rating/my/").content.decode()
    assert f'data-testid="my-assessment-{a.pk}"' in page and "公示中" in page and "当前没有需要您自评的申报" not in page
    page = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    assert 'data-stage="notice"' in page and 'data-testid="read-only"' in page and "评星结果正在公示" in page

    recognise(rnd, world.users["county_admin"], today=rnd.notice_end + datetime.timedelta(days=1))
    page = client.get("/rating/my/").content.decode()
    assert f'data-testid="my-assessment-{a.pk}"' in page and "已认定" in page
    page = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    assert 'data-stage="recognised"' in page and "评星结果已认定" in page


def test_a_newer_round_replaces_the_recognised_one_in_the_village_list(world, make_round, login):
    rnd = round_in_notice(world, make_round)
    recognise(rnd, world.users["county_admin"], today=rnd.notice_end + datetime.timedelta(days=1))
    old = Assessment.objects.get(round=rnd, org_unit=world.village)
    newer = make_round(name="2024年第一次动态评星", kind="interim", previous=rnd)
    Round.objects.filter(pk=newer.pk).update(period_start=rnd.period_start + datetime.timedelta(days=1))
    rows = login(world.users["village_cadre"]).get("/rating/my/").context["rows"]
    assert [r.round_id for r in rows] == [newer.pk] and old.pk not in [r.pk for r in rows]


def test_closed_village_sees_why_on_its_pages(world, make_round, login):
    rnd = make_round()
    close_overdue(rnd, None, today=rnd.self_deadline + datetime.timedelta(days=1))
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    client = login(world.users["village_cadre"])
    assert "未按期完成" in client.get("/rating/my/").content.decode()
    page = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    assert 'data-stage="expired"' in page and "撤销截止处理" in page


def test_round_page_closes_overdue_branches_of_the_town_admins_town(world, make_round, login):
    rnd = make_round()
    client = login(world.users["town_admin"])
    page = client.get(f"/rating/rounds/{rnd.pk}/").content.decode()
    assert 'data-testid="close-not-yet"' in page and 'data-testid="close-overdue"' not in page
    assert client.post(f"/rating/rounds/{rnd.pk}/close-overdue/", follow=True).content.decode().count("之后方可作截止处理") >= 1

    rnd = _past_self_deadline(rnd)
    page = client.get(f"/rating/rounds/{rnd.pk}/").content.decode()
    assert 'data-testid="close-overdue"' in page and '<span data-testid="overdue-count">3</span>' in page
    page = client.post(f"/rating/rounds/{rnd.pk}/close-overdue/", follow=True).content.decode()
    assert "已截止处理 3 个" in page and '<span data-testid="closed-count">3</span>' in page
    assert Assessment.objects.filter(round=rnd, status=Status.EXPIRED).count() == 3
    town_row = client.get(f"/rating/rounds/{rnd.pk}/").context["unit_rows"][0]
    assert {"status": "expired", "label": "未按期完成", "n": 3} in town_row["cells"]
    # A rerun closes nothing more; a 督导员 (no round management) gets no button and is refused.
    assert "没有逾期未完成的申报" in client.post(f"/rating/rounds/{rnd.pk}/close-overdue/", follow=True).content.decode()
    supervisor = login(world.users["supervisor"])
    assert 'data-testid="close-overdue"' not in supervisor.get(f"/rating/rounds/{rnd.pk}/").content.decode()
    assert "无权" in supervisor.post(f"/rating/rounds/{rnd.pk}/close-overdue/", follow=True).content.decode()


def test_review_page_offers_the_reversal_to_the_county_only(world, make_round, login):
    rnd = make_round()
    close_overdue(rnd, None, today=rnd.self_deadline + datetime.timedelta(days=1))
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    town = login(world.users["town_admin"])
    page = town.get(f"/rating/assessments/{a.pk}/review/").content.decode()
    assert 'data-testid="closure-panel"' in page and 'data-testid="restore-county-only"' in page and 'data-testid="restore-form"' not in page
    page = town.post(f"/rating/assessments/{a.pk}/restore/", {"reason": "镇里想延期"}, follow=True).content.decode()
    assert "只有县级审核人员才能撤销截止处理" in page
    assert Assessment.objects.get(pk=a.pk).status == Status.EXPIRED

    county = login(world.users["county_admin"])
    page = county.get(f"/rating/assessments/{a.pk}/review/").content.decode()
    assert 'data-testid="restore-form"' in page and "村级自评截止" in page
    page = county.post(f"/rating/assessments/{a.pk}/restore/", {"reason": "", "until": ""}, follow=True).content.decode()
    assert "须填写理由" in page
    page = county.post(f"/rating/assessments/{a.pk}/restore/", {"reason": "x", "until": "2026-13-45"}, follow=True).content.decode()
    assert "格式应为" in page
    until = (TODAY + datetime.timedelta(days=10)).isoformat()
    page = county.post(f"/rating/assessments/{a.pk}/restore/", {"reason": "书记住院，同意延期", "until": until}, follow=True).content.decode()
    assert "已撤销截止处理" in page and 'data-testid="closure-restored"' in page
    a.refresh_from_db()
    assert a.status == Status.NOT_STARTED and a.deadline_override.isoformat() == until
    history = county.get("/history/").content.decode()
    assert "截止处理" in history and "撤销截止处理" in history and "书记住院，同意延期" in history


def _api(user, api_token):
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}

    def call(method, url, payload=None):
        if method == "get":
            return client.get(url, **headers)
        return client.post(url, data=json.dumps(payload or {}), content_type="application/json", **headers)

    return call


def test_api_close_and_restore(world, make_round, api_token):
    rnd = _past_self_deadline(make_round())
    town = _api(world.users["town_admin"], api_token)
    response = town("get", f"/api/v1/rounds/{rnd.pk}/deadlines")
    assert response.status_code == 200 and response.json()["overdue"] == 3 and response.json()["expired_outcome"] == "keep"
    response = town("post", f"/api/v1/rounds/{rnd.pk}/close-overdue")
    assert response.status_code == 200 and response.json() == {"closed": 3}
    assert town("post", f"/api/v1/rounds/{rnd.pk}/close-overdue").json() == {"closed": 0}
    assert _api(world.users["supervisor"], api_token)("post", f"/api/v1/rounds/{rnd.pk}/close-overdue").status_code == 403
    assert town("post", "/api/v1/rounds/999999/close-overdue").status_code == 404

    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    assert town("post", f"/api/v1/assessments/{a.pk}/restore", {"reason": "镇里想延期"}).status_code == 403
    county = _api(world.users["county_admin"], api_token)
    assert county("post", f"/api/v1/assessments/{a.pk}/restore", {"reason": ""}).status_code == 422
    far = Assessment.objects.get(round=rnd, org_unit=world.other_village)
    assert county("post", f"/api/v1/assessments/{far.pk}/restore", {"reason": "不是未按期完成"}).status_code == 400
    response = county("post", f"/api/v1/assessments/{a.pk}/restore", {"reason": "系统故障", "until": (TODAY + datetime.timedelta(days=3)).isoformat()})
    assert response.status_code == 200 and response.json()["status"] == "not_started"
    assert county("post", f"/api/v1/assessments/{a.pk}/restore", {"reason": "again"}).status_code == 400


def test_deadlines_page_closes_early_with_a_reason_for_the_county_only(world, make_round, login):
    rnd = make_round()  # every deadline ahead
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    url = f"/rating/rounds/{rnd.pk}/deadlines/"
    town = login(world.users["town_admin"])
    page = town.get(url).content.decode()
    assert 'data-testid="deadlines-rules"' in page and 'data-testid="early-form"' not in page and 'data-testid="close-overdue"' not in page
    assert "只有县级审核人员" in town.post(f"/rating/rounds/{rnd.pk}/close-early/", {"ids": [a.pk], "reason": "村里申请本期不参评"}, follow=True).content.decode()
    assert 'data-testid="deadlines-link"' in town.get(f"/rating/rounds/{rnd.pk}/").content.decode()

    county = login(world.users["county_admin"])
    page = county.get(url).content.decode()
    assert 'data-testid="early-form"' in page and f'data-testid="early-{world.village.code}"' in page
    assert f'data-testid="early-{world.far_village.code}"' not in page  # another county: not in this round
    page = county.get(f"{url}?town={world.other_town.code}").content.decode()  # the town filter
    assert f'data-testid="early-{world.other_village.code}"' in page and f'data-testid="early-{world.village.code}"' not in page
    assert county.get(f"{url}?town=<script>").status_code == 200

    response = county.post(f"/rating/rounds/{rnd.pk}/close-early/", {"ids": [a.pk], "reason": "短", "from": "deadlines"}, follow=True)
    assert "至少 5 个字" in response.content.decode() and Assessment.objects.get(pk=a.pk).status == Status.NOT_STARTED
    assert "请先勾选" in county.post(f"/rating/rounds/{rnd.pk}/close-early/", {"ids": ["abc"], "reason": "村里申请本期不参评"}, follow=True).content.decode()
    response = county.post(f"/rating/rounds/{rnd.pk}/close-early/",
                           {"ids": [a.pk, "999999999999999999999"], "reason": "该村已书面申请本期不参评", "from": "deadlines", "town": world.town.code})
    assert response.status_code == 302 and response["Location"] == f"{url}?town={world.town.code}"
    page = county.get(response["Location"]).content.decode()
    assert "已提前截止处理 1 个申报" in page and "另有 1 个申报" in page
    assert f'data-testid="closed-{world.village.code}"' in page and "该村已书面申请本期不参评" in page
    assert f'data-testid="early-{world.village.code}"' not in page
    assert "所选申报的状态已变化" in county.post(f"/rating/rounds/{rnd.pk}/close-early/", {"ids": [a.pk], "reason": "该村已书面申请本期不参评"},
                                             follow=True).content.decode()
    # The village's people see the closure on the page too; a supervisor sees it, without any form.
    supervisor = login(world.users["supervisor"]).get(url).content.decode()
    assert f'data-testid="closed-{world.village.code}"' in supervisor and "<form" not in supervisor.split('data-testid="deadlines-title"')[1]
    assert login(world.users["county_admin"]).get("/rating/rounds/999999/deadlines/").status_code == 404


def test_deadlines_page_is_out_of_reach_of_other_counties(world, make_round, login):
    from tests.factories import user_with_role

    rnd = make_round()
    other = user_with_role("qingfeng", "county_admin", world.other_county)
    client = login(other)
    assert client.get(f"/rating/rounds/{rnd.pk}/deadlines/").status_code == 404
    a = Assessment.objects.get(round=rnd, org_unit=world.village)
    assert client.post(f"/rating/rounds/{rnd.pk}/close-early/", {"ids": [a.pk], "reason": "该村已书面申请本期不参评"}).status_code == 404
    assert Assessment.objects.get(pk=a.pk).status == Status.NOT_STARTED


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow_and_close(world, rnd, start, stop):
    from fivestar.orgs.models import Level, OrgUnit
    from fivestar.rating.services import populate_round
    from fivestar.rating.services.deadlines import close_early

    for i in range(start, stop):
        OrgUnit.objects.create(code=f"410928103{300 + i}", name=f"测试{i}村委会", level=Level.VILLAGE, parent=world.town)
    populate_round(rnd.pk)
    new = list(Assessment.objects.filter(round=rnd, status=Status.NOT_STARTED, org_unit__code__startswith="4109281033").values_list("pk", flat=True))
    close_early(rnd, world.users["county_admin"], new[::2], "该村已书面申请本期不参评")


@pytest.mark.parametrize("path", ["/rating/rounds/{pk}/deadlines/", "/rating/rounds/{pk}/"])
def test_deadline_pages_answer_with_a_constant_number_of_queries(world, make_round, login, path):
    rnd = make_round()
    client = login(world.users["county_admin"])
    url = path.format(pk=rnd.pk)
    _grow_and_close(world, rnd, 0, 3)
    few = _count(client, url)
    _grow_and_close(world, rnd, 3, 40)
    assert Assessment.objects.filter(round=rnd, status=Status.EXPIRED).count() > 15
    many = _count(client, url)
    assert many <= few, f"{url}: {few} queries with few rows, {many} with many"
