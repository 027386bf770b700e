"""Ledger tasks and commitments over the API per role: scoped lists and ids (404), steps with their authority (403),
refusals (400), stale versions (409), field errors (422), files (hostile ones refused), queries not growing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from fivestar.planning.models import Commitment, LedgerTask, TaskEvent
from fivestar.supervision.tests.api_helpers import Caller, chinese_error

from .conftest import days, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(plan):
    w, year = plan.world, timezone.localdate().year
    return {"village": plan.task(title="发展村集体经济项目", year=year),
            "sibling": plan.task(village=w.sibling, title="庆南村道路硬化", year=year, star_code="wmxf"),
            "other": plan.task(village=w.other_village, user=plan.county_admin, title="八公桥村档案整理", year=year)}


def ids(response) -> set:
    assert response.status_code == 200, response.content[:400]
    return {i["id"] for i in response.json()["items"]}


def test_each_role_lists_its_tasks(plan, tasks):
    w = plan.world
    assert ids(Caller(plan.secretary_user).get("/planning/tasks")) == {tasks["village"].pk}
    assert ids(Caller(plan.town_admin).get("/planning/tasks")) == {tasks["village"].pk, tasks["sibling"].pk}
    assert ids(Caller(plan.county_admin).get("/planning/tasks")) == {t.pk for t in tasks.values()}
    assert ids(Caller(plan.observer).get("/planning/tasks", {"unit": w.other_town.code})) == {tasks["other"].pk}
    assert ids(Caller(plan.area_user).get("/planning/tasks")) == {tasks["village"].pk}
    chinese_error(Caller(plan.secretary_user).get("/planning/tasks", {"unit": w.sibling.code}), 404)
    chinese_error(Caller(plan.town_admin).get("/planning/tasks", {"unit": w.far_village.code}), 404)
    chinese_error(Caller(plan.town_admin).get("/planning/tasks", {"area": 999999}), 404)
    chinese_error(Caller(plan.town_admin).get(f"/planning/tasks/{tasks['other'].pk}"), 404)
    chinese_error(Caller(plan.town_admin).get("/planning/tasks/99999999999999999999"), 404)
    chinese_error(Caller(plan.town_admin).get("/planning/tasks", {"status": "bogus"}), 422)


def test_filters_page_and_export_link(plan, tasks):
    caller = Caller(plan.town_admin)
    data = caller.get("/planning/tasks", {"star": "wmxf"}).json()
    assert data["count"] == 1 and data["items"][0]["village"] == {"code": plan.world.sibling.code, "name": "庆南村"}
    assert data["items"][0]["status_name"] == "未开始" and data["items"][0]["town"] == "庆祖镇"
    assert data["export"] == "/api/v1/planning/tasks/export.xlsx?star=wmxf"
    page = caller.get("/planning/tasks", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    response = caller.get("/planning/tasks/export.xlsx", {"star": "wmxf"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)["创建台账"].iter_rows(values_only=True))
    assert [r[4] for r in rows[2:]] == ["庆南村道路硬化"]
    LedgerTask.objects.filter(pk=tasks["village"].pk).update(deadline=timezone.localdate() - days(1))
    late = caller.get("/planning/tasks", {"overdue": True}).json()
    assert [i["id"] for i in late["items"]] == [tasks["village"].pk] and late["items"][0]["overdue"] is True


def test_list_queries_do_not_grow(plan, tasks):
    caller = Caller(plan.town_admin)
    caller.get("/planning/tasks")
    with CaptureQueriesContext(connection) as few:
        caller.get("/planning/tasks")
    for i in range(6):
        plan.task(title=f"任务{i}", year=timezone.localdate().year)
    with CaptureQueriesContext(connection) as many:
        assert len(ids(caller.get("/planning/tasks"))) == 8
    assert len(many) == len(few)


def test_create_task(plan):
    w, year = plan.world, timezone.localdate().year
    caller = Caller(plan.town_admin)
    body = {"village": w.village.code, "year": year, "star_code": "cyxw", "title": "建设村级光伏电站",
            "deadline": (timezone.localdate() + days(20)).isoformat()}
    response = caller.post("/planning/tasks", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["responsible"]["name"] == "李包村" and data["events"][0]["action"] == "create" and data["can_manage"]
    chinese_error(caller.post("/planning/tasks", dict(body, star_code="nope")), 400)
    chinese_error(caller.post("/planning/tasks", dict(body, deadline="2001-01-01")), 400)
    chinese_error(caller.post("/planning/tasks", dict(body, title="   ")), 422)
    assert chinese_error(caller.post("/planning/tasks", dict(body, responsible=999999)), 422)["errors"][0]["field"] == "responsible"
    chinese_error(caller.post("/planning/tasks", dict(body, village=w.far_village.code)), 404)
    chinese_error(Caller(plan.secretary_user).post("/planning/tasks", body), 403)
    chinese_error(Caller(plan.observer).post("/planning/tasks", body), 403)
    assert LedgerTask.objects.count() == 1


def test_status_steps_per_role(plan, tasks):
    task = tasks["village"]
    cadre = Caller(plan.secretary_user)
    response = cadre.post(f"/planning/tasks/{task.pk}/status", {"status": "doing", "version": task.version})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "doing"
    chinese_error(cadre.post(f"/planning/tasks/{task.pk}/status", {"status": "done", "version": task.version}), 409)
    chinese_error(cadre.post(f"/planning/tasks/{task.pk}/status", {"status": "cancelled", "reason": "不做了"}), 400)
    chinese_error(cadre.post(f"/planning/tasks/{task.pk}/status", {"status": "nope"}), 422)
    chinese_error(Caller(plan.observer).post(f"/planning/tasks/{task.pk}/status", {"status": "done"}), 403)
    chinese_error(Caller(plan.sibling_cadre).post(f"/planning/tasks/{task.pk}/status", {"status": "done"}), 404)
    done = cadre.post(f"/planning/tasks/{task.pk}/status", {"status": "done"}).json()
    assert done["status"] == "done" and done["completed_on"] == timezone.localdate().isoformat()
    assert [e["to_status"] for e in done["events"] if e["action"] == "status"] == ["doing", "done"]
    chinese_error(Caller(plan.town_admin).post(f"/planning/tasks/{task.pk}/status", {"status": "doing"}), 400)  # reason needed


def test_evidence_upload(plan, tasks):
    task = tasks["village"]
    cadre = Caller(plan.secretary_user)
    response = cadre.upload(f"/planning/tasks/{task.pk}/evidence", {"files": [png(), png(color=(1, 2, 3), name="b.png")]})
    assert response.status_code == 201, response.content
    assert [r["ok"] for r in response.json()["results"]] == [True, True]
    assert task.evidence.count() == 2
    assert TaskEvent.objects.filter(task=task, action="evidence").count() == 2
    hostile = SimpleUploadedFile("x.png", b"MZ\x90\x00" + b"\x00" * 100, content_type="image/png")
    chinese_error(cadre.upload(f"/planning/tasks/{task.pk}/evidence", {"files": [hostile]}), 422)
    chinese_error(Caller(plan.observer).upload(f"/planning/tasks/{task.pk}/evidence", {"files": [png()]}), 403)
    chinese_error(cadre.upload(f"/planning/tasks/{tasks['sibling'].pk}/evidence", {"files": [png()]}), 404)


def test_gap_tasks_needs_a_target(plan):
    w = plan.world
    chinese_error(Caller(plan.town_admin).post(f"/planning/villages/{w.village.code}/gap-tasks", {"year": 2025}), 400)
    chinese_error(Caller(plan.secretary_user).post(f"/planning/villages/{w.village.code}/gap-tasks", {"year": 2025}), 403)
    chinese_error(Caller(plan.town_admin).post(f"/planning/villages/{w.far_village.code}/gap-tasks", {"year": 2025}), 404)


def test_commitments_post_result_grade(plan, tasks):
    w = plan.world
    month = timezone.localdate().strftime("%Y-%m")
    cadre = Caller(plan.secretary_user)
    body = {"village": w.village.code, "month": month, "person": plan.secretary.pk, "content": "完成村内道路亮化",
            "task": tasks["village"].pk}
    response = cadre.post("/planning/commitments", body)
    assert response.status_code == 201, response.content
    c = response.json()
    assert c["month"] == month and c["person"]["name"] == "王书记" and c["star_code"] == "cyxw"
    chinese_error(cadre.post("/planning/commitments", dict(body, month="2001-01")), 400)
    chinese_error(cadre.post("/planning/commitments", dict(body, month="2025-1")), 422)
    chinese_error(cadre.post("/planning/commitments", dict(body, task=tasks["sibling"].pk)), 422)
    chinese_error(cadre.post("/planning/commitments", dict(body, village=w.sibling.code)), 404)
    chinese_error(Caller(plan.observer).post("/planning/commitments", body), 403)
    chinese_error(Caller(plan.town_admin).post(f"/planning/commitments/{c['id']}/grade", {"grade": "优秀"}), 400)  # no result yet
    evidence = plan.evidence()
    out = cadre.post(f"/planning/commitments/{c['id']}/result", {"result": "已安装路灯 30 盏", "evidence": [evidence.pk]})
    assert out.status_code == 200, out.content
    assert Commitment.objects.get(pk=c["id"]).result_evidence.get() == evidence
    chinese_error(cadre.post(f"/planning/commitments/{c['id']}/result", {"result": "x", "evidence": [99999]}), 422)
    chinese_error(cadre.post(f"/planning/commitments/{c['id']}/grade", {"grade": "优秀"}), 403)
    chinese_error(Caller(plan.town_admin).post(f"/planning/commitments/{c['id']}/grade", {"grade": "满分"}), 400)
    graded = Caller(plan.town_admin).post(f"/planning/commitments/{c['id']}/grade", {"grade": "优秀", "comment": "落实到位"})
    assert graded.status_code == 200 and graded.json()["grade"] == "优秀"
    chinese_error(cadre.post(f"/planning/commitments/{c['id']}/result", {"result": "改一下"}), 400)
    listed = Caller(plan.town_admin).get("/planning/commitments", {"month": month}).json()
    assert listed["count"] == 1 and listed["items"][0]["town_comment"] == "落实到位"
    assert Caller(plan.sibling_cadre).get("/planning/commitments").json()["count"] == 0
    chinese_error(Caller(plan.sibling_cadre).post(f"/planning/commitments/{c['id']}/result", {"result": "x"}), 404)
    chinese_error(Caller(plan.town_admin).get("/planning/commitments", {"unit": w.far_village.code}), 404)
    chinese_error(Caller(plan.town_admin).get("/planning/commitments", {"month": "2025-13"}), 422)


def test_junk_never_500(plan, tasks):
    caller = Caller(plan.town_admin)
    for path in ("/planning/tasks", "/planning/commitments", "/planning/targets", "/planning/letters"):
        for query in ({"unit": "\x00\u202e"}, {"limit": "-1"}, {"offset": "9" * 40}, {"year": "abc"}, {"q": "x" * 500}):
            response = caller.get(path, query)
            assert response.status_code < 500 and response.status_code in (200, 404, 422), (path, query, response.status_code)
    for path in ("/planning/tasks", "/planning/commitments", "/planning/targets"):
        for raw in ("{", "null", "[1,", "\"x\""):
            response = caller.raw("post" if path != "/planning/targets" else "put", path, raw)
            assert response.status_code in (400, 422), (path, raw, response.status_code)
    assert caller.post(f"/planning/tasks/{tasks['village'].pk}/status",
                       {"status": "done", "completed_on": "2999-01-01"}).status_code == 400
    assert caller.post(f"/planning/tasks/{tasks['village'].pk}/status", {"status": "done", "version": 10**30}).status_code == 422


def test_invisible_characters_are_cleaned_from_api_text(plan):
    """The API's shared parser cleans this app's bodies too: a NUL (refused by PostgreSQL), a right-to-left
    override and a zero-width space never reach a task."""
    w, year = plan.world, timezone.localdate().year
    response = Caller(plan.town_admin).post("/planning/tasks", {
        "village": w.village.code, "year": year, "star_code": "cyxw", "title": "建设\u200b光伏\x00电站\u202e",
        "deadline": (timezone.localdate() + days(20)).isoformat(), "description": "\u2066说明\u2069"})
    assert response.status_code == 201, response.content
    task = LedgerTask.objects.get()
    assert (task.title, task.description) == ("建设光伏电站", "说明")
