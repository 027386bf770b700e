"""Problems over the API per role: scoping of the list and of every id, the whole loop through the steps, the
refusals with their Chinese reasons, and files (hostile ones refused)."""

import datetime
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from fivestar.core.roles import Role
from fivestar.supervision.models import Problem, ProblemEvent, Rectification

from .api_helpers import Caller, chinese_error
from .conftest import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def problems(sup):
    w = sup.world
    return {
        "village": sup.problem(description="村内垃圾堆放未清理", team=sup.team),
        "sibling": sup.problem(village=w.sibling, description="庆南村道路坑洼", severity="serious"),
        "other": sup.problem(user=sup.county_supervisor, village=w.other_village, description="八公桥村档案不全"),
    }


def _ids(response):
    assert response.status_code == 200, response.content[:400]
    return {item["id"] for item in response.json()["items"]}


def test_each_role_lists_only_its_problems(sup, problems):
    w = sup.world
    assert _ids(Caller(sup.secretary_user).get("/supervision/problems")) == {problems["village"].pk}
    assert _ids(Caller(sup.town_admin).get("/supervision/problems")) == {problems["village"].pk, problems["sibling"].pk}
    assert _ids(Caller(w.users[Role.COUNTY_ADMIN]).get("/supervision/problems")) == {p.pk for p in problems.values()}
    assert _ids(Caller(sup.observer).get("/supervision/problems")) == {p.pk for p in problems.values()}
    assert _ids(Caller(sup.other_town_supervisor).get("/supervision/problems")) == {problems["other"].pk}
    # a team: only the problems of its villages it found
    assert _ids(Caller(sup.supervisor).get("/supervision/problems", {"team": sup.team.pk})) == {problems["village"].pk}
    # out of scope: 404, never an empty list that says the unit exists
    chinese_error(Caller(sup.secretary_user).get("/supervision/problems", {"unit": w.sibling.code}), 404)
    chinese_error(Caller(sup.secretary_user).get("/supervision/problems", {"team": sup.team.pk}), 404)
    chinese_error(Caller(sup.town_admin).get("/supervision/problems", {"unit": w.far_village.code}), 404)
    chinese_error(Caller(sup.town_admin).get("/supervision/problems", {"area": 999999}), 404)


