"""Meetings API per role: series and meetings in scope (404 outside), create, decisions into ledger tasks (403 for an
observer, 400 with the Chinese reason), detail with the series' open decisions, the briefing started and its status."""

import datetime

import pytest
from django.utils import timezone

from fivestar.meetings.services import create_meeting
from fivestar.planning.models import LedgerTask
from fivestar.supervision.tests.api_helpers import Caller, chinese_error

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def test_routes_are_in_openapi(client, plan):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/meetings/series", "/api/v1/meetings", "/api/v1/meetings/{meeting_id}",
                 "/api/v1/meetings/{meeting_id}/decisions", "/api/v1/meetings/{meeting_id}/briefing"):
        assert path in paths, path


def test_meetings_decisions_and_briefing_over_the_api(plan, series, django_capture_on_commit_callbacks):
    w = plan.world
    town = Caller(plan.town_admin)
    assert [s["kind"] for s in town.get("/meetings/series").json()] == ["dispatch"]
    assert Caller(plan.other_town_admin).get("/meetings/series").json() == []
    r = town.post("/meetings", {"series_id": series.pk, "date": (today() - datetime.timedelta(days=7)).isoformat()})
    assert r.status_code == 201, r.content
    first = r.json()
    assert first["place"] == "镇政府三楼会议室" and len(first["attendance"]) == 2
    deadline = (today() + datetime.timedelta(days=5)).isoformat()
    body = {"text": "补齐产业台账", "owner_id": plan.liaison.pk, "village": w.village.code, "star_code": "cyxw", "deadline": deadline}
    r = town.post(f"/meetings/{first['id']}/decisions", body)
    assert r.status_code == 201 and r.json()["task_status"] == "todo"
    assert LedgerTask.objects.get(pk=r.json()["task_id"]).source == "meeting"
    chinese_error(Caller(plan.observer).post(f"/meetings/{first['id']}/decisions", body), 403)
    chinese_error(town.post(f"/meetings/{first['id']}/decisions", {**body, "star_code": "xx"}), 400)
    chinese_error(Caller(plan.other_town_admin).get(f"/meetings/{first['id']}"), 404)
    chinese_error(Caller(plan.observer).post("/meetings", {"series_id": series.pk}), 403)
    nxt = create_meeting(plan.town_admin, series=series, date=today())
    detail = town.get(f"/meetings/{nxt.pk}").json()
    assert [d["text"] for d in detail["open_decisions_before"]] == ["补齐产业台账"] and detail["briefing"] is None
    chinese_error(town.get(f"/meetings/{nxt.pk}/briefing"), 404)
    with django_capture_on_commit_callbacks(execute=True):
        assert town.post(f"/meetings/{nxt.pk}/briefing").status_code == 202
    status = town.get(f"/meetings/{nxt.pk}/briefing").json()
    assert status["status"] == "done" and status["docx"] == f"/meetings/{nxt.pk}/briefing.docx"
    listed = town.get("/meetings", {"kind": "dispatch"}).json()
    assert listed["count"] == 2 and listed["items"][0]["id"] == nxt.pk
    assert Caller(plan.other_town_admin).get("/meetings").json()["count"] == 0
    chinese_error(town.post("/meetings", {"unit": w.town.code, "title": "无日期"}), 400)


def test_invisible_characters_are_cleaned_from_a_decision(plan, series):
    """The API's shared parser cleans this app's bodies too: the decision and the ledger task it becomes are plain."""
    from fivestar.meetings.models import Decision

    town = Caller(plan.town_admin)
    meeting = town.post("/meetings", {"series_id": series.pk, "date": today().isoformat()}).json()
    r = town.post(f"/meetings/{meeting['id']}/decisions", {
        "text": "补齐\u200b产业\x00台账\u202e", "owner_id": plan.liaison.pk, "village": plan.world.village.code,
        "star_code": "cyxw", "deadline": (today() + datetime.timedelta(days=5)).isoformat()})
    assert r.status_code == 201, r.content
    decision = Decision.objects.get()
    assert decision.text == "补齐产业台账" and LedgerTask.objects.get(pk=decision.task_id).title == "补齐产业台账"
