"""Teams, plans and inspections over the API per role: who sees them, who may change them, and the refusals."""

import datetime

import pytest
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.supervision.models import SupervisionTeam, VisitPlan
from fivestar.supervision.services import monday, record_inspection

from .api_helpers import Caller, chinese_error

pytestmark = pytest.mark.django_db


def _names(response):
    assert response.status_code == 200, response.content[:300]
    return [t["name"] for t in response.json()["items"]]


def test_teams_are_listed_within_scope(sup):
    w = sup.world
    data = Caller(sup.town_admin).get("/supervision/teams").json()
    assert data["count"] == 1
    team = data["items"][0]
    assert team["name"] == "第一督导组" and team["unit"] == {"code": w.town.code, "name": "庆祖镇"}
    assert team["leader"]["name"] == "张督导" and [m["name"] for m in team["members"]] == ["张督导"]
    assert {v["code"] for v in team["villages"]} == {w.village.code, w.sibling.code, w.community.code}
    assert _names(Caller(sup.observer).get("/supervision/teams")) == ["第一督导组"]
    assert _names(Caller(sup.secretary_user).get("/supervision/teams")) == []
    assert _names(Caller(sup.other_town_supervisor).get("/supervision/teams")) == []
    assert _names(Caller(w.users[Role.COUNTY_ADMIN]).get("/supervision/teams", {"unit": w.other_town.code})) == []
    chinese_error(Caller(sup.town_admin).get("/supervision/teams", {"unit": w.far_town.code}), 404)


def test_create_and_update_a_team(sup):
    w = sup.world
    admin = Caller(sup.town_admin)
    body = {"unit": w.town.code, "name": "第二督导组", "leader": sup.inspector.pk, "villages": [w.village.code], "note": "专项"}
    created = admin.post("/supervision/teams", body)
    assert created.status_code == 201, created.content
    team = created.json()
    assert team["villages"] == [{"code": w.village.code, "name": "西辛庄村"}] and team["leader"]["id"] == sup.inspector.pk
    assert chinese_error(admin.post("/supervision/teams", body), 400)["detail"] == "「庆祖镇」已有名为「第二督导组」的督导组。"
    updated = admin.put(f"/supervision/teams/{team['id']}", {"name": "第二督导组（调整）", "villages": [w.village.code, w.sibling.code]})
    assert updated.status_code == 200 and updated.json()["name"] == "第二督导组（调整）"
    assert set(SupervisionTeam.objects.get(pk=team["id"]).villages.values_list("code", flat=True)) == {w.village.code, w.sibling.code}
    stopped = admin.put(f"/supervision/teams/{team['id']}", {"name": "第二督导组（调整）", "active": False})
    assert stopped.json()["active"] is False and _names(admin.get("/supervision/teams")) == ["第一督导组"]
    assert "第二督导组（调整）" in _names(admin.get("/supervision/teams", {"inactive": "true"}))


def test_team_refusals(sup):
    w = sup.world
    body = {"unit": w.town.code, "name": "新组"}
    chinese_error(Caller(sup.observer).post("/supervision/teams", body), 403)
    chinese_error(Caller(sup.supervisor).post("/supervision/teams", body), 403)  # supervises, does not manage teams
    chinese_error(Caller(sup.secretary_user).post("/supervision/teams", body), 422)  # the town is not in its scope
    errors = chinese_error(Caller(sup.town_admin).post("/supervision/teams", {**body, "villages": [w.far_village.code],
                                                                             "members": [10**12]}), 422)["errors"]
    assert {e["field"] for e in errors} == {"villages.0", "members.0"}
    county = Caller(w.users[Role.COUNTY_ADMIN])
    detail = chinese_error(county.post("/supervision/teams", {**body, "villages": [w.other_village.code]}), 400)["detail"]
    assert "不是「庆祖镇」下属的村（社区）" in detail
    chinese_error(Caller(sup.town_admin).post("/supervision/teams", {**body, "name": " "}), 422)
    chinese_error(Caller(sup.town_admin).post("/supervision/teams", {**body, "name": "组" * 61}), 422)
    chinese_error(Caller(sup.other_town_supervisor).put(f"/supervision/teams/{sup.team.pk}", {"name": "改名"}), 404)
    chinese_error(Caller(sup.observer).put(f"/supervision/teams/{sup.team.pk}", {"name": "改名"}), 403)
    assert SupervisionTeam.objects.get(pk=sup.team.pk).name == "第一督导组"
    assert SupervisionTeam.objects.count() == 1


