"""The meetings demo: 庆祖镇's Thursday dispatch meetings of this year held with minutes and decisions whose ledger
tasks are in every state (done, under way, not started, overdue, cancelled), next Thursday planned, one monthly
summary, and briefings generated with real figures."""

import io

import pytest
from django.utils import timezone
from docx import Document

from fivestar.meetings.models import Briefing, Decision, Meeting, MeetingKind, MeetingStatus
from fivestar.planning.models.ledger import TaskSource, TaskStatus

TOWN = "410928103"


@pytest.mark.django_db(transaction=False)
def test_demo_meetings(built_demo):
    today = timezone.localdate()
    meetings = Meeting.objects.filter(org_unit__code=TOWN)
    dispatch = meetings.filter(kind=MeetingKind.DISPATCH)
    assert all(m.date.weekday() == 3 and m.date.year in (today.year, today.year + 1) for m in dispatch)
    held = dispatch.filter(status=MeetingStatus.HELD)
    assert held.count() >= 1 and all(m.minutes and m.date <= today for m in held)
    assert dispatch.filter(status=MeetingStatus.PLANNED, date__gt=today).count() == 1
    if today.month > 1:
        assert meetings.filter(kind=MeetingKind.MONTHLY, status=MeetingStatus.HELD).count() == 1
    decisions = Decision.objects.filter(meeting__org_unit__code=TOWN).select_related("task")
    assert all(d.task.source == TaskSource.MEETING and d.task.source_ref == str(d.pk) for d in decisions)
    states = {d.task.status for d in decisions} | ({"overdue"} if any(d.task.overdue for d in decisions) else set())
    if held.count() >= 10:
        assert states >= {TaskStatus.DONE, TaskStatus.DOING, TaskStatus.TODO, TaskStatus.CANCELLED, "overdue"}
    done = Briefing.objects.filter(meeting__org_unit__code=TOWN, status=Briefing.Status.DONE)
    assert done.count() >= 2
    latest = done.filter(meeting__kind=MeetingKind.DISPATCH).order_by("-meeting__date").first()
    doc = Document(io.BytesIO(open(latest.docx.path, "rb").read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "庆祖镇" in text and "本期新发现问题" in text and "本年度任务" in text
    assert open(latest.pdf.path, "rb").read(4) == b"%PDF"
