"""Meeting pages per role: the list (filters, pages, constant queries), a meeting's page (attendance, minutes,
decisions into ledger tasks, the series' open decisions), the briefing generated from the page, its phone view and
downloads read back, and scope (another town's meeting is 404)."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document

from fivestar.meetings.models import Decision, Meeting, MeetingStatus
from fivestar.meetings.services import add_decision, create_meeting, save_series
from fivestar.planning.models import LedgerTask

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def page(client, user, url, **kw):
    client.force_login(user)
    return client.get(url, **kw)


def test_the_list_shows_the_towns_meetings_in_constant_queries(client, plan, series):
    for n in range(3):
        create_meeting(plan.town_admin, series=series, date=today() - datetime.timedelta(days=7 * n))
    client.force_login(plan.town_admin)
    with CaptureQueriesContext(connection) as few:
        body = client.get("/meetings/").content.decode()
    assert body.count("周调度会") >= 4 and "新建会议" in body
    for n in range(3, 12):
        create_meeting(plan.town_admin, series=series, date=today() - datetime.timedelta(days=7 * n))
    with CaptureQueriesContext(connection) as many:
        client.get("/meetings/")
    assert len(many) == len(few)
    assert "周调度会" not in client.get("/meetings/?kind=monthly").content.decode().split("meeting-list")[1]


def test_roles_see_and_act_by_scope(client, plan, series):
    m = create_meeting(plan.town_admin, series=series, date=today())
    assert page(client, plan.county_admin, f"/meetings/{m.pk}/").status_code == 200
    observer = page(client, plan.observer, f"/meetings/{m.pk}/").content.decode()
    assert "decision-form" not in observer and "briefing-start" not in observer
    assert page(client, plan.other_town_admin, f"/meetings/{m.pk}/").status_code == 404
    client.force_login(plan.observer)
    r = client.post(f"/meetings/{m.pk}/edit/", {"minutes": "偷改", "date": today().isoformat()})
    assert "无权" in client.get(r.url).content.decode()
    assert Meeting.objects.get(pk=m.pk).minutes == ""
    client.force_login(plan.other_town_admin)
    assert client.post(f"/meetings/{m.pk}/edit/", {"minutes": "x"}).status_code == 404


def test_minutes_attendance_and_a_decision_from_the_page(client, plan, series):
    m = create_meeting(plan.town_admin, series=series, date=today())
    client.force_login(plan.town_admin)
    client.post(f"/meetings/{m.pk}/edit/", {"date": today().isoformat(), "place": "镇会议室", "agenda": "听取汇报",
                                             "minutes": "各村汇报进展。", "held": "1", "version": m.version})
    m.refresh_from_db()
    assert (m.status, m.minutes, m.place) == (MeetingStatus.HELD, "各村汇报进展。", "镇会议室")
    client.post(f"/meetings/{m.pk}/attendance/", {f"p{plan.liaison.pk}": "absent", "add_person": plan.secretary.pk})
    assert dict(m.attendance.values_list("person__name", "state")) == {"李包村": "absent", "赵包片": "present", "王书记": "present"}
    deadline = today() + datetime.timedelta(days=9)
    client.post(f"/meetings/{m.pk}/decisions/", {"text": "完善村规民约", "village": plan.world.village.pk, "star_code": "wmxf",
                                                  "owner": plan.secretary.pk, "deadline": deadline.isoformat()})
    d = Decision.objects.get()
    assert LedgerTask.objects.get(pk=d.task_id).title == "完善村规民约"
    r = client.post(f"/meetings/{m.pk}/decisions/", {"text": "", "village": plan.world.village.pk, "star_code": "wmxf",
                                                      "owner": plan.secretary.pk, "deadline": deadline.isoformat()})
    assert "请填写议定事项" in client.get(r.url).content.decode() and Decision.objects.count() == 1
    nxt = create_meeting(plan.town_admin, series=series, date=today() + datetime.timedelta(days=7))
    body = client.get(f"/meetings/{nxt.pk}/").content.decode()
    assert "此前会议未完成的议定事项" in body and "完善村规民约" in body and "未开始" in body


def test_the_briefing_from_the_page_to_the_phone_view_and_downloads(client, plan, series, django_capture_on_commit_callbacks):
    first = create_meeting(plan.town_admin, series=series, date=today() - datetime.timedelta(days=7))
    add_decision(plan.town_admin, first, text_value="整治坑塘", owner=plan.liaison, deadline=today() + datetime.timedelta(days=3),
                 village=plan.world.village, star_code="stjy")
    m = create_meeting(plan.town_admin, series=series, date=today())
    client.force_login(plan.town_admin)
    assert client.get(f"/meetings/{m.pk}/briefing/status/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/meetings/{m.pk}/briefing/start/")
    status = client.get(f"/meetings/{m.pk}/briefing/status/").json()
    assert status["done"] and status["step"] == 3
    view = client.get(f"/meetings/{m.pk}/briefing/").content.decode()
    assert "整治坑塘" in view and "四、上次会议议定事项落实情况" in view
    r = client.get(f"/meetings/{m.pk}/briefing.docx")
    doc = Document(io.BytesIO(b"".join(r.streaming_content)))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "整治坑塘" in cells and "李包村" in cells
    assert b"".join(client.get(f"/meetings/{m.pk}/briefing.pdf").streaming_content)[:4] == b"%PDF"
    client.force_login(plan.observer)
    assert client.get(f"/meetings/{m.pk}/briefing/").status_code == 200
    client.force_login(plan.other_town_admin)
    assert client.get(f"/meetings/{m.pk}/briefing.docx").status_code == 404


def test_series_and_one_off_meetings_from_the_list(client, plan):
    client.force_login(plan.town_admin)
    client.post("/meetings/series/new/", {"unit": plan.world.town.code, "kind": "monthly", "weekday": "4", "place": "党委会议室"})
    s = plan.world.town.meeting_series.get()
    assert (s.name, s.weekday) == ("月总结会（创建工作领导小组）", 4)
    r = client.post("/meetings/new/", {"unit": plan.world.town.code, "kind": "special", "title": "人居环境专题会",
                                       "date": today().isoformat()})
    assert Meeting.objects.get(title="人居环境专题会").series is None and r.status_code == 302
    r = client.post("/meetings/new/", {"unit": plan.world.town.code, "kind": "special", "title": "无日期"})
    assert "请填写会议日期" in client.get(r.url).content.decode()
    client.force_login(plan.secretary_user)
    r = client.post("/meetings/series/new/", {"unit": plan.world.town.code, "kind": "dispatch"})
    assert plan.world.town.meeting_series.count() == 1


def test_a_meetings_page_keeps_its_queries_as_decisions_grow(client, plan, series):
    first = create_meeting(plan.town_admin, series=series, date=today() - datetime.timedelta(days=7))
    m = create_meeting(plan.town_admin, series=series, date=today())

    def decide(meeting, n):
        for k in range(n):
            add_decision(plan.town_admin, meeting, text_value=f"事项{meeting.pk}-{k}", owner=plan.liaison,
                         deadline=today() + datetime.timedelta(days=5), village=plan.world.village, star_code="stjy")

    decide(first, 1)
    decide(m, 1)
    client.force_login(plan.town_admin)
    client.get(f"/meetings/{m.pk}/")  # framework names cached
    with CaptureQueriesContext(connection) as few:
        client.get(f"/meetings/{m.pk}/")
    decide(first, 6)
    decide(m, 6)
    with CaptureQueriesContext(connection) as many:
        body = client.get(f"/meetings/{m.pk}/").content.decode()
    own = body.split('data-testid="decisions"')[1].split("</ul>")[0]
    carried = body.split('data-testid="carried-decisions"')[1].split("</ul>")[0]
    assert own.count(f"事项{m.pk}-") == 7 and carried.count(f"事项{first.pk}-") == 7
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