def test_plan_generate_read_and_move(sup):
    admin = Caller(sup.town_admin)
    start = monday(timezone.localdate())
    first = admin.post(f"/supervision/teams/{sup.team.pk}/plan/generate", {"start_week": str(start), "weeks": 4})
    assert first.status_code == 200 and first.json()["created"] > 0
    assert admin.post(f"/supervision/teams/{sup.team.pk}/plan/generate", {"start_week": str(start), "weeks": 4}).json()["created"] == 0
    plan = admin.get(f"/supervision/teams/{sup.team.pk}/plan", {"start": str(start), "weeks": 4}).json()
    assert len(plan["rows"]) == first.json()["created"] and plan["start"] == str(start)
    assert {r["state"] for r in plan["rows"]} == {"planned"}
    row = plan["rows"][0]
    target = start + datetime.timedelta(weeks=5)
    moved = Caller(sup.supervisor).post(f"/supervision/plans/{row['id']}/move", {"week_start": str(target + datetime.timedelta(days=2))})
    assert moved.status_code == 200 and moved.json()["week_start"] == str(target) and moved.json()["adjusted"] is True
    chinese_error(Caller(sup.observer).post(f"/supervision/plans/{row['id']}/move", {"week_start": str(start)}), 403)
    chinese_error(Caller(sup.observer).post(f"/supervision/teams/{sup.team.pk}/plan/generate", {}), 403)
    chinese_error(Caller(sup.secretary_user).get(f"/supervision/teams/{sup.team.pk}/plan"), 404)
    chinese_error(Caller(sup.secretary_user).post(f"/supervision/plans/{row['id']}/move", {"week_start": str(start)}), 404)
    chinese_error(admin.post(f"/supervision/teams/{sup.team.pk}/plan/generate", {"weeks": 100}), 422)
    chinese_error(admin.get(f"/supervision/teams/{sup.team.pk}/plan", {"weeks": 0}), 422)
    assert VisitPlan.objects.get(pk=row["id"]).week_start == target


def test_plan_shows_visited_and_missed(sup):
    admin = Caller(sup.town_admin)
    last_week = monday(timezone.localdate()) - datetime.timedelta(weeks=1)
    admin.post(f"/supervision/teams/{sup.team.pk}/plan/generate", {"start_week": str(last_week), "weeks": 2})
    rows = VisitPlan.objects.filter(team=sup.team, week_start=last_week)
    visited = rows.first()
    record_inspection(sup.supervisor, sup.team, date=last_week, kind="routine", villages=[visited.village])
    plan = admin.get(f"/supervision/teams/{sup.team.pk}/plan", {"start": str(last_week), "weeks": 1}).json()
    states = {r["village"]["code"]: r["state"] for r in plan["rows"]}
    assert states[visited.village.code] == "visited"
    assert set(states.values()) <= {"visited", "missed"} and len(states) == rows.count()


def test_inspections_per_role(sup):
    w = sup.world
    day = timezone.localdate()
    inspection = record_inspection(sup.supervisor, sup.team, date=day, kind="routine", villages=[w.village, w.sibling], notes="例行督导")
    sup.problem(inspection=inspection, description="本村问题")
    sup.problem(inspection=inspection, village=w.sibling, description="邻村问题")
    data = Caller(sup.supervisor).get("/supervision/inspections").json()
    assert data["count"] == 1 and data["items"][0]["problem_count"] == 2 and len(data["items"][0]["villages"]) == 2
    village_view = Caller(sup.secretary_user).get("/supervision/inspections").json()["items"][0]
    assert village_view["villages"] == [{"code": w.village.code, "name": "西辛庄村"}] and village_view["problem_count"] == 1
    detail = Caller(sup.secretary_user).get(f"/supervision/inspections/{inspection.pk}").json()
    assert [p["description"] for p in detail["problems"]] == ["本村问题"] and detail["notes"] == "例行督导"
    assert Caller(sup.other_town_supervisor).get("/supervision/inspections").json()["count"] == 0
    chinese_error(Caller(sup.other_town_supervisor).get(f"/supervision/inspections/{inspection.pk}"), 404)
    chinese_error(Caller(sup.supervisor).get("/supervision/inspections/0"), 404)
    assert Caller(sup.supervisor).get("/supervision/inspections", {"kind": "special"}).json()["count"] == 0
    assert Caller(sup.supervisor).get("/supervision/inspections", {"unit": w.sibling.code}).json()["count"] == 1
    chinese_error(Caller(sup.supervisor).get("/supervision/inspections", {"kind": "party"}), 422)
