"""A meeting series edited and stopped (service, page, API): scope (another town's series is 404), rank (a series the
county set up for a town is changed or stopped only at county rank; the town still holds its meetings), junk input
refused in Chinese with nothing saved, every change attributed in the series' 操作记录, a stopped series offering no
new meeting, and the lists in constant queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fivestar.core.models import AuditEvent
from fivestar.meetings.models import MeetingKind, MeetingSeries
from fivestar.meetings.services import MeetingError, create_meeting, save_series, set_series_active
from fivestar.people.models import Person, Position
from fivestar.supervision.tests.api_helpers import Caller, chinese_error

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def county_series(plan):
    return save_series(plan.county_admin, unit=plan.world.town, kind=MeetingKind.MONTHLY, name="县督导月例会", weekday=4,
                       attendees=[plan.liaison])


def audit(series):
    return list(AuditEvent.objects.filter(model="meetings.meetingseries", object_id=str(series.pk)).order_by("at", "id"))


# ---- service ----------------------------------------------------------------------------------------------------


def test_the_town_edits_its_series_and_the_change_is_attributed(plan, series):
    save_series(plan.town_admin, unit=None, series=series, kind=MeetingKind.DISPATCH, name="周四调度会", weekday=2,
                place="镇党委会议室", attendees=[plan.area_leader, plan.secretary])
    series.refresh_from_db()
    assert (series.name, series.weekday, series.place) == ("周四调度会", 2, "镇党委会议室")
    assert sorted(p.name for p in series.attendees.all()) == ["王书记", "赵包片"]
    events = audit(series)
    assert [e.action for e in events] == ["create", "update", "update"] and {e.user for e in events} == {plan.town_admin}
    assert {c["field"] for c in events[1].changes} == {"name", "weekday", "place"}
    assert events[2].changes == [{"field": "attendees", "label": "默认参会人员", "old": "李包村、赵包片", "new": "王书记、赵包片"}]
    assert events[0].org_unit == plan.world.town


def test_a_series_with_meetings_keeps_its_kind_and_junk_is_refused_with_nothing_saved(plan, series):
    outsider = Person.objects.create(org_unit=plan.world.other_village, name="外镇人", gender="M", position=Position.SECRETARY)
    create_meeting(plan.town_admin, series=series, date=today())
    with pytest.raises(MeetingError, match="不能修改会议类型"):
        save_series(plan.town_admin, unit=None, series=series, kind=MeetingKind.MONTHLY, name="改名")
    for kw, message in (({"weekday": "周八"}, "默认星期"), ({"weekday": 9}, "默认星期"), ({"kind": "yearly"}, "会议类型"),
                        ({"name": "长" * 101}, "不能超过"), ({"attendees": [outsider]}, "不是「庆祖镇」的人员")):
        with pytest.raises(MeetingError, match=message):
            save_series(plan.town_admin, unit=None, series=series, **{"kind": MeetingKind.DISPATCH, "name": "改名", **kw})
    series.refresh_from_db()
    assert series.name == "周调度会" and len(audit(series)) == 1


@pytest.mark.parametrize("who", ["observer", "secretary_user", "other_town_admin", "supervisor"])
def test_only_administrators_of_the_unit_change_a_series(plan, series, who):
    with pytest.raises(MeetingError, match="无权"):
        save_series(getattr(plan, who), unit=None, series=series, kind=MeetingKind.DISPATCH, name="偷改")
    with pytest.raises(MeetingError, match="无权"):
        set_series_active(getattr(plan, who), series, False)
    assert MeetingSeries.objects.get(pk=series.pk).name == "周调度会"


def test_a_countys_series_is_changed_only_at_county_rank(plan, county_series):
    with pytest.raises(MeetingError, match="由濮阳县设立，只有濮阳县或上级管理员才能修改或停用"):
        save_series(plan.town_admin, unit=None, series=county_series, kind=MeetingKind.MONTHLY, name="镇改名")
    with pytest.raises(MeetingError, match="只有濮阳县"):
        set_series_active(plan.town_admin, county_series, False)
    assert create_meeting(plan.town_admin, series=county_series, date=today()).pk  # the town still holds its meetings
    save_series(plan.county_admin, unit=None, series=county_series, kind=MeetingKind.MONTHLY, name="县督导月例会（改）",
                weekday=4, attendees=[plan.liaison])
    assert MeetingSeries.objects.get(pk=county_series.pk).name == "县督导月例会（改）"


def test_a_stopped_series_offers_no_new_meeting_until_restarted(plan, series):
    create_meeting(plan.town_admin, series=series, date=today() - datetime.timedelta(days=7))
    set_series_active(plan.town_admin, series, False)
    with pytest.raises(MeetingError, match="已经停用"):
        set_series_active(plan.town_admin, series, False)
    with pytest.raises(MeetingError, match="已停用，不能再新建会议"):
        create_meeting(plan.town_admin, series=MeetingSeries.objects.get(pk=series.pk), date=today())
    assert series.meetings.count() == 1
    set_series_active(plan.town_admin, series, True)
    assert create_meeting(plan.town_admin, series=MeetingSeries.objects.get(pk=series.pk), date=today()).pk
    changes = [e.changes for e in audit(series)[1:]]
    assert [c[0]["new"] for c in changes] == ["否", "是"]


# ---- pages ------------------------------------------------------------------------------------------------------


def test_series_page_edits_stops_and_shows_the_history(client, plan, series):
    client.force_login(plan.town_admin)
    body = client.get(f"/meetings/series/{series.pk}/").content.decode()
    assert "series-edit-form" in body and "series-deactivate" in body and "李包村" in body
    r = client.post(f"/meetings/series/{series.pk}/edit/", {"name": "周四调度会", "kind": "dispatch", "weekday": "3",
                                                           "place": "镇会议室", "attendees": [plan.secretary.pk]})
    assert r.status_code == 302
    series.refresh_from_db()
    assert series.name == "周四调度会" and [p.name for p in series.attendees.all()] == ["王书记"]
    r = client.post(f"/meetings/series/{series.pk}/edit/", {"name": "x", "kind": "dispatch", "weekday": "abc"})
    assert "请选择正确的默认星期" in client.get(r.url).content.decode()
    r = client.post(f"/meetings/series/{series.pk}/edit/", {"name": "x", "kind": "dispatch", "weekday": "3", "attendees": ["9" * 30]})
    assert "所选参会人员不存在" in client.get(r.url).content.decode()
    client.post(f"/meetings/series/{series.pk}/active/", {"active": "0"})
    body = client.get(f"/meetings/series/{series.pk}/").content.decode()
    assert "已停用" in body and "series-activate" in body and "默认参会人员" in body and "名称" in body
    index = client.get("/meetings/").content.decode()
    assert f"new-meeting-{series.pk}" not in index and "已停用的系列（1）" in index
    assert MeetingSeries.objects.get(pk=series.pk).name == "周四调度会"


def test_series_page_per_role(client, plan, series, county_series):
    client.force_login(plan.observer)
    body = client.get(f"/meetings/series/{series.pk}/").content.decode()
    assert "series-edit-form" not in body and "周调度会" in body
    r = client.post(f"/meetings/series/{series.pk}/active/", {"active": "0"})
    assert "无权" in client.get(r.url).content.decode() and MeetingSeries.objects.get(pk=series.pk).active
    client.force_login(plan.other_town_admin)
    assert client.get(f"/meetings/series/{series.pk}/").status_code == 404
    assert client.post(f"/meetings/series/{series.pk}/edit/", {"name": "x"}).status_code == 404
    assert client.get("/meetings/series/99999999999999999999/").status_code == 404
    client.force_login(plan.town_admin)
    body = client.get(f"/meetings/series/{county_series.pk}/").content.decode()
    assert "series-outranked" in body and "series-edit-form" not in body
    r = client.post(f"/meetings/series/{county_series.pk}/active/", {"active": "0"})
    assert "只有濮阳县" in client.get(r.url).content.decode() and MeetingSeries.objects.get(pk=county_series.pk).active
    client.force_login(plan.county_admin)
    assert "series-edit-form" in client.get(f"/meetings/series/{county_series.pk}/").content.decode()


def test_series_page_and_index_keep_their_queries_as_history_and_series_grow(client, plan, series):
    create_meeting(plan.town_admin, series=series, date=today() + datetime.timedelta(days=1))
    client.force_login(plan.town_admin)
    client.get(f"/meetings/series/{series.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/meetings/series/{series.pk}/")
    with CaptureQueriesContext(connection) as few_index:
        client.get("/meetings/")
    for n in range(6):
        save_series(plan.town_admin, unit=None, series=series, kind="dispatch", name=f"周调度会{n}", attendees=[plan.liaison])
        create_meeting(plan.town_admin, series=series, date=today() - datetime.timedelta(days=7 * n))
        save_series(plan.town_admin, unit=plan.world.town, kind="special", name=f"专题{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(f"/meetings/series/{series.pk}/")
    with CaptureQueriesContext(connection) as many_index:
        client.get("/meetings/")
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many_index) == len(few_index)


# ---- API --------------------------------------------------------------------------------------------------------


def test_series_over_the_api_per_role(plan, series, county_series):
    w = plan.world
    town, county = Caller(plan.town_admin), Caller(plan.county_admin)
    r = town.post("/meetings/series", {"unit": w.town.code, "kind": "observation", "name": "季度观摩会", "weekday": 1,
                                       "attendee_ids": [plan.liaison.pk]})
    assert r.status_code == 201, r.content
    made = r.json()
    assert made["kind"] == "observation" and made["attendees"] == [{"id": plan.liaison.pk, "name": "李包村"}] and made["can_edit"]
    chinese_error(Caller(plan.observer).post("/meetings/series", {"unit": w.town.code, "kind": "dispatch"}), 403)
    chinese_error(Caller(plan.other_town_admin).post("/meetings/series", {"unit": w.town.code, "kind": "dispatch"}), 404)
    chinese_error(town.post("/meetings/series", {"unit": w.town.code, "kind": "yearly"}), 422)
    chinese_error(town.post("/meetings/series", {"unit": w.town.code, "kind": "dispatch", "weekday": 7}), 422)
    chinese_error(town.post("/meetings/series", {"unit": w.town.code, "kind": "dispatch", "attendee_ids": [2**70]}), 422)
    chinese_error(town.post("/meetings/series", {"unit": w.town.code, "kind": "dispatch", "attendee_ids": [plan.sibling_secretary.pk + 1000]}), 400)

    body = {"kind": "dispatch", "name": "周四调度会", "weekday": 3, "place": "镇会议室", "attendee_ids": [plan.secretary.pk]}
    r = town.raw("put", f"/meetings/series/{series.pk}", body)
    assert r.status_code == 200 and r.json()["name"] == "周四调度会" and r.json()["attendees"][0]["name"] == "王书记"
    chinese_error(town.raw("put", f"/meetings/series/{series.pk}", {**body, "name": "长" * 101}), 422)
    chinese_error(Caller(plan.observer).raw("put", f"/meetings/series/{series.pk}", body), 403)
    chinese_error(Caller(plan.other_town_admin).raw("put", f"/meetings/series/{series.pk}", body), 404)
    chinese_error(town.raw("put", f"/meetings/series/{series.pk}", "not json"), 400)
    detail = town.get(f"/meetings/series/{county_series.pk}").json()
    assert detail["can_edit"] is False
    chinese_error(town.raw("put", f"/meetings/series/{county_series.pk}", {**body, "kind": "monthly"}), 403)
    chinese_error(town.post(f"/meetings/series/{county_series.pk}/deactivate"), 403)
    assert county.get(f"/meetings/series/{county_series.pk}").json()["can_edit"] is True

    r = town.post(f"/meetings/series/{series.pk}/deactivate")
    assert r.status_code == 200 and r.json()["active"] is False
    chinese_error(town.post(f"/meetings/series/{series.pk}/deactivate"), 400)
    chinese_error(town.post("/meetings", {"series_id": series.pk, "date": today().isoformat()}), 400)
    assert series.pk not in [s["id"] for s in town.get("/meetings/series").json()]
    assert series.pk in [s["id"] for s in town.get("/meetings/series", {"include_inactive": "true"}).json()]
    assert town.post(f"/meetings/series/{series.pk}/activate").json()["active"] is True
    chinese_error(Caller(plan.other_town_admin).post(f"/meetings/series/{series.pk}/activate"), 404)
    assert [e.user for e in audit(series)] == [plan.town_admin] * 5


def test_series_routes_are_in_openapi(client, plan):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/meetings/series/{series_id}", "/api/v1/meetings/series/{series_id}/deactivate",
                 "/api/v1/meetings/series/{series_id}/activate"):
        assert path in paths, path
    assert {"get", "post"} <= set(paths["/api/v1/meetings/series"]) and "put" in paths["/api/v1/meetings/series/{series_id}"]


@pytest.mark.parametrize("kind, weekday, after, expected", [
    ("dispatch", 3, datetime.date(2026, 3, 2), datetime.date(2026, 3, 5)),     # the next Thursday
    ("dispatch", 3, datetime.date(2026, 3, 5), datetime.date(2026, 3, 5)),     # today is Thursday
    ("monthly", 4, datetime.date(2026, 3, 2), datetime.date(2026, 3, 27)),     # the month's last Friday
    ("monthly", 4, datetime.date(2026, 3, 28), datetime.date(2026, 4, 24)),    # passed: next month's
    ("monthly", 1, datetime.date(2026, 12, 30), datetime.date(2027, 1, 26)),   # across the year
    ("observation", 3, datetime.date(2026, 1, 10), datetime.date(2026, 3, 26)),  # the quarter's last month
    ("observation", 3, datetime.date(2026, 9, 25), datetime.date(2026, 12, 31)),  # passed: next quarter's
    ("special", 0, datetime.date(2026, 3, 4), datetime.date(2026, 3, 9)),
])
def test_a_series_default_day_follows_its_rhythm(kind, weekday, after, expected):
    from fivestar.meetings.services.meetings import next_date

    assert next_date(MeetingSeries(kind=kind, weekday=weekday), after) == expected
