"""The rating API (/api/v1/): the whole path of the browser test (tests/browser/test_rating_whole_path_browser.py)
through the API with Bearer tokens of the demo-like roles, scoping per role, and the OpenAPI document.

A five-rule framework (one rule per star, each asking for a photo) keeps the path short: frameworks are data,
the path is the same as on the shipped ones.
"""

import datetime
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fivestar.api.models import ApiToken
from fivestar.rating.models import Assessment, Objection, Round, RoundUnitStats, StarHolding, Status
from fivestar.standards.models import FrameworkVersion
from tests.factories import user_with_role

from .images import jpeg_bytes

STARS = [("zbgy", "支部过硬星"), ("cyxw", "产业兴旺星"), ("stjy", "生态宜居星"), ("paf", "平安法治星"), ("wmxf", "文明幸福星")]
CODES = [f"{code}-01-01" for code, _ in STARS]
STAR_CODES = [code for code, _ in STARS]


def _tiny_framework():
    stars = []
    for order, (code, name) in enumerate(STARS, start=1):
        rule = {"code": f"{code}-01-01", "text": f"{name}核心指标全部达标", "kind": "check", "max": 10, "required": True,
                "evidence": {"kinds": ["photo"], "min_count": 1, "hint": "现场照片"}}
        stars.append({"code": code, "name": name, "order": order, "pass_ratio": 0.8,
                      "requires": [c for c, _ in STARS if c != "zbgy"] if code == "zbgy" else [],
                      "standards": [{"code": f"{code}-01", "name": f"{name}标准", "rules": [rule]}]})
    data = {"code": "api-2023-rural", "name": "接口测试标准", "branch_type": "rural", "version": "2023", "issuer": "测试", "stars": stars}
    return FrameworkVersion.objects.create(code=data["code"], name=data["name"], branch_type="rural", version="2023",
                                           data=data, status="published", published_at=timezone.now())


class Caller:
    """A client whose calls carry one user's Bearer token: .get/.post/.put/.delete(path, body), .upload (multipart)."""

    def __init__(self, user):
        self.client, self.headers = Client(), {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, label='test')}"}

    def get(self, path, **query):
        return self.client.get(f"/api/v1{path}", query, **self.headers)

    def post(self, path, body=None):
        return self.client.post(f"/api/v1{path}", body or {}, content_type="application/json", **self.headers)

    def put(self, path, body):
        return self.client.put(f"/api/v1{path}", body, content_type="application/json", **self.headers)

    def delete(self, path):
        return self.client.delete(f"/api/v1{path}", **self.headers)

    def upload(self, path, data):
        return self.client.post(f"/api/v1{path}", data, **self.headers)  # multipart


@pytest.fixture
def api(db):
    """api(user) → a Caller for that user."""
    return Caller


def _round_body(world, framework, **extra):
    today = datetime.date.today()
    day = lambda n: (today + datetime.timedelta(days=n)).isoformat()  # noqa: E731
    return {"name": "庆祖镇2023年度评星", "kind": "annual", "year": 2023, "scope": world.town.code, "period_start": day(-30),
            "period_end": day(30), "rural_framework": framework.pk, "self_deadline": day(5), "town_deadline": day(10),
            "county_deadline": day(15), "notice_days": 5, **extra}


@pytest.fixture
def opened(world, api, django_capture_on_commit_callbacks):
    """A round over 庆祖镇 created and opened by the county through the API."""
    county = api(world.users["county_admin"])
    created = county.post("/rounds", _round_body(world, _tiny_framework()))
    assert created.status_code == 201, created.json()
    rnd = created.json()
    assert rnd["phase"] == "draft" and rnd["can_manage"] is True
    with django_capture_on_commit_callbacks(execute=True):
        response = county.post(f"/rounds/{rnd['id']}/open")
    assert response.status_code == 202
    return Round.objects.get(pk=rnd["id"])


def _photo(seed=1):
    return SimpleUploadedFile("党群服务中心.jpg", jpeg_bytes(seed=seed, size=(64, 48)), content_type="image/jpeg")


def _others_through_review(world, rnd, town, county):
    """The town's other branches go the same way through the API, each filled in by its own secretary: every
    rule 不达标 (no evidence needed), submitted for 平安法治星, approved by the town and the county."""
    for n, unit in enumerate([world.sibling, world.community], start=1):
        secretary = Caller(user_with_role(f"secretary{n}", "village_cadre", unit))
        a = secretary.get("/assessments", round=rnd.pk).json()["items"][0]
        assert a["org_unit"] == unit.code
        saved = secretary.post(f"/assessments/{a['id']}/answers", {"values": {c: False for c in CODES}, "expected_version": a["version"]})
        assert saved.status_code == 200, saved.json()
        assert secretary.post(f"/assessments/{a['id']}/submit", {"stars": ["paf"]}).json()["status"] == Status.SUBMITTED
        assert town.post(f"/assessments/{a['id']}/review/approve", {"level": "town"}).json()["status"] == Status.TOWN_APPROVED
        assert county.post(f"/assessments/{a['id']}/review/approve", {"level": "county"}).json()["status"] == Status.COUNTY_APPROVED


