"""Pages and API per role: 404 out of scope, 403 without authority, junk never a 500, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.indicators.models import CollectiveIncome
from fivestar.projects.models import Interest, Project, ProjectReturn

pytestmark = pytest.mark.django_db


def test_catalogue_and_detail_per_role(proj, login):
    p = proj.agreed()
    for user in (proj.cadre, proj.investor, proj.town_admin, proj.county_admin):
        c = login(user)
        r = c.get("/projects/")
        assert r.status_code == 200 and p.name in r.content.decode()
        assert c.get(f"/projects/{p.pk}/").status_code == 200
    c = login(proj.outsider)
    assert p.name not in c.get("/projects/").content.decode()
    assert c.get(f"/projects/{p.pk}/").status_code == 404
    assert c.get(f"/projects/{p.pk}/interest/").status_code == 404


def test_authority(proj, login):
    p = proj.agreed()
    c = login(proj.investor)
    assert c.get(f"/projects/{p.pk}/agreement/").status_code == 403
    assert c.post(f"/projects/{p.pk}/returns/", {"year": "2025"}).status_code == 403
    assert c.post(f"/projects/{p.pk}/stage/", {"stage": "building"}).status_code == 403
    assert login(proj.cadre).get(f"/projects/{p.pk}/interest/").status_code == 403  # its own village's project
    assert login(proj.town_admin).get(f"/projects/{p.pk}/agreement/").status_code == 200


def test_publish_page_and_junk(proj, login):
    c = login(proj.cadre)
    assert c.get("/projects/new/").status_code == 200
    r = c.post("/projects/new/", {"village": proj.world.village.code, "name": "冬枣园", "industry": "冬枣", "investment": "abc"})
    assert r.status_code == 200 and "所需投资应为数字" in r.content.decode() and not Project.objects.exists()
    r = c.post("/projects/new/", {"village": proj.world.sibling.code, "name": "冬枣园", "industry": "冬枣", "investment": "1"})
    assert "请选择发布项目的村" in r.content.decode()
    r = c.post("/projects/new/", {"village": proj.world.village.code, "name": "冬枣园", "industry": "冬枣", "investment": "500000"})
    assert r.status_code == 302 and Project.objects.get().created_by == proj.cadre
    for junk in ("?page=abc", "?stage=%00", "?amount=x&min=1e999&sort=zz", "?industry=" + "x" * 500):
        assert c.get("/projects/" + junk).status_code == 200
    assert c.get("/projects/999999/").status_code == 404
    assert c.get("/projects/policy/junk/").status_code == 404


def test_interest_agreement_returns_pages(proj, login):
    w = proj.world
    p = proj.publish()
    c = login(proj.investor)
    r = c.post(f"/projects/{p.pk}/interest/", {"village": w.sibling.code, "amount": "200000", "note": "入股"})
    assert r.status_code == 302 and Interest.objects.get().village == w.sibling
    c = login(proj.town_admin)
    body = c.get(f"/projects/{p.pk}/agreement/").content.decode()
    assert "项目支持优先级" in body  # the reason shown where the decision is made
    r = c.post(f"/projects/{p.pk}/agreement/", {"signed_on": "2026-03-10", "meeting": str(proj.meeting.pk),
                                                f"share_{w.village.code}": "70", f"share_{w.sibling.code}": "30"})
    assert r.status_code == 302
    r = c.post(f"/projects/{p.pk}/returns/", {"year": "2025", f"amount_{w.village.code}": "7000", f"amount_{w.sibling.code}": "3000"})
    assert r.status_code == 302
    assert CollectiveIncome.objects.get(org_unit=w.sibling, year=2025).amount == 3000
    r = c.post(f"/projects/{p.pk}/returns/", {"year": "20x5", f"amount_{w.village.code}": "1"})
    assert r.status_code == 200 and "年度" in r.content.decode()
    assert ProjectReturn.objects.count() == 2


def test_policy_page(proj, login):
    w = proj.world
    assert login(proj.cadre).get(f"/projects/policy/{w.town.code}/").status_code == 404
    c = login(proj.town_admin)
    assert c.get(f"/projects/policy/{w.town.code}/").status_code == 200
    data = {f"priority_{s}": "1" for s in range(6)}
    assert c.post(f"/projects/policy/{w.town.code}/", {**data, "priority_0": "abc"}).status_code == 200
    assert c.post(f"/projects/policy/{w.town.code}/", data).status_code == 302
    assert login(w.users["observer"]).post(f"/projects/policy/{w.town.code}/", data).status_code == 403


def _count(c, url):
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    return len(ctx)


def test_catalogue_queries_constant(proj, login):
    from fivestar.projects.services.projects import express_interest

    c = login(proj.town_admin)
    p = proj.publish()
    express_interest(proj.investor, p, proj.world.sibling, amount_value="1")
    few = _count(c, "/projects/")
    for i in range(8):
        proj.publish(name=f"项目{i}")
    assert _count(c, "/projects/") == few


def test_api(proj, api_token, client):
    w = proj.world
    def call(user, method, url, **kw):  # noqa: E306
        return getattr(client, method)(url, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api_token(user)}", **kw)

    r = call(proj.cadre, "post", "/api/v1/projects/", data={"village": w.village.code, "name": "辣椒加工", "industry": "辣椒", "investment": "600000"})
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert call(proj.cadre, "post", "/api/v1/projects/", data={"village": w.village.code, "name": "x", "industry": "x", "investment": "-1"}).status_code == 400
    assert call(proj.outsider, "get", f"/api/v1/projects/{pid}").status_code == 404
    assert call(proj.investor, "get", "/api/v1/projects/").json()["count"] == 1
    r = call(proj.investor, "post", f"/api/v1/projects/{pid}/interests", data={"village": w.sibling.code, "amount": "100000"})
    assert r.status_code == 201 and "项目支持优先级" in r.json()["reason"]
    assert call(proj.investor, "post", f"/api/v1/projects/{pid}/agreements",
                data={"signed_on": "2026-03-10", "participants": [{"village": w.sibling.code, "share": "50"}]}).status_code == 403
    r = call(proj.town_admin, "post", f"/api/v1/projects/{pid}/agreements",
             data={"signed_on": "2026-03-10", "meeting_id": proj.meeting.pk, "participants": [{"village": w.village.code, "share": "50"},
                                                                                             {"village": w.sibling.code, "share": "50"}]})
    assert r.status_code == 201, r.content
    r = call(proj.town_admin, "put", f"/api/v1/projects/{pid}/returns", data={"year": 2025, "amounts": {w.sibling.code: "5000"}})
    assert r.status_code == 200 and r.json()[0]["amount"] in ("5000.00", 5000, "5000")
    assert call(proj.town_admin, "put", f"/api/v1/projects/{pid}/stage", data={"stage": "building"}).json()["stage"] == "building"
    assert call(proj.town_admin, "put", f"/api/v1/projects/{pid}/stage", data={"stage": "zz"}).status_code == 400
    assert call(proj.town_admin, "get", f"/api/v1/projects/incentive-policy/{w.town.code}").status_code == 200
    assert call(proj.cadre, "put", f"/api/v1/projects/incentive-policy/{w.town.code}", data={"rules": {}}).status_code == 404
    assert call(proj.town_admin, "put", f"/api/v1/projects/incentive-policy/{w.town.code}", data={"rules": {"5": {"priority": "x"}}}).status_code == 400
    assert call(proj.town_admin, "get", "/api/v1/projects/?min=abc&sort=zz&limit=5").status_code == 200
    paths = call(proj.town_admin, "get", "/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/projects/" in paths and "/api/v1/projects/{project_id}/returns" in paths


def test_income_pages_show_the_project_source(proj, login):
    from fivestar.projects.services.agreements import record_returns

    w = proj.world
    p = proj.agreed()
    record_returns(proj.town_admin, p, 2025, {w.sibling.code: "20000"})
    c = login(proj.investor)
    body = c.get(f"/indicators/{w.sibling.code}/").content.decode()
    assert "含项目分红收益" in body
    r = c.get(f"/indicators/{w.sibling.code}/record/?year=2025")
    assert r.status_code == 200 and "另含项目分红收益" in r.content.decode()