def test_list_filters_count_and_ledger_link(sup, problems):
    caller = Caller(sup.town_admin)
    data = caller.get("/supervision/problems", {"severity": "serious"}).json()
    assert data["count"] == 1 and data["items"][0]["village"] == {"code": sup.world.sibling.code, "name": "庆南村"}
    assert data["items"][0]["status_name"] == "待整改" and data["items"][0]["town"] == "庆祖镇"
    assert data["ledger"] == "/api/v1/supervision/problems/ledger.xlsx?severity=serious"
    assert _ids(caller.get("/supervision/problems", {"q": "坑洼"})) == {problems["sibling"].pk}
    assert _ids(caller.get("/supervision/problems", {"status": "closed"})) == set()
    assert _ids(caller.get("/supervision/problems", {"overdue": "true"})) == set()
    assert _ids(caller.get("/supervision/problems", {"start": "2000-01-01", "end": "2000-01-02"})) == set()
    page = caller.get("/supervision/problems", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    errors = chinese_error(caller.get("/supervision/problems", {"start": "2024-02-01", "end": "2024-01-01"}), 422)["errors"]
    assert errors[0]["field"] == "end"
    chinese_error(caller.get("/supervision/problems", {"status": "whatever"}), 422)
    chinese_error(caller.get("/supervision/problems", {"limit": 100000}), 422)
    chinese_error(caller.get("/supervision/problems", {"star": "nostar"}), 422)


def test_list_queries_do_not_grow_with_the_page(sup, problems):
    caller = Caller(sup.town_admin)
    caller.get("/supervision/problems")  # token touch, caches
    with CaptureQueriesContext(connection) as few:
        assert len(caller.get("/supervision/problems").json()["items"]) == 2
    today = timezone.localdate()
    Problem.objects.bulk_create([Problem(org_unit=sup.world.village, description=f"批量{i}", deadline=today, found_on=today,
                                         team=sup.team, responsible=sup.secretary) for i in range(40)])
    with CaptureQueriesContext(connection) as many:
        assert len(caller.get("/supervision/problems").json()["items"]) == 42
    assert len(many.captured_queries) == len(few.captured_queries)


def test_ledger_and_notice_downloads_over_the_api(sup, problems):
    from urllib.parse import unquote

    caller = Caller(sup.town_admin)
    response = caller.get("/supervision/problems/ledger.xlsx", {"severity": "serious"})
    assert response.status_code == 200
    assert unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1]).startswith("督导问题台账-庆祖镇-")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active.iter_rows(values_only=True))
    assert [r[8] for r in rows[2:]] == ["庆南村道路坑洼"]
    response = caller.get(f"/supervision/villages/{sup.world.village.code}/notice.docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "整改通知书" in unquote(response["Content-Disposition"])
    chinese_error(Caller(sup.secretary_user).get(f"/supervision/villages/{sup.world.sibling.code}/notice.docx"), 404)
    chinese_error(Caller(sup.secretary_user).get("/supervision/problems/ledger.xlsx", {"unit": sup.world.sibling.code}), 404)


def test_detail_is_scoped(sup, problems):
    p = problems["village"]
    data = Caller(sup.secretary_user).get(f"/supervision/problems/{p.pk}").json()
    assert data["description"] == "村内垃圾堆放未清理" and data["responsible"]["name"] == "王书记"
    assert data["can_rectify"] is True and data["can_supervise"] is False
    assert [e["action"] for e in data["events"]] == ["create"] and data["events"][0]["by"] == "张督导"
    assert data["notice"] == f"/api/v1/supervision/villages/{sup.world.village.code}/notice.docx"
    for user in (sup.sibling_cadre, sup.other_town_supervisor):
        chinese_error(Caller(user).get(f"/supervision/problems/{p.pk}"), 404)
    chinese_error(Caller(sup.town_admin).get(f"/supervision/problems/{problems['other'].pk}"), 404)
    chinese_error(Caller(sup.town_admin).get("/supervision/problems/99999999999999999999999"), 404)


def _upload(caller, problem, purpose, *files):
    return caller.upload(f"/supervision/problems/{problem.pk}/evidence", {"purpose": purpose, "files": list(files)})


def test_the_whole_loop_through_the_api(sup):
    inspector, secretary = Caller(sup.supervisor), Caller(sup.secretary_user)
    uid = str(uuid.uuid4())
    body = {"village": sup.world.village.code, "description": "公示栏内容过期", "severity": "general", "team": sup.team.pk,
            "client_uid": uid}
    created = inspector.post("/supervision/problems", body)
    assert created.status_code == 201, created.content
    problem = Problem.objects.get(pk=created.json()["id"])
    assert created.json()["status"] == "pending" and created.json()["team"]["name"] == "第一督导组"
    again = inspector.post("/supervision/problems", body)  # a retry: the same problem
    assert again.status_code == 200 and again.json()["id"] == problem.pk and Problem.objects.count() == 1

    photo = _upload(inspector, problem, "problem", png((10, 20, 30), name="现场.png"))
    assert photo.status_code == 201 and photo.json()["results"][0]["ok"]
    assert [e["name"] for e in inspector.get(f"/supervision/problems/{problem.pk}").json()["photos"]] == ["现场.png"]

    evidence = _upload(secretary, problem, "rectification", png((1, 2, 3), name="整改后.png"))
    evidence_id = evidence.json()["results"][0]["evidence"]["id"]
    assert secretary.post(f"/supervision/problems/{problem.pk}/start", {"note": "马上整改"}).json()["status"] == "rectifying"
    submitted = secretary.post(f"/supervision/problems/{problem.pk}/rectify", {"measures": "已更新公示内容", "evidence": [evidence_id]})
    assert submitted.status_code == 200 and submitted.json()["status"] == "checking"
    rejected = inspector.post(f"/supervision/problems/{problem.pk}/reject", {"comment": "照片看不清"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rectifying"
    assert secretary.post(f"/supervision/problems/{problem.pk}/rectify", {"measures": "重新拍照上传"}).json()["status"] == "checking"
    version = inspector.get(f"/supervision/problems/{problem.pk}").json()["version"]
    accepted = inspector.post(f"/supervision/problems/{problem.pk}/accept", {"comment": "整改到位", "version": version})
    assert accepted.status_code == 200, accepted.content
    data = accepted.json()
    assert data["status"] == "closed" and data["closed_at"] is not None
    assert [e["action"] for e in data["events"]] == ["create", "edit", "start", "submit", "reject", "submit", "accept"]
    assert [(r["outcome"], r["review_comment"]) for r in data["rectifications"]] == [("rejected", "照片看不清"), ("accepted", "整改到位")]
    assert [e["name"] for e in data["rectifications"][0]["evidence"]] == ["整改后.png"]
    assert data["events"][-1]["by"] == "张督导" and data["events"][3]["by"] == "王书记"


def test_steps_refused_with_reasons(sup, problems):
    p = problems["village"]
    secretary, inspector, observer = Caller(sup.secretary_user), Caller(sup.supervisor), Caller(sup.observer)
    assert chinese_error(inspector.post(f"/supervision/problems/{p.pk}/accept", {}), 400)["detail"] == "该问题尚未提交整改，不能销号。"
    secretary.post(f"/supervision/problems/{p.pk}/rectify", {"measures": "已清理"})
    assert chinese_error(secretary.post(f"/supervision/problems/{p.pk}/accept", {}), 403)["detail"] == "村里不能为本村的问题销号。"
    chinese_error(observer.post(f"/supervision/problems/{p.pk}/accept", {}), 403)
    chinese_error(observer.post(f"/supervision/problems/{p.pk}/start", {}), 403)
    chinese_error(inspector.post(f"/supervision/problems/{p.pk}/rectify", {"measures": "替村里整改"}), 403)
    errors = chinese_error(inspector.post(f"/supervision/problems/{p.pk}/reject", {"comment": "   "}), 422)["errors"]
    assert errors[0]["field"] == "comment"
    assert chinese_error(inspector.post(f"/supervision/problems/{p.pk}/accept", {"version": 1}), 409)["detail"].startswith("该问题已被他人修改")
    chinese_error(Caller(sup.other_town_supervisor).post(f"/supervision/problems/{p.pk}/accept", {}), 404)
    chinese_error(secretary.post(f"/supervision/problems/{problems['sibling'].pk}/start", {}), 404)
    p.refresh_from_db()
    assert p.status == "checking" and p.closed_at is None
    assert list(p.events.values_list("action", flat=True)) == ["create", "submit"]


def test_deadline_change(sup, problems):
    p = problems["village"]
    new = timezone.localdate() + datetime.timedelta(days=30)
    chinese_error(Caller(sup.secretary_user).post(f"/supervision/problems/{p.pk}/deadline", {"deadline": str(new), "reason": "延期"}), 403)
    errors = chinese_error(Caller(sup.supervisor).post(f"/supervision/problems/{p.pk}/deadline", {"deadline": "2024-02-30", "reason": "x"}), 422)
    assert errors["errors"][0]["field"] == "deadline"
    chinese_error(Caller(sup.supervisor).post(f"/supervision/problems/{p.pk}/deadline", {"deadline": "2000-01-01", "reason": "提前"}), 400)
    ok = Caller(sup.supervisor).post(f"/supervision/problems/{p.pk}/deadline", {"deadline": str(new), "reason": "需采购材料"})
    assert ok.status_code == 200 and ok.json()["deadline"] == str(new)
    assert ProblemEvent.objects.filter(problem=p, action="deadline", reason="需采购材料").exists()


def test_create_refusals(sup, problems):
    w = sup.world
    inspector = Caller(sup.supervisor)
    base = {"village": w.village.code, "description": "问题"}
    chinese_error(inspector.post("/supervision/problems", {**base, "village": w.far_village.code}), 404)
    chinese_error(Caller(sup.observer).post("/supervision/problems", base), 403)
    chinese_error(Caller(sup.secretary_user).post("/supervision/problems", base), 403)
    errors = chinese_error(inspector.post("/supervision/problems", {**base, "responsible": 123456, "photos": [999999],
                                                                     "inspection": 777, "team": 888}), 422)["errors"]
    assert {e["field"] for e in errors} == {"responsible", "photos.0", "inspection", "team"}
    errors = chinese_error(inspector.post("/supervision/problems", {**base, "star_code": "zbgy"}), 422)["errors"]
    assert errors[0]["field"] == "star_code"
    chinese_error(inspector.post("/supervision/problems", {**base, "deadline": "2000-01-01"}), 400)
    chinese_error(inspector.post("/supervision/problems", {**base, "severity": "catastrophic"}), 422)
    far_photo = sup.photo(unit=w.far_village, user=w.users[Role.SYSADMIN])
    errors = chinese_error(inspector.post("/supervision/problems", {**base, "photos": [far_photo.pk]}), 422)["errors"]
    assert errors[0]["field"] == "photos.0"
    assert Problem.objects.count() == 3


HOSTILE = [
    ("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
    ("tool.exe", b"MZ\x90\x00" + b"\x00" * 200, "application/octet-stream"),
    ("empty.png", b"", "image/png"),
    ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "image/png"),
]


@pytest.mark.parametrize("name,data,content_type", HOSTILE)
def test_hostile_uploads_refused_in_chinese(sup, problems, name, data, content_type):
    p = problems["village"]
    before = Rectification.objects.count(), p.photos.count()
    response = _upload(Caller(sup.secretary_user), p, "rectification", SimpleUploadedFile(name, data, content_type=content_type))
    errors = chinese_error(response, 422)["errors"]
    assert errors[0]["field"] == "files.0" and name in errors[0]["message"]
    assert (Rectification.objects.count(), p.photos.count()) == before


def test_upload_rules(sup, problems):
    p = problems["village"]
    secretary, inspector = Caller(sup.secretary_user), Caller(sup.supervisor)
    first = _upload(secretary, p, "rectification", png((5, 5, 5)))
    second = _upload(secretary, p, "rectification", png((5, 5, 5), name="again.png"))
    assert first.json()["results"][0]["evidence"]["id"] == second.json()["results"][0]["evidence"]["id"]  # stored once
    mixed = _upload(secretary, p, "rectification", png((6, 6, 6)), SimpleUploadedFile("x.txt", b"hello", content_type="text/plain"))
    assert mixed.status_code == 201 and [r["ok"] for r in mixed.json()["results"]] == [True, False]
    chinese_error(_upload(secretary, p, "problem", png((7, 7, 7))), 403)
    chinese_error(_upload(inspector, p, "rectification", png((7, 7, 7))), 403)
    chinese_error(_upload(Caller(sup.observer), p, "review", png((7, 7, 7))), 403)
    chinese_error(_upload(inspector, p, "anything", png((7, 7, 7))), 422)
    chinese_error(_upload(Caller(sup.other_town_supervisor), p, "problem", png((7, 7, 7))), 404)
    chinese_error(_upload(inspector, p, "review", *[png((i, 0, 0), name=f"{i}.png") for i in range(10)]), 422)
    chinese_error(inspector.upload(f"/supervision/problems/{p.pk}/evidence", {"purpose": "review"}), 422)
    assert _upload(inspector, p, "problem", png((8, 8, 8))).status_code == 201
    assert p.photos.count() == 1
