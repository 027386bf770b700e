"""The daily job (`fivestar meetings-daily`): every planned dispatch meeting or monthly summary held today or tomorrow
gets its briefing prepared in the background, from the figures of that moment. Idempotent: a meeting whose briefing
exists (queued, done or failed) is left alone; the page's 重新生成 refreshes it."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from fivestar.supervision.services import local_date

from ..models import Briefing, Meeting, MeetingKind, MeetingStatus
from .briefing_job import _enqueue
from .meetings import log


def prepare_briefings(today=None) -> int:
    today = local_date(today)
    due = (Meeting.objects.filter(status=MeetingStatus.PLANNED, kind__in=(MeetingKind.DISPATCH, MeetingKind.MONTHLY),
                                  date__gte=today, date__lte=today + datetime.timedelta(days=1), briefing__isnull=True)
           .order_by("date", "id"))
    made = 0
    for meeting in due:
        try:
            with transaction.atomic():
                briefing = Briefing.objects.create(meeting=meeting, heartbeat_at=timezone.now())
                log(meeting, None, "briefing", "会前自动生成会议简报")
                _enqueue(briefing.pk)
        except IntegrityError:  # a click on 生成简报 got there first
            continue
        made += 1
    return made
