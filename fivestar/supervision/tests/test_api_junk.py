"""The supervision API in the OpenAPI document, and junk input on every one of its routes (missing fields, wrong
types, huge numbers and strings, control characters, malformed JSON and multipart) as a village cadre and as a
supervisor, with real ids so the junk reaches the lookups and the services: never a 500, always Chinese."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fivestar.supervision.models import Problem, SupervisionTeam, VisitPlan
from fivestar.supervision.services import generate_plan, record_inspection

from .api_helpers import CJK, Caller, chinese_error

pytestmark = pytest.mark.django_db

OURS = re.compile(r"^/api/v1/supervision/(?!field/)")
EXPECTED = {
    ("get", "/api/v1/supervision/teams"), ("post", "/api/v1/supervision/teams"), ("put", "/api/v1/supervision/teams/{team_id}"),
    ("get", "/api/v1/supervision/teams/{team_id}/plan"), ("post", "/api/v1/supervision/teams/{team_id}/plan/generate"),
    ("post", "/api/v1/supervision/plans/{plan_id}/move"), ("get", "/api/v1/supervision/inspections"),
    ("get", "/api/v1/supervision/inspections/{inspection_id}"), ("get", "/api/v1/supervision/problems"),
    ("post", "/api/v1/supervision/problems"), ("get", "/api/v1/supervision/problems/{problem_id}"),
    ("post", "/api/v1/supervision/problems/{problem_id}/start"), ("post", "/api/v1/supervision/problems/{problem_id}/rectify"),
    ("post", "/api/v1/supervision/problems/{problem_id}/accept"), ("post", "/api/v1/supervision/problems/{problem_id}/reject"),
    ("post", "/api/v1/supervision/problems/{problem_id}/deadline"), ("post", "/api/v1/supervision/problems/{problem_id}/evidence"),
    ("get", "/api/v1/supervision/problems/ledger.xlsx"), ("get", "/api/v1/supervision/villages/{code}/notice.docx"),
}
HUGE = int("9" * 400)
HOSTILE_VALUES = [HUGE, -HUGE, 10**30, -1, 1.5e308, "甲\x00", "\u202e\u200b", "x" * 100_000, None, [], {}, True, [HUGE], {"a": 1}]
HOSTILE_PATH = [str(HUGE), "-1", "0", "abc%00", "%E2%80%AE", "x" * 300]
HOSTILE_QUERY = [str(HUGE), "-1", "abc%00", "%E2%80%AE", "x" * 3000, "2024-02-30", "true"]
MALFORMED = ["{", "[1,", "null", "\"text\"", "{\"a\": NaN}", "[" * 3000 + "]" * 3000, "{\"measures\": " + "[" * 200 + "]" * 200 + "}"]


def _doc(client):
    return client.get("/api/v1/openapi.json").json()


def test_supervision_routes_are_documented(client):
    doc = _doc(client)
    ours = {(m, p) for p, ops in doc["paths"].items() if OURS.match(p) for m in ops}
    assert ours == EXPECTED
    for path, ops in doc["paths"].items():
        if OURS.match(path):
            for op in ops.values():
                assert CJK.search(op["summary"]) and op["tags"] == ["督导检查"], (path, op.get("summary"))
                assert CJK.search(op.get("description", "")), path
    problem = doc["components"]["schemas"]["SupervisionProblemOut"]["properties"]
    assert {"status", "deadline", "found_on", "rectifying_at", "submitted_at", "closed_at", "escalation_step"} <= set(problem)
    upload = doc["paths"]["/api/v1/supervision/problems/{problem_id}/evidence"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


@pytest.fixture
def ids(sup):
    day = timezone.localdate()
    inspection = record_inspection(sup.supervisor, sup.team, date=day, kind="routine", villages=[sup.world.village])
    problem = sup.problem(inspection=inspection)
    generate_plan(sup.team, sup.town_admin, day, 2)
    return {"problem_id": problem.pk, "team_id": sup.team.pk, "plan_id": VisitPlan.objects.filter(team=sup.team).first().pk,
            "inspection_id": inspection.pk, "code": sup.world.village.code}


def _check(response, where):
    assert response.status_code < 500, f"{where}: {response.status_code} {response.content[:300]!r}"
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), where
        data = response.json()
        assert CJK.search(data["detail"]), f"{where}: {data}"
        for error in data.get("errors", []):
            assert CJK.search(error["message"]) and "field" in error, f"{where}: {error}"


def _resolve(doc, schema):
    while isinstance(schema, dict) and "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _plausible(doc, prop, ids):
    prop = _resolve(doc, prop)
    if "anyOf" in prop:
        prop = next((p for p in prop["anyOf"] if p.get("type") != "null"), {})
    if "enum" in prop:
        return prop["enum"][0]
    if prop.get("format") == "date":
        return str(timezone.localdate())
    return {"string": "测试内容", "integer": 1, "boolean": False, "array": [], "object": {}}.get(prop.get("type"), "1")


@pytest.mark.parametrize("who", ["secretary_user", "supervisor"])
def test_every_supervision_route_survives_junk(client, sup, ids, who):
    caller = Caller(getattr(sup, who))
    doc = _doc(client)
    fill = lambda path: re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)  # noqa: E731
    checked = 0
    for path, ops in doc["paths"].items():
        if not OURS.match(path):
            continue
        for method, op in ops.items():
            url = fill(path).removeprefix("/api/v1")
            content = (op.get("requestBody") or {}).get("content", {})
            schema = _resolve(doc, content["application/json"]["schema"]) if "application/json" in content else None
            body = {n: _plausible(doc, p, ids) for n, p in (schema or {}).get("properties", {}).items()} if schema else None
            send = (lambda u, b=None: caller.raw(method, u, json.dumps(b) if b is not None else "{}")) if method != "get" \
                else (lambda u, b=None: caller.get(u))
            for name in re.findall(r"\{(\w+)\}", path):
                for bad in HOSTILE_PATH:
                    bad_url = fill(path.replace("{" + name + "}", bad)).removeprefix("/api/v1")
                    _check(send(bad_url, body), f"{method} {bad_url}")
                    checked += 1
            for param in op.get("parameters", []):
                if param["in"] == "query":
                    for bad in HOSTILE_QUERY:
                        _check(send(f"{url}?{param['name']}={bad}", body), f"{method} {url} ?{param['name']}={bad[:20]}")
                        checked += 1
            if schema is not None:
                _check(caller.raw(method, url, "{}"), f"{method} {url} empty body")
                for raw in MALFORMED:
                    _check(caller.raw(method, url, raw), f"{method} {url} raw {raw[:20]!r}")
                    checked += 1
                for name in body:
                    for bad in HOSTILE_VALUES:
                        _check(caller.raw(method, url, json.dumps({**body, name: bad})), f"{method} {url} {name}={str(bad)[:20]}")
                        checked += 1
            if "multipart/form-data" in content:
                for data in ({}, {"purpose": "x" * 5000}, {"purpose": "problem", "files": "not a file"},
                             {"purpose": "rectification", "files": [SimpleUploadedFile("a\x00.png", b"\x00" * 10)]}):
                    _check(caller.upload(url, data), f"{method} {url} multipart {list(data)}")
                    checked += 1
                _check(caller.raw("post", url, b"--x\r\nbroken", content_type="multipart/form-data; boundary=x"), f"{url} broken multipart")
    assert checked > 500
    # nothing made by all that junk (the plausible bodies name no real village or unit)
    assert Problem.objects.count() == 1 and SupervisionTeam.objects.count() == 1


def test_missing_fields_and_wrong_types_name_the_field(sup, ids):
    inspector = Caller(sup.supervisor)
    errors = chinese_error(inspector.post("/supervision/problems", {"description": 5}), 422)["errors"]
    assert {e["field"]: e["message"] for e in errors} == {"village": "缺少必填字段", "description": "应为字符串"}
    errors = chinese_error(inspector.post(f"/supervision/problems/{ids['problem_id']}/deadline", {}), 422)["errors"]
    assert {e["field"] for e in errors} == {"deadline", "reason"}
    errors = chinese_error(Caller(sup.secretary_user).post(f"/supervision/problems/{ids['problem_id']}/rectify",
                                                           {"measures": "x" * 2001, "evidence": ["a"]}), 422)["errors"]
    assert {e["field"] for e in errors} == {"measures", "evidence.0"}
    chinese_error(inspector.raw("post", "/supervision/problems", "{not json"), 400)
