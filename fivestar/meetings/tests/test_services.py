"""Meeting services: series defaults, meetings per role, attendance, minutes, decisions as ledger tasks listed at the
next meeting, and the briefing generated (Word read back, PDF made) with real figures."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document

from fivestar.meetings.models import Briefing, Decision, MeetingEvent, MeetingKind, MeetingStatus
from fivestar.meetings.services import (MeetingError, add_decision, create_meeting, previous_decisions, save_meeting,
                                        set_attendance, start_briefing)
from fivestar.meetings.services.briefing_job import generate, run
from fivestar.planning.models import LedgerTask
from fivestar.planning.models.ledger import TaskSource, TaskStatus
from fivestar.planning.services import set_task_status
from fivestar.supervision.models import Problem

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def decide(plan, meeting, text="修缮村口道路", days=10, **kw):
    return add_decision(plan.town_admin, meeting, text_value=text, owner=kw.pop("owner", plan.liaison),
                        deadline=today() + datetime.timedelta(days=days), village=kw.pop("village", plan.world.village),
                        star_code=kw.pop("star_code", "stjy"))


def test_a_series_meeting_takes_its_defaults_and_attendees(plan, series):
    meeting = create_meeting(plan.town_admin, series=series, date=today())
    assert meeting.kind == MeetingKind.DISPATCH and meeting.place == "镇政府三楼会议室"
    assert meeting.title.endswith("周调度会") and meeting.org_unit == plan.world.town
    assert sorted(a.person.name for a in meeting.attendance.all()) == ["李包村", "赵包片"]
    default = create_meeting(plan.town_admin, series=series)
    assert default.date.weekday() == 3 and default.date >= today()  # Thursday by default
    assert MeetingEvent.objects.filter(meeting=meeting, action="create", user=plan.town_admin).exists()


@pytest.mark.parametrize("who", ["secretary_user", "observer", "other_town_admin", "supervisor"])
def test_only_the_towns_and_countys_administrators_run_meetings(plan, series, who):
    with pytest.raises(MeetingError, match="无权"):
        create_meeting(getattr(plan, who), series=series, date=today())


def test_the_county_runs_a_meeting_of_its_town(plan, series):
    assert create_meeting(plan.county_admin, series=series, date=today()).pk


def test_attendance_minutes_and_holding(plan, series):
    meeting = create_meeting(plan.town_admin, series=series, date=today())
    assert set_attendance(plan.town_admin, meeting, {plan.liaison.pk: "leave", plan.secretary.pk: "present"}) == 2
    states = {a.person.name: a.state for a in meeting.attendance.all()}
    assert states == {"李包村": "leave", "赵包片": "present", "王书记": "present"}
    with pytest.raises(MeetingError, match="出席、缺席或请假"):
        set_attendance(plan.town_admin, meeting, {plan.liaison.pk: "maybe"})
    with pytest.raises(MeetingError, match="不是「庆祖镇」的人员"):
        set_attendance(plan.town_admin, meeting, {_outsider(plan).pk: "present"})
    held = save_meeting(plan.town_admin, meeting, minutes="会议听取各村汇报。", held=True)
    assert held.status == MeetingStatus.HELD and held.minutes == "会议听取各村汇报。" and held.version == 2
    with pytest.raises(MeetingError, match="已被他人修改"):
        save_meeting(plan.town_admin, meeting, minutes="x", version=1)
    future = create_meeting(plan.town_admin, series=series, date=today() + datetime.timedelta(days=3))
    with pytest.raises(MeetingError, match="日期未到"):
        save_meeting(plan.town_admin, future, held=True)


def _outsider(plan):
    from fivestar.people.models import Person

    return Person.objects.create(org_unit=plan.world.other_town, name="外镇人", gender="M", position="town_cadre")


def test_a_decision_becomes_a_ledger_task_and_shows_at_the_next_meeting(plan, series):
    first = create_meeting(plan.town_admin, series=series, date=today() - datetime.timedelta(days=7))
    decision = decide(plan, first)
    task = LedgerTask.objects.get(pk=decision.task_id)
    assert (task.source, task.source_ref, task.responsible, task.title) == (TaskSource.MEETING, str(decision.pk), plan.liaison, "修缮村口道路")
    assert task.deadline == decision.deadline and task.org_unit == plan.world.village
    done = decide(plan, first, text="清理河道垃圾", village=plan.world.sibling)
    nxt = create_meeting(plan.town_admin, series=series, date=today())
    assert [d.text for d in previous_decisions(nxt)] == ["修缮村口道路", "清理河道垃圾"]
    set_task_status(done.task, plan.town_admin, TaskStatus.DONE)
    assert [d.text for d in previous_decisions(nxt)] == ["修缮村口道路"]
    assert [d.task.status for d in previous_decisions(nxt, open_only=False)] == [TaskStatus.TODO, TaskStatus.DONE]


def test_a_decision_refused_leaves_nothing(plan, series):
    meeting = create_meeting(plan.town_admin, series=series, date=today())
    with pytest.raises(MeetingError, match="不是该村适用标准中的星"):
        decide(plan, meeting, star_code="nope")
    with pytest.raises(MeetingError, match="落实该事项"):
        decide(plan, meeting, village=plan.world.other_village)
    with pytest.raises(MeetingError, match="完成时限不能早于今天"):
        decide(plan, meeting, days=-1)
    assert not Decision.objects.exists() and not LedgerTask.objects.exists()


def _docx_text(briefing) -> str:
    doc = Document(io.BytesIO(open(briefing.docx.path, "rb").read()))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


def test_the_briefing_reads_live_figures_into_word_and_pdf(plan, series, django_capture_on_commit_callbacks):
    w = plan.world
    first = create_meeting(plan.town_admin, series=series, date=today() - datetime.timedelta(days=7))
    decide(plan, first, text="硬化西辛庄主干道")
    for n in range(3):
        Problem.objects.create(org_unit=w.village, description=f"垃圾堆放{n}", deadline=today() - datetime.timedelta(days=1),
                               found_on=today() - datetime.timedelta(days=2), overdue=n == 0)
    Problem.objects.create(org_unit=w.other_village, description="外镇问题", deadline=today(), found_on=today())
    meeting = create_meeting(plan.town_admin, series=series, date=today())
    with django_capture_on_commit_callbacks(execute=True):
        briefing = start_briefing(plan.town_admin, meeting)
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.DONE, briefing.error
    text = _docx_text(briefing)
    assert "本期新发现问题 3 个" in text and "其中逾期 1 个" in text
    assert "硬化西辛庄主干道" in text and "李包村" in text and "未开始" in text
    assert "西辛庄村委会" in text
    assert open(briefing.pdf.path, "rb").read(4) == b"%PDF"
    assert briefing.since == first.date + datetime.timedelta(days=1) and briefing.until == meeting.date


def test_a_killed_briefing_resumes_from_its_last_step(plan, series):
    meeting = create_meeting(plan.town_admin, series=series, date=today())
    briefing = Briefing.objects.create(meeting=meeting, status=Briefing.Status.RUNNING, step=0)
    from fivestar.meetings.services.briefing_data import collect

    Briefing.objects.filter(pk=briefing.pk).update(data=collect(meeting), step=1)  # the worker died after step 1
    briefing.refresh_from_db()
    Problem.objects.create(org_unit=plan.world.village, description="之后发现", deadline=today(), found_on=today())
    generate(briefing)
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.DONE and "本期新发现问题 0 个" in _docx_text(briefing)
    assert run(briefing.pk) == {"skipped": True}


def test_the_monthly_summary_adds_shortfalls_against_targets(plan, django_capture_on_commit_callbacks):
    from fivestar.meetings.services import save_series

    plan.target(rating=2, stars=("cyxw", "stjy"), year=today().year)
    monthly = save_series(plan.town_admin, unit=plan.world.town, kind=MeetingKind.MONTHLY)
    meeting = create_meeting(plan.town_admin, series=monthly, date=today())
    with django_capture_on_commit_callbacks(execute=True):
        briefing = start_briefing(plan.town_admin, meeting)
    briefing.refresh_from_db()
    text = _docx_text(briefing)
    assert briefing.since == today().replace(day=1)
    assert "七、对照目标的差距" in text and "未达 1 个" in text and "西辛庄村委会" in text


def test_only_managers_generate_a_briefing(plan, series):
    meeting = create_meeting(plan.town_admin, series=series, date=today())
    with pytest.raises(MeetingError, match="无权"):
        start_briefing(plan.observer, meeting)


def test_the_daily_job_prepares_the_briefings_of_the_next_meetings_once(plan, series, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from fivestar.meetings.services.scheduled import prepare_briefings

    tomorrow = create_meeting(plan.town_admin, series=series, date=today() + datetime.timedelta(days=1))
    later = create_meeting(plan.town_admin, series=series, date=today() + datetime.timedelta(days=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert prepare_briefings(today()) == 1
    assert Briefing.objects.get(meeting=tomorrow).status == Briefing.Status.DONE
    assert not Briefing.objects.filter(meeting=later).exists()
    out = io.StringIO()
    call_command("meetings_daily", stdout=out)
    assert "已安排生成 0 份会议简报" in out.getvalue()
    from fivestar.cli import USAGE
    from fivestar.rating.management.commands.scheduler import JOBS

    assert "meetings_daily" in JOBS and "meetings-daily" in USAGE


def test_a_stalled_briefing_is_queued_again_by_the_watchdog(plan, series, settings, django_capture_on_commit_callbacks):
    from fivestar.core import jobs

    settings.JOB_STALL_SECONDS = 60
    meeting = create_meeting(plan.town_admin, series=series, date=today())
    briefing = Briefing.objects.create(meeting=meeting, status=Briefing.Status.RUNNING, step=0,
                                       heartbeat_at=timezone.now() - datetime.timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        lines = jobs.resume_stalled()
    assert any("会议简报" in line for line in lines)
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.DONE and briefing.step == 3


def test_the_briefing_lists_the_last_meetings_decisions_and_older_open_ones(plan, series):
    from fivestar.meetings.services.briefing_data import collect

    oldest = create_meeting(plan.town_admin, series=series, date=today() - datetime.timedelta(days=14))
    old_open, old_done = decide(plan, oldest, text="旧事项未完成"), decide(plan, oldest, text="旧事项已完成")
    set_task_status(old_done.task, plan.town_admin, TaskStatus.DONE)
    last = create_meeting(plan.town_admin, series=series, date=today() - datetime.timedelta(days=7))
    recent_done = decide(plan, last, text="上次事项已完成")
    set_task_status(recent_done.task, plan.town_admin, TaskStatus.DONE)
    meeting = create_meeting(plan.town_admin, series=series, date=today())
    rows = {d["text"]: d["status"] for d in collect(meeting)["decisions"]}
    assert rows == {"旧事项未完成": "未开始", "上次事项已完成": "已完成"} and old_open.pk
