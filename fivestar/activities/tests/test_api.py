"""API: scoped like the pages (404 out of scope, 403 without authority, 400/422 in Chinese), in the OpenAPI doc."""

import pytest

from fivestar.activities.models import Incident

pytestmark = pytest.mark.django_db


def _h(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_sessions_attendance_check_in_and_indicators(act, client, api_token):
    w = act.world
    cadre = _h(api_token(act.cadre))
    kind = client.get(f"/api/v1/activities/towns/{w.town.code}/kinds", **cadre).json()
    night = next(k for k in kind if k["code"] == "night_school")
    r = client.post(f"/api/v1/activities/villages/{w.village.code}/sessions", {"kind": night["id"], "date": "2026-11-26", "title": "夜校", "expected": 4},
                    content_type="application/json", **cadre)
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    r = client.put(f"/api/v1/activities/sessions/{sid}/attendance", {"person_ids": [p.pk for p in act.members[:2]]}, content_type="application/json", **cadre)
    assert r.json()["attended"] == 2
    token = r.json()["check_in_path"].split("/")[-2]
    assert client.post(f"/api/v1/activities/check-in/{token}", **cadre).json()["attended"] == 3
    assert client.post(f"/api/v1/activities/check-in/{token}", **_h(api_token(act.town_admin))).status_code == 403
    values = {i["code"]: i["value"] for i in client.get(f"/api/v1/activities/villages/{w.village.code}/indicators?year=2026", **cadre).json()}
    assert values["night_school_rate"] == 75.0 and values["honours_county_plus"] is None
    rows = client.get("/api/v1/activities/records/sessions?year=2026", **cadre).json()
    assert rows["count"] == 1 and rows["items"][0]["cells"]["实到"] == 3


def test_scope_authority_and_junk(act, client, api_token):
    w = act.world
    cadre = _h(api_token(act.cadre))
    observer = _h(api_token(w.users["observer"]))
    body = {"title": "全国文明村", "level": "national", "issuer": "中央文明委", "year": 2020}
    assert client.post(f"/api/v1/activities/villages/{w.sibling.code}/honours", body, content_type="application/json", **cadre).status_code == 404
    assert client.post(f"/api/v1/activities/villages/{w.village.code}/honours", body, content_type="application/json", **observer).status_code == 403
    bad = client.post(f"/api/v1/activities/villages/{w.village.code}/honours", {**body, "level": "x"}, content_type="application/json", **cadre)
    assert bad.status_code == 400 and "级别无效" in bad.json()["detail"]
    assert client.post(f"/api/v1/activities/villages/{w.village.code}/honours", {"title": 5}, content_type="application/json", **cadre).status_code == 422
    assert client.post(f"/api/v1/activities/villages/{w.village.code}/honours", body, content_type="application/json", **cadre).status_code == 201
    assert client.get("/api/v1/activities/records/bogus", **cadre).status_code == 404
    assert client.get("/api/v1/activities/records/honours?year=abc", **cadre).status_code == 422
    assert client.get("/api/v1/activities/records/honours", **_h(api_token(w.users["county_admin"]))).json()["count"] == 1
    far = _h(api_token(w.users["area_leader"]))
    assert client.get("/api/v1/activities/records/honours", **far).json()["count"] == 1  # 西辛庄 is in the area
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/activities/incidents/{incident_id}/confirm" in schema["paths"]


def test_incident_veto_via_api(act, client, api_token, frameworks):
    w = act.world
    cadre, town = _h(api_token(act.cadre)), _h(api_token(act.town_admin))
    r = client.post(f"/api/v1/activities/villages/{w.village.code}/incidents",
                    {"date": "2026-11-02", "kind": "accident", "severity": "major", "description": "安全生产事故"}, content_type="application/json", **cadre)
    assert r.status_code == 201 and r.json()["veto_status"] == "proposed" and r.json()["veto_rule_code"] == "paf-01-02"
    iid = r.json()["id"]
    assert client.post(f"/api/v1/activities/incidents/{iid}/confirm", {}, content_type="application/json", **cadre).status_code == 403
    r = client.post(f"/api/v1/activities/incidents/{iid}/confirm", {"reason": "属实"}, content_type="application/json", **town)
    assert r.status_code == 200 and r.json()["veto_status"] == "confirmed" and r.json()["veto_event_id"]
    assert client.post(f"/api/v1/activities/incidents/{iid}/reject", {"reason": "x"}, content_type="application/json", **town).status_code == 400
    assert Incident.objects.get(pk=iid).decided_by == act.town_admin