@pytest.mark.django_db
def test_whole_rating_path_through_the_api(world, api, opened, client, monkeypatch):
    rnd, village = opened, world.village
    secretary, town, county = api(world.users["village_cadre"]), api(world.users["town_admin"]), api(world.users["county_admin"])

    # The round is open: progress from the pre-aggregated figures, one branch per village of the town.
    progress = county.get(f"/rounds/{rnd.pk}/progress").json()
    assert progress["phase"] == "open" and progress["open_done"] == progress["open_total"] == 3 and progress["stalled"] is False
    assert progress["total"] == 3 and {c["status"]: c["count"] for c in progress["counts"]}["not_started"] == 3

    # 1. The secretary sees only the own branch, fills every rule, is told what is missing, uploads one photo, submits.
    mine = secretary.get("/assessments", round=rnd.pk).json()
    assert mine["count"] == 1 and mine["items"][0]["org_unit"] == village.code
    a_id = mine["items"][0]["id"]
    detail = secretary.get(f"/assessments/{a_id}").json()
    assert detail["can_fill"] is True and detail["evaluation"]["rating"] == 0 and len(detail["gaps"]) == 5
    version = detail["version"]
    for code in CODES:
        saved = secretary.put(f"/assessments/{a_id}/rules/{code}", {"value": True, "expected_version": version})
        assert saved.status_code == 200, saved.json()
        version = saved.json()["version"]
    assert saved.json()["evaluation"]["rating"] == 5 and saved.json()["gaps"] == []
    incomplete = secretary.post(f"/assessments/{a_id}/submit", {"stars": STAR_CODES})
    assert incomplete.status_code == 422
    missing = incomplete.json()["missing"]
    assert {m["rule"] for m in missing} == set(CODES) and all("佐证" in m["message"] for m in missing)
    uploaded = secretary.upload(f"/assessments/{a_id}/evidence", {"files": [_photo()], "rules": CODES, "kind": "photo", "description": "现场照片"})
    assert uploaded.status_code == 201, uploaded.json()
    evidence = uploaded.json()["results"][0]["evidence"]
    assert uploaded.json()["assessment"]["evidence"] == {code: [evidence["id"]] for code in CODES}
    download = secretary.client.get(evidence["download"], **secretary.headers)
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    submitted = secretary.post(f"/assessments/{a_id}/submit", {"stars": STAR_CODES})
    assert submitted.status_code == 200 and submitted.json()["status"] == Status.SUBMITTED
    assert secretary.put(f"/assessments/{a_id}/rules/{CODES[0]}", {"value": False, "expected_version": submitted.json()["version"]}).status_code == 400

    # 2. The town returns it with a comment.
    assert town.get(f"/assessments/{a_id}").json()["acting_levels"] == ["town"]
    returned = town.post(f"/assessments/{a_id}/review/return", {"level": "town", "comment": "请补充文明幸福星的活动照片说明",
                                                                 "rule_comments": {"wmxf-01-01": "照片看不清"}})
    assert returned.status_code == 200 and returned.json()["status"] == Status.RETURNED

    # 3. The secretary sees what to fix, changes the rule and back, and resubmits.
    detail = secretary.get(f"/assessments/{a_id}").json()
    assert detail["return_comments"][0]["comment"] == "请补充文明幸福星的活动照片说明"
    assert detail["return_comments"][0]["rules"] == {"wmxf-01-01": "照片看不清"} and detail["can_fill"] is True
    version = detail["version"]
    changed = secretary.put(f"/assessments/{a_id}/rules/wmxf-01-01", {"value": False, "note": "补充说明", "expected_version": version})
    assert changed.status_code == 200 and changed.json()["evaluation"]["rating"] < 5
    fixed = secretary.post(f"/assessments/{a_id}/answers", {"values": {"wmxf-01-01": True}, "expected_version": changed.json()["version"]})
    assert fixed.status_code == 200 and fixed.json()["evaluation"]["rating"] == 5
    assert secretary.post(f"/assessments/{a_id}/submit", {"stars": STAR_CODES}).json()["status"] == Status.SUBMITTED

    # 4. The town may not approve at county level; town and county approve each at their own.
    refused = town.post(f"/assessments/{a_id}/review/approve", {"level": "county"})
    assert refused.status_code == 403 and "县级审核" in refused.json()["detail"]
    assert town.post(f"/assessments/{a_id}/review/approve", {"level": "town"}).json()["status"] == Status.TOWN_APPROVED
    approved = county.post(f"/assessments/{a_id}/review/approve", {"level": "county"})
    assert approved.status_code == 200 and approved.json()["status"] == Status.COUNTY_APPROVED and approved.json()["rating"] == 5

    # 5. The county publishes the notice (refused while branches are pending), withdraws it and publishes again.
    early = county.post(f"/rounds/{rnd.pk}/notice")
    assert early.status_code == 400 and "未完成最终审核" in early.json()["detail"]
    _others_through_review(world, rnd, town, county)
    assert county.post(f"/rounds/{rnd.pk}/notice").json()["phase"] == "notice"
    withdrawn = county.delete(f"/rounds/{rnd.pk}/notice")
    assert withdrawn.status_code == 200 and withdrawn.json()["phase"] == "open" and withdrawn.json()["notice_end"] is None
    published = county.post(f"/rounds/{rnd.pk}/notice").json()
    assert published["phase"] == "notice" and published["public_url"] == f"/public/{Round.objects.get(pk=rnd.pk).public_token}/"

    # 6. Anyone files an objection on the public page (no login).
    posted = client.post(f"{published['public_url']}towns/{world.town.code}/", {"branch": a_id, "reason": "该村党群服务中心周末不开放，请再核实。"})
    assert posted.status_code == 302

    # 7. The county lists it, dismisses it with a reason, and (the notice period over) recognises.
    listed = county.get(f"/rounds/{rnd.pk}/objections", status="open").json()
    assert listed["count"] == 1 and listed["items"][0]["org_unit"] == village.code
    objection_id = listed["items"][0]["id"]
    assert county.post(f"/rounds/{rnd.pk}/recognise").status_code == 400  # notice period running, objection open
    resolved = county.post(f"/rounds/{rnd.pk}/objections/{objection_id}/resolve",
                           {"decision": "dismiss", "resolution": "经核实，党群服务中心周末有值班人员，异议不成立。"})
    assert resolved.status_code == 200 and resolved.json()["status"] == Objection.Status.DISMISSED
    again = county.post(f"/rounds/{rnd.pk}/objections/{objection_id}/resolve", {"decision": "uphold", "resolution": "再议"})
    assert again.status_code == 400 and "已处理" in again.json()["detail"]
    later = timezone.now() + datetime.timedelta(days=6)  # the five-day notice period is over
    with monkeypatch.context() as m:
        m.setattr(timezone, "now", lambda: later)
        recognised = county.post(f"/rounds/{rnd.pk}/recognise")
    assert recognised.status_code == 200 and recognised.json()["recognised"] == 3
    assert recognised.json()["round"]["phase"] == "recognised"
    assert {c["status"]: c["count"] for c in recognised.json()["round"]["counts"]}["recognised"] == 3
    assert Assessment.objects.get(pk=a_id).status == Status.RECOGNISED

    # 8. The village's history shows the new stars.
    history = secretary.get(f"/villages/{village.code}/rating-history").json()
    assert history["rating"] == 5 and history["rating_label"] == "五星"
    assert {h["star"] for h in history["active"]} == set(STAR_CODES)
    assert history["timeline"][0]["title"] == "庆祖镇2023年度评星：认定为五星"
    assert history["results"][0]["round_id"] == rnd.pk and history["results"][0]["gained"]


