"""A meeting's minutes, agenda, date and attendance edited through the API as on its page: the same service, scope
(404 outside), authority (403 for an observer), a stale version 409, junk 400/422 in Chinese with nothing saved,
every change in the meeting's events with who made it; the page refuses a forged version or person without a 500."""

import datetime

import pytest
from django.utils import timezone

from fivestar.meetings.models import Attendance, Meeting, MeetingEvent
from fivestar.meetings.services import MeetingError, create_meeting, set_attendance
from fivestar.supervision.tests.api_helpers import Caller, chinese_error

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def meeting(plan, series):
    return create_meeting(plan.town_admin, series=series, date=today())


def test_minutes_and_holding_over_the_api(plan, meeting):
    town = Caller(plan.town_admin)
    r = town.raw("patch", f"/meetings/{meeting.pk}", {"minutes": "会议听取汇报。", "agenda": "一、汇报", "held": True,
                                                     "version": meeting.version})
    assert r.status_code == 200, r.content
    data = r.json()
    assert (data["minutes"], data["agenda"], data["status"], data["version"]) == ("会议听取汇报。", "一、汇报", "held", 2)
    chinese_error(town.raw("patch", f"/meetings/{meeting.pk}", {"minutes": "旧版本上的修改", "version": 1}), 409)
    chinese_error(town.raw("patch", f"/meetings/{meeting.pk}", {"date": (today() + datetime.timedelta(days=3)).isoformat(),
                                                                  "held": True}), 400)
    chinese_error(town.raw("patch", f"/meetings/{meeting.pk}", {"date": "下周四"}), 422)
    chinese_error(town.raw("patch", f"/meetings/{meeting.pk}", {"minutes": "长" * 20001}), 422)
    chinese_error(town.raw("patch", f"/meetings/{meeting.pk}", {"version": "abc"}), 422)
    chinese_error(town.raw("patch", f"/meetings/{meeting.pk}", "{"), 400)
    chinese_error(Caller(plan.observer).raw("patch", f"/meetings/{meeting.pk}", {"minutes": "偷改"}), 403)
    chinese_error(Caller(plan.other_town_admin).raw("patch", f"/meetings/{meeting.pk}", {"minutes": "偷改"}), 404)
    m = Meeting.objects.get(pk=meeting.pk)
    assert (m.minutes, m.version, m.date) == ("会议听取汇报。", 2, today())
    edits = MeetingEvent.objects.filter(meeting=m, action="edit")
    assert [(e.user, e.detail) for e in edits] == [(plan.town_admin, "修改：议程、会议纪要、状态")]


def test_attendance_over_the_api(plan, meeting):
    town = Caller(plan.town_admin)
    body = {"attendance": [{"person_id": plan.liaison.pk, "state": "leave"}, {"person_id": plan.secretary.pk, "state": "present"}],
            "remove": [plan.area_leader.pk]}
    r = town.raw("put", f"/meetings/{meeting.pk}/attendance", body)
    assert r.status_code == 200, r.content
    assert {a["name"]: a["state"] for a in r.json()["attendance"]} == {"李包村": "leave", "王书记": "present"}
    chinese_error(town.raw("put", f"/meetings/{meeting.pk}/attendance", {"attendance": [{"person_id": plan.liaison.pk, "state": "maybe"}]}), 422)
    chinese_error(town.raw("put", f"/meetings/{meeting.pk}/attendance", {"attendance": [{"person_id": 2**64, "state": "absent"}]}), 422)
    chinese_error(town.raw("put", f"/meetings/{meeting.pk}/attendance", {"attendance": "all"}), 422)
    from fivestar.people.models import Person, Position
    outsider = Person.objects.create(org_unit=plan.world.other_village, name="外镇人", gender="M", position=Position.SECRETARY)
    # One wrong person refuses the whole change: the liaison's state is not changed either.
    refused = chinese_error(town.raw("put", f"/meetings/{meeting.pk}/attendance", {"attendance": [
        {"person_id": plan.liaison.pk, "state": "absent"}, {"person_id": outsider.pk, "state": "present"}]}), 400)
    assert "外镇人" in refused["detail"]
    chinese_error(town.raw("put", f"/meetings/{meeting.pk}/attendance", {"remove": [plan.area_leader.pk]}), 400)
    chinese_error(town.raw("put", f"/meetings/{meeting.pk}/attendance", {"attendance": [{"person_id": 999999, "state": "absent"}]}), 400)
    chinese_error(Caller(plan.observer).raw("put", f"/meetings/{meeting.pk}/attendance", body), 403)
    chinese_error(Caller(plan.other_town_admin).raw("put", f"/meetings/{meeting.pk}/attendance", body), 404)
    assert dict(Attendance.objects.filter(meeting=meeting).values_list("person__name", "state")) == {"李包村": "leave", "王书记": "present"}
    logged = MeetingEvent.objects.get(meeting=meeting, action="attendance")
    assert logged.user == plan.town_admin and "移出：赵包片" in logged.detail


def test_the_service_and_page_refuse_forged_ids_and_versions_in_chinese(client, plan, meeting):
    for states in ({"abc": "present"}, {str(2**70): "present"}, {None: "present"}):
        with pytest.raises(MeetingError, match="参会人员不存在"):
            set_attendance(plan.town_admin, meeting, states)
    with pytest.raises(MeetingError, match="不在本次会议的参会名单中"):
        set_attendance(plan.town_admin, meeting, {}, remove=[plan.secretary.pk])
    client.force_login(plan.town_admin)
    r = client.post(f"/meetings/{meeting.pk}/edit/", {"minutes": "x", "date": today().isoformat(), "version": "abc"})
    assert r.status_code == 302 and "已被他人修改" in client.get(r.url).content.decode()
    r = client.post(f"/meetings/{meeting.pk}/attendance/", {f"p{plan.liaison.pk}": "nope"})
    assert "出席、缺席或请假" in client.get(r.url).content.decode()
    assert Meeting.objects.get(pk=meeting.pk).minutes == ""


def test_edit_routes_are_in_openapi(client, plan):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "patch" in paths["/api/v1/meetings/{meeting_id}"] and "put" in paths["/api/v1/meetings/{meeting_id}/attendance"]
