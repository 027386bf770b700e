"""Targets, plans and letters over the API per role: scoping (404), authority (403), Chinese refusals (400),
field errors (422), nothing half saved, routes in the OpenAPI document."""

import datetime

import pytest
from django.utils import timezone

from fivestar.planning.models import ResponsibilityLetter, UnitPlan, VillageTarget
from fivestar.supervision.tests.api_helpers import Caller, chinese_error

from .conftest import png

pytestmark = pytest.mark.django_db
YEAR = 2025


def test_routes_are_in_openapi(client, plan):
    doc = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/planning/targets", "/api/v1/planning/plans/{code}", "/api/v1/planning/plans/{code}/check",
                 "/api/v1/planning/letters", "/api/v1/planning/letters/{code}/sign", "/api/v1/planning/letters/batches",
                 "/api/v1/planning/letters/batches/{batch_id}", "/api/v1/planning/tasks", "/api/v1/planning/tasks/export.xlsx",
                 "/api/v1/planning/tasks/{task_id}", "/api/v1/planning/tasks/{task_id}/status",
                 "/api/v1/planning/tasks/{task_id}/evidence", "/api/v1/planning/villages/{code}/gap-tasks",
                 "/api/v1/planning/commitments", "/api/v1/planning/commitments/{commitment_id}/result",
                 "/api/v1/planning/commitments/{commitment_id}/grade"):
        assert path in doc["paths"], path
    assert "PlanningTaskOut" in doc["components"]["schemas"]


def test_targets_listed_in_scope(plan):
    w = plan.world
    plan.target(year=YEAR)
    data = Caller(plan.town_admin).get("/planning/targets", {"unit": w.town.code, "year": YEAR}).json()
    assert data["count"] == 3 and data["year"] == YEAR
    row = next(i for i in data["items"] if i["village"]["code"] == w.village.code)
    assert row == {"village": {"code": w.village.code, "name": "西辛庄村"}, "town": "庆祖镇", "has_target": True,
                   "category": "lead", "category_name": "领航村", "target_rating": 2, "target_stars": ["cyxw", "stjy"]}
    assert not next(i for i in data["items"] if i["village"]["code"] == w.sibling.code)["has_target"]
    own = Caller(plan.secretary_user).get("/planning/targets", {"unit": w.village.code, "year": YEAR}).json()
    assert [i["village"]["code"] for i in own["items"]] == [w.village.code]
    chinese_error(Caller(plan.secretary_user).get("/planning/targets", {"unit": w.town.code}), 404)
    chinese_error(Caller(plan.other_town_admin).get("/planning/targets", {"unit": w.town.code}), 404)
    chinese_error(Caller(plan.town_admin).get("/planning/targets", {"unit": "\x00" * 3}), 404)
    chinese_error(Caller(plan.town_admin).get("/planning/targets"), 422)


def test_targets_saved_in_bulk_or_not_at_all(plan):
    w = plan.world
    caller = Caller(plan.town_admin)
    rows = [{"village": w.village.code, "category": "lead", "target_rating": 2, "target_stars": ["cyxw", "stjy"]},
            {"village": w.sibling.code, "category": "sprint", "target_rating": 1, "target_stars": ["cyxw"]}]
    response = caller.put("/planning/targets", {"year": YEAR, "rows": rows})
    assert response.status_code == 200, response.content
    assert response.json() == {"changed": 2}
    assert VillageTarget.objects.get(year=YEAR, org_unit=w.sibling).category == "sprint"
    bad = [dict(rows[0], target_rating=3), rows[1]]  # 3 stars rating, 2 stars chosen
    data = chinese_error(caller.put("/planning/targets", {"year": YEAR, "rows": bad}), 400)
    assert "西辛庄村" in data["detail"]
    assert VillageTarget.objects.get(year=YEAR, org_unit=w.village).target_rating == 2
    data = chinese_error(caller.put("/planning/targets", {"year": YEAR, "rows": [dict(rows[0], village=w.far_village.code)]}), 422)
    assert data["errors"][0]["field"] == "rows.0.village"
    chinese_error(caller.put("/planning/targets", {"year": YEAR, "rows": [dict(rows[0], target_rating=9)]}), 422)
    chinese_error(caller.put("/planning/targets", {"year": YEAR, "rows": []}), 422)
    # a village cadre and an observer see the village but may not set targets
    chinese_error(Caller(plan.secretary_user).put("/planning/targets", {"year": YEAR, "rows": rows[:1]}), 403)
    chinese_error(Caller(plan.observer).put("/planning/targets", {"year": YEAR, "rows": rows[:1]}), 403)