@pytest.mark.django_db
def test_scoping_per_role(world, api, opened):
    rnd = opened
    own = Assessment.objects.get(round=rnd, org_unit=world.village)
    other = Assessment.objects.get(round=rnd, org_unit=world.sibling)
    secretary = api(world.users["village_cadre"])
    # A village user cannot see, fill or submit another village's assessment: 404, as if it did not exist.
    assert secretary.get(f"/assessments/{other.pk}").status_code == 404
    assert secretary.put(f"/assessments/{other.pk}/rules/{CODES[0]}", {"value": True, "expected_version": 1}).status_code == 404
    assert secretary.post(f"/assessments/{other.pk}/submit", {"stars": ["paf"]}).status_code == 404
    assert secretary.get(f"/villages/{world.sibling.code}/rating-history").status_code == 404
    assert secretary.get("/assessments", round=rnd.pk).json()["count"] == 1
    assert secretary.get(f"/assessments/{2**63}").status_code in (404, 422)
    # Lists narrow to the user's units; the town sees its three branches, filters by town/status/q.
    town = api(world.users["town_admin"])
    assert town.get("/assessments", round=rnd.pk).json()["count"] == 3
    assert town.get("/assessments", round=rnd.pk, town=world.other_town.code).json()["count"] == 0
    assert town.get("/assessments", round=rnd.pk, q="西辛庄").json()["items"][0]["id"] == own.pk
    assert town.get("/assessments", round=rnd.pk, status="submitted").json()["count"] == 0
    page = town.get("/assessments", round=rnd.pk, limit=2, offset=2).json()
    assert page["count"] == 3 and len(page["items"]) == 1
    # Read-only roles see but cannot fill; the village cannot create, open or publish rounds.
    observer = api(world.users["observer"])
    assert observer.get(f"/assessments/{own.pk}").json()["can_fill"] is False
    assert observer.put(f"/assessments/{own.pk}/rules/{CODES[0]}", {"value": True, "expected_version": own.version}).status_code == 403
    assert secretary.post("/rounds", _round_body(world, FrameworkVersion.objects.get(code="api-2023-rural"))).status_code == 403
    assert secretary.post(f"/rounds/{rnd.pk}/notice").status_code == 403
    assert secretary.post(f"/rounds/{rnd.pk}/recognise").status_code == 403
    assert secretary.get(f"/rounds/{rnd.pk}").json()["can_manage"] is False  # the village sees its town's round
    assert town.post(f"/rounds/{rnd.pk}/recognise").status_code == 400  # the town manages it; not under notice yet
    # A round over another county is not visible at all.
    far = api(world.users["county_admin"]).post("/rounds", _round_body(world, FrameworkVersion.objects.get(code="api-2023-rural"),
                                                                        scope=world.county.code, name="濮阳县评星")).json()
    assert api(world.users["sysadmin"]).get(f"/rounds/{far['id']}").status_code == 200
    assert town.get(f"/rounds/{far['id']}").status_code == 200  # a county round contains the town
    outsider = api(user_with_role("farcounty", "county_admin", world.other_county))
    assert outsider.get(f"/rounds/{far['id']}").status_code == 404
    assert outsider.get(f"/assessments/{own.pk}").status_code == 404
    # The town admin cannot open a round over the county (not in its scope): named on the scope field.
    made = town.post("/rounds", _round_body(world, FrameworkVersion.objects.get(code="api-2023-rural"), scope=world.county.code))
    assert made.status_code == 422 and made.json()["errors"][0]["field"] == "scope"


@pytest.mark.django_db
def test_answers_conflict_per_rule_and_values_are_checked(world, api, opened):
    a = Assessment.objects.get(round=opened, org_unit=world.village)
    phone, laptop = api(world.users["village_cadre"]), api(world.users["village_liaison"])
    start = a.version
    # Two devices from the same version, different rules: both saved.
    assert phone.put(f"/assessments/{a.pk}/rules/{CODES[0]}", {"value": True, "expected_version": start}).status_code == 200
    assert laptop.put(f"/assessments/{a.pk}/rules/{CODES[1]}", {"value": True, "expected_version": start}).status_code == 200
    # The same rule from the old version: 409 with the change that conflicts.
    clash = laptop.put(f"/assessments/{a.pk}/rules/{CODES[0]}", {"value": False, "expected_version": start})
    assert clash.status_code == 409 and clash.json()["changes"][-1]["rule"] == CODES[0]
    assert clash.json()["current_version"] == start + 2
    # Unknown rules and wrong types are 422 naming the field; nothing is saved.
    bad = phone.post(f"/assessments/{a.pk}/answers", {"values": {"nope-01": True, CODES[2]: "很好"}, "expected_version": start + 2})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"values.nope-01", f"values.{CODES[2]}"}
    assert Assessment.objects.get(pk=a.pk).version == start + 2
    assert phone.put(f"/assessments/{a.pk}/rules/{CODES[2]}", {"expected_version": start}).status_code == 422
    # 不适用 only where the standard allows it; detaching evidence that is not attached is 404.
    na = phone.put(f"/assessments/{a.pk}/rules/{CODES[3]}", {"not_applicable": "本村无此项", "expected_version": start + 2})
    assert na.status_code == 422 and na.json()["errors"][0]["field"] == f"not_applicable.{CODES[3]}"
    assert phone.delete(f"/assessments/{a.pk}/rules/{CODES[0]}/evidence/999").status_code == 404
    # A file whose content is not an allowed type is refused by content, in Chinese.
    fake = SimpleUploadedFile("照片.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    refused = phone.upload(f"/assessments/{a.pk}/evidence", {"files": [fake], "rules": [CODES[0]]})
    assert refused.status_code == 422 and "类型" in refused.json()["errors"][0]["message"]


@pytest.mark.django_db
def test_confirm_carried_and_attach_existing_evidence(world, api, opened, django_capture_on_commit_callbacks):
    """A second round carries the first one's answers forward to confirm; evidence uploaded once is reused."""
    secretary = api(world.users["village_cadre"])
    a = Assessment.objects.get(round=opened, org_unit=world.village)
    saved = secretary.post(f"/assessments/{a.pk}/answers", {"values": {c: True for c in CODES}, "expected_version": a.version})
    assert saved.status_code == 200
    up = secretary.upload(f"/assessments/{a.pk}/evidence", {"files": [_photo(3)], "rules": [CODES[0]]}).json()
    evidence_id = up["results"][0]["evidence"]["id"]
    attached = secretary.post(f"/assessments/{a.pk}/evidence/attach", {"evidence": [evidence_id], "rules": CODES[1:]})
    assert attached.status_code == 200 and all(attached.json()["evidence"][c] == [evidence_id] for c in CODES)
    detached = secretary.delete(f"/assessments/{a.pk}/rules/{CODES[4]}/evidence/{evidence_id}")
    assert detached.status_code == 200 and CODES[4] not in detached.json()["evidence"]
    assert secretary.post(f"/assessments/{a.pk}/evidence/attach", {"evidence": [evidence_id + 100], "rules": [CODES[0]]}).status_code == 422
    # The carried-forward answers of a later round wait for confirmation.
    county = api(world.users["county_admin"])
    body = _round_body(world, FrameworkVersion.objects.get(code="api-2023-rural"), name="2024年第一次动态评星", kind="interim",
                       previous=opened.pk)
    Round.objects.filter(pk=opened.pk).update(phase=Round.Phase.RECOGNISED)
    second = county.post("/rounds", body).json()
    with django_capture_on_commit_callbacks(execute=True):
        county.post(f"/rounds/{second['id']}/open")
    b = Assessment.objects.get(round_id=second["id"], org_unit=world.village)
    detail = secretary.get(f"/assessments/{b.pk}").json()
    assert sorted(detail["to_confirm"]) == sorted(CODES)
    assert secretary.post(f"/assessments/{b.pk}/confirm", {"rules": ["nope-01"]}).status_code == 422
    confirmed = secretary.post(f"/assessments/{b.pk}/confirm", {"rules": CODES[:2]})
    assert confirmed.status_code == 200 and sorted(confirmed.json()["to_confirm"]) == sorted(CODES[2:])


@pytest.mark.django_db
def test_round_list_detail_and_progress_read_the_town_figures(world, api, opened, django_assert_max_num_queries):
    county = api(world.users["county_admin"])
    listed = county.get("/rounds", phase="open").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == opened.pk and listed["items"][0]["total"] == 3
    assert county.get("/rounds", phase="draft").json()["count"] == 0
    # The counts come from the kept figures (RoundUnitStats), never from a sum over the villages per request.
    RoundUnitStats.objects.filter(round=opened).update(by_status={"not_started": 2, "submitted": 7}, total=9)
    progress = county.get(f"/rounds/{opened.pk}/progress").json()
    assert progress["total"] == 9 and {c["status"]: c["count"] for c in progress["counts"]}["submitted"] == 7
    detail = county.get(f"/rounds/{opened.pk}").json()
    assert detail["levels"] == ["town", "county"] and detail["level_names"] == ["镇级初审", "县级审核"] and detail["total"] == 9
    assert county.post(f"/rounds/{opened.pk}/open").status_code == 400  # already open
    assert county.post(f"/rounds/{opened.pk}/resume").status_code == 400
    assert county.get("/rounds/999999").status_code == 404
    # A stalled opening is flagged.
    Round.objects.filter(pk=opened.pk).update(phase=Round.Phase.OPENING, heartbeat_at=timezone.now() - datetime.timedelta(hours=2))
    assert county.get(f"/rounds/{opened.pk}/progress").json()["stalled"] is True


NEW_PATHS = {
    "/api/v1/rounds": {"get", "post"},
    "/api/v1/rounds/{round_id}": {"get"},
    "/api/v1/rounds/{round_id}/progress": {"get"},
    "/api/v1/rounds/{round_id}/open": {"post"},
    "/api/v1/rounds/{round_id}/resume": {"post"},
    "/api/v1/rounds/{round_id}/notice": {"post", "delete"},
    "/api/v1/rounds/{round_id}/recognise": {"post"},
    "/api/v1/rounds/{round_id}/objections": {"get"},
    "/api/v1/rounds/{round_id}/objections/dismiss": {"post"},
    "/api/v1/rounds/{round_id}/objections/{objection_id}/resolve": {"post"},
    "/api/v1/assessments": {"get"},
    "/api/v1/assessments/{assessment_id}": {"get"},
    "/api/v1/assessments/{assessment_id}/answers": {"post"},
    "/api/v1/assessments/{assessment_id}/rules/{code}": {"put"},
    "/api/v1/assessments/{assessment_id}/confirm": {"post"},
    "/api/v1/assessments/{assessment_id}/submit": {"post"},
    "/api/v1/assessments/{assessment_id}/evidence": {"post"},
    "/api/v1/assessments/{assessment_id}/evidence/attach": {"post"},
    "/api/v1/assessments/{assessment_id}/rules/{code}/evidence/{evidence_id}": {"delete"},
    "/api/v1/assessments/{assessment_id}/review/change": {"post"},
    "/api/v1/assessments/{assessment_id}/review/return": {"post"},
    "/api/v1/assessments/{assessment_id}/review/approve": {"post"},
    "/api/v1/assessments/{assessment_id}/review/reopen": {"post"},
    "/api/v1/evidence/{evidence_id}": {"get"},
    "/api/v1/villages/{code}/rating-history": {"get"},
    "/api/v1/rounds/{round_id}/deadlines": {"get"},
    "/api/v1/rounds/{round_id}/close-overdue": {"post"},
    "/api/v1/rounds/{round_id}/close-early": {"post"},
    "/api/v1/assessments/{assessment_id}/restore": {"post"},
}


def _chinese(text) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


@pytest.mark.django_db
def test_openapi_lists_every_rating_path_in_chinese(client):
    doc = client.get("/api/v1/openapi.json").json()
    for path, methods in NEW_PATHS.items():
        assert path in doc["paths"], path
        assert methods <= set(doc["paths"][path]), path
        for method in methods:
            operation = doc["paths"][path][method]
            assert _chinese(operation["summary"]), (path, method)
    schemas = doc["components"]["schemas"]
    for name in ("AssessmentOut", "RoundOut", "ProgressOut", "HistoryOut", "AnswersIn", "RoundIn", "MissingOut", "ObjectionOut",
                 "ObjectionFilters", "DeadlinesOut", "CloseEarlyIn", "RestoreIn", "RestoredOut", "RatingErrorOut", "RatingValidationErrorOut"):
        fields = schemas[name]["properties"]
        assert all(_chinese(f.get("description")) for f in fields.values()), (name, [k for k, f in fields.items() if not _chinese(f.get("description"))])
    upload = doc["paths"]["/api/v1/assessments/{assessment_id}/evidence"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


def _fill_and_submit(secretary, a_id, version):
    saved = secretary.post(f"/assessments/{a_id}/answers", {"values": {c: False for c in CODES}, "expected_version": version})
    assert saved.status_code == 200, saved.json()
    submitted = secretary.post(f"/assessments/{a_id}/submit", {"stars": ["paf"]})
    assert submitted.status_code == 200, submitted.json()
    return submitted.json()


@pytest.mark.django_db
def test_review_scoping_per_role_and_rank(world, api, opened):
    """Another town's reviewer does not see the branch (404); a village user cannot review (403); undoing a
    higher level's decision needs that level's authority."""
    own = Assessment.objects.get(round=opened, org_unit=world.village)
    secretary, town, county = api(world.users["village_cadre"]), api(world.users["town_admin"]), api(world.users["county_admin"])
    _fill_and_submit(secretary, own.pk, own.version)

    # A town administrator of 八公桥镇: the 庆祖镇 round, its branches, objections and histories do not exist for them.
    stranger = api(user_with_role("bgq-town", "town_admin", world.other_town))
    assert stranger.get(f"/rounds/{opened.pk}").status_code == 404
    assert stranger.get(f"/rounds/{opened.pk}/progress").status_code == 404
    assert stranger.get(f"/rounds/{opened.pk}/objections").status_code == 404
    assert stranger.get("/assessments", round=opened.pk).json()["count"] == 0
    assert stranger.get(f"/assessments/{own.pk}").status_code == 404
    for action, body in [("approve", {"level": "town"}), ("return", {"level": "town", "comment": "退回"}),
                         ("change", {"level": "town", "values": {CODES[0]: True}, "reason": "核查"})]:
        response = stranger.post(f"/assessments/{own.pk}/review/{action}", body)
        assert response.status_code == 404 and response.json()["detail"] == "对象不存在或不在您的管辖范围内。", action
    assert stranger.get(f"/villages/{world.village.code}/rating-history").status_code == 404
    assert stranger.post(f"/rounds/{opened.pk}/notice").status_code == 404

    # The village's own secretary sees the assessment but reviews nothing; nor does the observer.
    for user in ("village_cadre", "village_liaison", "observer"):
        caller = api(world.users[user])
        assert caller.get(f"/assessments/{own.pk}").json()["acting_levels"] == [], user
        for action, body in [("approve", {"level": "town"}), ("return", {"level": "town", "comment": "退回"}),
                             ("change", {"level": "town", "values": {CODES[0]: True}, "reason": "核查"}),
                             ("reopen", {"level": "town", "reason": "重新审核"})]:
            response = caller.post(f"/assessments/{own.pk}/review/{action}", body)
            assert response.status_code == 403 and "无权" in response.json()["detail"], (user, action, response.json())
    assert Assessment.objects.get(pk=own.pk).status == Status.SUBMITTED

    # The town approves; the county approves. The town may then neither change, return nor reopen it.
    assert town.post(f"/assessments/{own.pk}/review/approve", {"level": "town"}).status_code == 200
    assert town.post(f"/assessments/{own.pk}/review/approve", {"level": "county"}).status_code == 403
    county_ok = county.post(f"/assessments/{own.pk}/review/approve", {"level": "county"})
    assert county_ok.status_code == 200 and county_ok.json()["status"] == Status.COUNTY_APPROVED
    version = county_ok.json()["version"]
    changed = town.post(f"/assessments/{own.pk}/review/change",
                        {"level": "town", "values": {CODES[0]: True}, "reason": "镇里再改", "expected_version": version})
    assert changed.status_code == 400, changed.json()
    assert town.post(f"/assessments/{own.pk}/review/return", {"level": "town", "comment": "再退"}).status_code == 400
    reopen_town = town.post(f"/assessments/{own.pk}/review/reopen", {"level": "town", "reason": "想再看看"})
    assert reopen_town.status_code == 400 and "只有县级审核才能重新打开" in reopen_town.json()["detail"]
    assert town.post(f"/assessments/{own.pk}/review/reopen", {"level": "county", "reason": "想再看看"}).status_code == 403
    assert Assessment.objects.get(pk=own.pk).status == Status.COUNTY_APPROVED
    # The county, which made the decision, may undo it (with a reason); the town reviews again.
    blank = county.post(f"/assessments/{own.pk}/review/reopen", {"level": "county", "reason": "   "})
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "reason"
    reopened = county.post(f"/assessments/{own.pk}/review/reopen", {"level": "county", "reason": "群众反映需复核"})
    assert reopened.status_code == 200 and reopened.json()["status"] == Status.TOWN_APPROVED
    # Invalid review input names its field: a level the round does not have, comments on unknown rules.
    city = county.post(f"/assessments/{own.pk}/review/approve", {"level": "city"})
    assert city.status_code == 422 and city.json()["errors"][0]["field"] == "level" and "市级复核" in city.json()["errors"][0]["message"]
    assert county.post(f"/assessments/{own.pk}/review/approve", {"level": "village"}).json()["errors"][0]["field"] == "level"
    bad = county.post(f"/assessments/{own.pk}/review/return", {"level": "county", "rule_comments": {"nope-01": "看不清"}})
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"rule_comments.nope-01", "comment"}


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_lists_and_details_take_a_fixed_number_of_queries(world, api, opened):
    """No query per row: a page of one and a page of many cost the same; so do one and many evidence items or holdings."""
    county, secretary = api(world.users["county_admin"]), api(world.users["village_cadre"])
    framework = FrameworkVersion.objects.get(code="api-2023-rural")
    for n in range(3):
        assert county.post("/rounds", _round_body(world, framework, name=f"草稿周期{n}")).status_code == 201
    assert _queries(lambda: county.get("/rounds", limit=1)) == _queries(lambda: county.get("/rounds", limit=4))
    assert len(county.get("/rounds", limit=4).json()["items"]) == 4

    assert _queries(lambda: county.get("/assessments", round=opened.pk, limit=1)) == _queries(lambda: county.get("/assessments", limit=3))
    assert len(county.get("/assessments", limit=3).json()["items"]) == 3

    for n, a in enumerate(Assessment.objects.filter(round=opened)):
        Objection.objects.create(round=opened, assessment=a, reason=f"异议{n}", client_hash=f"h{n}")
    objections = f"/rounds/{opened.pk}/objections"
    assert _queries(lambda: county.get(objections, limit=1)) == _queries(lambda: county.get(objections, limit=3))
    assert len(county.get(objections, limit=3).json()["items"]) == 3

    # One assessment: the same queries with one or three evidence files attached.
    a = Assessment.objects.get(round=opened, org_unit=world.village)
    detail = f"/assessments/{a.pk}"
    assert secretary.upload(f"{detail}/evidence", {"files": [_photo(1)], "rules": CODES}).status_code == 201
    before = _queries(lambda: secretary.get(detail))
    assert secretary.upload(f"{detail}/evidence", {"files": [_photo(2), _photo(3)], "rules": CODES}).status_code == 201
    assert len(secretary.get(detail).json()["evidence_items"]) == 3
    assert _queries(lambda: secretary.get(detail)) == before <= 15

    # A branch's rating history: one held star or five.
    history = f"/villages/{world.village.code}/rating-history"
    now = timezone.now()
    StarHolding.objects.create(org_unit=world.village, star_code="paf", star_name="平安法治星", gained_round=opened, gained_at=now)
    before = _queries(lambda: secretary.get(history))
    for code, name in [s for s in STARS if s[0] != "paf"]:
        StarHolding.objects.create(org_unit=world.village, star_code=code, star_name=name, gained_round=opened, gained_at=now)
    assert _queries(lambda: secretary.get(history)) == before
    assert secretary.get(history).json()["rating"] == 5


VILLAGE_ROUTES = ("/answers", "/rules/", "/confirm", "/submit", "/evidence")


@pytest.mark.django_db
def test_no_input_yields_a_500_on_real_rating_objects(world, api, opened, client):
    """The fuzzer of fivestar/api/tests/test_fuzz.py over the rating routes, with real ids so hostile values get
    past the lookups into the services: the village's routes as its secretary, the others as the county."""
    from fivestar.api.tests.test_fuzz import HOSTILE_PATH, HOSTILE_VALUES, MALFORMED_BODIES, _check, _plausible, _routes

    own = Assessment.objects.get(round=opened, org_unit=world.village)
    secretary, county = api(world.users["village_cadre"]), api(world.users["county_admin"])
    evidence = secretary.upload(f"/assessments/{own.pk}/evidence", {"files": [_photo()], "rules": CODES}).json()["results"][0]["evidence"]
    objection = Objection.objects.create(round=opened, assessment=own, reason="异议", client_hash="h")
    doc = client.get("/api/v1/openapi.json").json()
    ids = {"round_id": opened.pk, "assessment_id": own.pk, "objection_id": objection.pk, "evidence_id": evidence["id"]}

    def fill(path, name=None, bad=None):
        def one(match):
            key = match.group(1)
            if key == name:
                return bad
            if key == "code":
                return CODES[0] if "/rules/" in path else world.village.code
            return str(ids[key])
        return re.sub(r"\{(\w+)\}", one, path)

    def send(caller, method, url, body=None, raw=None):
        if raw is not None:
            return getattr(caller.client, method)(url, raw, content_type="application/json", **caller.headers)
        if body is None:
            return getattr(caller.client, method)(url, **caller.headers)
        return getattr(caller.client, method)(url, json.dumps(body), content_type="application/json", **caller.headers)

    checked = 0
    for path, method, params, body in _routes(doc):
        if path not in NEW_PATHS:
            continue
        caller = secretary if path.startswith("/api/v1/assessments/{assessment_id}") and any(r in path for r in VILLAGE_ROUTES) else county
        base_body = None if body is None else {k: _plausible(doc, prop) for k, prop in body.get("properties", {}).items()}
        for name in [p["name"] for p in params if p["in"] == "path"]:
            for bad in HOSTILE_PATH:
                url = fill(path, name, bad)
                _check(send(caller, method, url, base_body), f"{method} {url}")
                checked += 1
        for param in [p for p in params if p["in"] == "query"]:
            for bad in HOSTILE_PATH:
                url = f"{fill(path)}?{param['name']}={bad}"
                _check(send(caller, method, url, base_body), f"{method} {url}")
                checked += 1
        if body is None:
            continue
        for raw in MALFORMED_BODIES:
            _check(send(caller, method, fill(path), raw=raw), f"{method} {path} raw {raw[:20]!r}")
            checked += 1
        for name in base_body:
            for bad in HOSTILE_VALUES:
                _check(send(caller, method, fill(path), {**base_body, name: bad}), f"{method} {path} {name}={str(bad)[:30]}")
                checked += 1
                if isinstance(base_body[name], (dict, list)):  # maps and lists of rule codes: hostile values under real codes
                    for key in (CODES[0], "x\x00"):
                        inner = {key: bad} if isinstance(base_body[name], dict) else [bad, key]
                        _check(send(caller, method, fill(path), {**base_body, name: inner}), f"{method} {path} {name}.{key}={str(bad)[:30]}")
                        checked += 1
    # The multipart upload: no file, an empty file, hostile names, rules and kinds.
    upload = f"/assessments/{own.pk}/evidence"
    for data in ({"rules": CODES}, {"files": [SimpleUploadedFile("空.jpg", b"", content_type="image/jpeg")], "rules": CODES},
                 {"files": [SimpleUploadedFile("\u202e" + "x" * 300 + ".jpg", jpeg_bytes(seed=9, size=(8, 8)))], "rules": [CODES[0]]},
                 {"files": [_photo(4)], "rules": ["x\x00", str(10**30)]}, {"files": [_photo(5)], "rules": CODES, "kind": "\x00"},
                 {"files": [_photo(6)], "rules": CODES, "description": "x" * 5000}, {"files": [_photo(7)]}):
        _check(secretary.upload(upload, data), f"upload {sorted(data)}")
        checked += 1
    assert checked > 500


def test_openapi_names_stand_for_one_schema_each(monkeypatch):
    """OpenAPI keeps one schema per name: two different schemas of one name (ErrorOut, Status…) would silently
    document one route with another's shape. Every name in the document stands for exactly one shape."""
    from ninja.openapi.schema import OpenAPISchema

    from fivestar.api.api import api as ninja_api

    clashes, original = {}, OpenAPISchema.add_schema_definitions

    def checked(self, definitions):
        for name, schema in definitions.items():
            if name in self.schemas and self.schemas[name] != schema:
                clashes[name] = (self.schemas[name].get("properties") or self.schemas[name].get("enum"),
                                 schema.get("properties") or schema.get("enum"))
        original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", checked)
    doc = ninja_api.get_openapi_schema()
    assert clashes == {}
    errors = doc["components"]["schemas"]["RatingErrorOut"]["properties"]
    assert set(errors) == {"detail", "details"}
    filters = doc["paths"]["/api/v1/assessments"]["get"]["parameters"]
    status = next(p for p in filters if p["name"] == "status")["schema"]
    assert "submitted" in str(status) and "upheld" not in str(status)


@pytest.mark.django_db
def test_deadlines_close_what_is_overdue_so_the_notice_proceeds(world, api, opened, monkeypatch):
    """截止处理 through the API: a branch that never submits is closed as 未按期完成 (early by the county with a reason,
    or once the deadline has passed by the town), the notice proceeds without it, and the county may reverse it."""
    own, sibling, community = (Assessment.objects.get(round=opened, org_unit=unit) for unit in (world.village, world.sibling, world.community))
    secretary, town, county = api(world.users["village_cadre"]), api(world.users["town_admin"]), api(world.users["county_admin"])
    info = town.get(f"/rounds/{opened.pk}/deadlines").json()
    assert info["overdue"] == 0 and info["closed"] == 0 and info["expired_outcome"] == "keep" and info["expired_outcome_name"]
    too_soon = town.post(f"/rounds/{opened.pk}/close-overdue")
    assert too_soon.status_code == 400 and "之后方可" in too_soon.json()["detail"]

    # Before the deadline the county may close a branch early, with a reason of at least five characters.
    early = f"/rounds/{opened.pk}/close-early"
    short = county.post(early, {"assessments": [sibling.pk], "reason": "不参加"})
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "reason"
    assert town.post(early, {"assessments": [sibling.pk], "reason": "村里明确本期不参加评星"}).status_code == 403
    assert county.post(early, {"assessments": [sibling.pk], "reason": "村里明确本期不参加评星"}).json() == {"closed": 1}
    assert county.get(f"/assessments/{sibling.pk}").json()["status"] == Status.EXPIRED

    # The own branch goes through review; the notice still waits for 龙鑫苑社区, which never submits.
    _fill_and_submit(secretary, own.pk, own.version)
    assert town.post(f"/assessments/{own.pk}/review/approve", {"level": "town"}).status_code == 200
    assert county.post(f"/assessments/{own.pk}/review/approve", {"level": "county"}).status_code == 200
    assert county.post(f"/rounds/{opened.pk}/notice").status_code == 400

    later = timezone.now() + datetime.timedelta(days=6)  # the self-assessment deadline (5 days ahead) has passed
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert secretary.post(f"/rounds/{opened.pk}/close-overdue").status_code == 403
    assert town.get(f"/rounds/{opened.pk}/deadlines").json()["overdue"] == 1
    assert town.post(f"/rounds/{opened.pk}/close-overdue").json() == {"closed": 1}
    assert town.post(f"/rounds/{opened.pk}/close-overdue").json() == {"closed": 0}  # idempotent
    assert county.get(f"/rounds/{opened.pk}/deadlines").json()["closed"] == 2
    assert county.post(f"/rounds/{opened.pk}/notice").json()["phase"] == "notice"

    # Reversing a closure needs the county's authority and a reason; the new deadline may not lie in the past.
    restore = f"/assessments/{community.pk}/restore"
    assert town.post(restore, {"reason": "镇里想延期"}).status_code == 403
    assert secretary.post(f"/assessments/{sibling.pk}/restore", {"reason": "x"}).status_code == 404  # not their branch
    blank = county.post(restore, {"reason": "  "})
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "reason"
    past = county.post(restore, {"reason": "社区书记病愈", "until": (later.date() - datetime.timedelta(days=1)).isoformat()})
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "until"
    restored = county.post(restore, {"reason": "社区书记病愈，给一周补报", "until": (later.date() + datetime.timedelta(days=7)).isoformat()})
    assert restored.status_code == 200, restored.json()
    assert restored.json()["status"] == Status.NOT_STARTED and restored.json()["deadline"] == (later.date() + datetime.timedelta(days=7)).isoformat()
    assert county.get(f"/rounds/{opened.pk}").json()["phase"] == "open"  # the notice is withdrawn until it is finished
    again = county.post(restore, {"reason": "再撤销一次"})
    assert again.status_code == 400 and "无需撤销" in again.json()["detail"]