def test_plan_get_save_and_check(plan):
    w = plan.world
    caller = Caller(plan.town_admin)
    data = caller.get(f"/planning/plans/{w.town.code}", {"year": YEAR}).json()
    assert data["exists"] is False and data["rating_counts"] == {}
    response = caller.put(f"/planning/plans/{w.town.code}", {"year": YEAR, "rating_counts": {"2": 2}, "star_counts": {"cyxw": 2}})
    assert response.status_code == 200, response.content
    assert response.json()["exists"] and response.json()["rating_counts"] == {"2": 2}
    assert UnitPlan.objects.get(year=YEAR, org_unit=w.town).star_counts == {"cyxw": 2}
    plan.target(year=YEAR)
    check = caller.get(f"/planning/plans/{w.town.code}/check", {"year": YEAR}).json()
    assert check["ok"] is False and check["villages"] == 3 and check["with_target"] == 1
    assert check["ratings"] == [{"rating": 2, "name": "二星", "plan": 2, "targets": 1, "ok": False}]
    assert any("相差 1 个" in m for m in check["warnings"])
    chinese_error(caller.put(f"/planning/plans/{w.town.code}", {"year": YEAR, "rating_counts": {"9": 1}}), 400)
    chinese_error(caller.put(f"/planning/plans/{w.town.code}", {"year": YEAR, "star_counts": {"nope": 1}}), 400)
    chinese_error(caller.get(f"/planning/plans/{w.village.code}"), 404)  # a village has no plan
    chinese_error(Caller(plan.observer).put(f"/planning/plans/{w.town.code}", {"year": YEAR}), 403)
    chinese_error(Caller(plan.other_town_admin).get(f"/planning/plans/{w.town.code}"), 404)
    county = Caller(plan.county_admin).get(f"/planning/plans/{w.county.code}/check", {"year": YEAR}).json()
    assert county["villages"] == 4


def test_letters_status_and_signing(plan):
    w = plan.world
    year = timezone.localdate().year
    caller = Caller(plan.town_admin)
    ResponsibilityLetter.objects.create(year=year, org_unit=w.sibling, generated_at=timezone.now())
    data = caller.get("/planning/letters", {"unit": w.town.code, "year": year}).json()
    states = {i["village"]["code"]: i["status"] for i in data["items"]}
    assert states == {w.village.code: "none", w.sibling.code: "pending", w.community.code: "none"} and data["signed"] == 0
    day = timezone.localdate() - datetime.timedelta(days=1)
    response = caller.client.post(f"/api/v1/planning/letters/{w.village.code}/sign",
                                  {"year": year, "signed_on": day.isoformat(), "scan": png(name="scan.png")}, **caller.headers)
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["status"] == "signed" and out["signed_on"] == day.isoformat() and out["signed_copy"]["name"] == "scan.png"
    data = caller.get("/planning/letters", {"unit": w.town.code, "year": year, "status": "unsigned"}).json()
    assert {i["village"]["code"] for i in data["items"]} == {w.sibling.code, w.community.code} and data["signed"] == 1
    # no scan, a future date, a village cadre, another town
    sign = f"/api/v1/planning/letters/{w.sibling.code}/sign"
    chinese_error(caller.client.post(sign, {"year": year, "signed_on": day.isoformat()}, **caller.headers), 400)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    chinese_error(caller.client.post(sign, {"year": year, "signed_on": future, "scan": png()}, **caller.headers), 400)
    cadre = Caller(plan.secretary_user)
    chinese_error(cadre.client.post(f"/api/v1/planning/letters/{w.village.code}/sign",
                                    {"year": year, "signed_on": day.isoformat(), "scan": png()}, **cadre.headers), 403)
    other = Caller(plan.other_town_admin)
    chinese_error(other.client.post(sign, {"year": year, "signed_on": day.isoformat(), "scan": png()}, **other.headers), 404)
    chinese_error(caller.get("/planning/letters", {"unit": w.town.code, "status": "bogus"}), 422)


def test_letter_batch_start_and_status(plan):
    w = plan.world
    response = Caller(plan.town_admin).post("/planning/letters/batches", {"town": w.town.code, "year": YEAR})
    assert response.status_code == 201, response.content
    batch = response.json()
    assert batch["town"]["name"] == "庆祖镇" and batch["total"] == 3 and batch["status"] in ("queued", "running", "done")
    again = Caller(plan.town_admin).get(f"/planning/letters/batches/{batch['id']}").json()
    assert again["id"] == batch["id"]
    chinese_error(Caller(plan.other_town_admin).get(f"/planning/letters/batches/{batch['id']}"), 404)
    chinese_error(Caller(plan.observer).post("/planning/letters/batches", {"town": w.town.code, "year": YEAR}), 403)
    chinese_error(Caller(plan.town_admin).post("/planning/letters/batches", {"town": w.village.code, "year": YEAR}), 404)
    chinese_error(Caller(plan.town_admin).get("/planning/letters/batches/99999999999999999999"), 404)
