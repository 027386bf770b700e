"""Dates for the demo: which period "today" falls in, and giving rows the time their step happened.

The demo builds its history through the public services, which stamp rows with the real clock
(`auto_now_add`, history rows, audit events, `timezone.now()` in services). A historic round built
today would otherwise read as "created on the day the demo was loaded". `Stamper.step(when)` runs one
step of the story and then gives every timestamp that step wrote the time the step is set at, so a 2022
round reads as 2022 everywhere: its events, results, stars, history rows, notifications and audit trail.
"""

import calendar
import contextlib
import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils import timezone

from fivestar.core.append_only import unlocked

CN_ORDINALS = "一二三四五六"
# The apps whose rows carry "when it happened" timestamps the demo's services write.
STAMPED_APPS = ("rating", "inbox", "core", "indicators")


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@contextlib.contextmanager
def pinned(moment: datetime.datetime):
    """Run a block as if it were `moment`: `django.utils.timezone.now` (and with it `localdate`, `auto_now` fields and
    every service reading today's date) answers `moment`. For stories whose services decide by today's date (a
    supervision problem is overdue when today is past its deadline), which stamping rows afterwards cannot fix.
    Only for the demo loader (one process, one thread); the real clock is back when the block ends."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield moment
    finally:
        timezone.now = real


@dataclass(frozen=True)
class InterimPeriod:
    """The two-month period of the interim rounds (动态评星) that contains a day."""

    year: int
    number: int  # 1..6
    start: datetime.date
    end: datetime.date

    @classmethod
    def containing(cls, day: datetime.date) -> "InterimPeriod":
        number = (day.month - 1) // 2 + 1
        last_month = number * 2
        end = datetime.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
        return cls(day.year, number, datetime.date(day.year, last_month - 1, 1), end)

    @property
    def name(self) -> str:
        return f"{self.year}年第{CN_ORDINALS[self.number - 1]}次动态评星"


def last_complete_year(today: datetime.date) -> int:
    return today.year - 1


def _stamped_fields() -> list[tuple[type[models.Model], str]]:
    fields = []
    for label in STAMPED_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.DateTimeField):
                    fields.append((model, field.attname))
    return fields


def _iso_between(value, low: datetime.datetime, high: datetime.datetime) -> bool:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return timezone.is_aware(moment) and low <= moment <= high


class Stamper:
    """Gives the rows one demo step writes the time that step happened."""

    def __init__(self):
        self.fields = _stamped_fields()

    @contextlib.contextmanager
    def step(self, when: datetime.datetime, read: bool = False):
        """Everything written inside the block is dated `when` (notifications marked read if `read`).

        Rows are picked by the real time they were written (between the start and the end of the
        block), so earlier steps, dated in the past or in the future, are never touched again.
        """
        start = timezone.now()
        yield
        end = timezone.now()
        self._json_times(start, end, when)
        if read:
            from fivestar.inbox.models import Notification

            Notification.objects.filter(created_at__range=(start, end)).update(read_at=when + datetime.timedelta(hours=2))
        with unlocked():  # dating the story's own audit trail and history rows: the one rewrite the audit trail allows
            for model, name in self.fields:
                model._base_manager.filter(**{f"{name}__range": (start, end)}).update(**{name: when})

    @staticmethod
    def _json_times(start, end, when):
        """Review services also keep a time inside JSON (return comments, the approval snapshot)."""
        from fivestar.rating.models import Assessment

        for a in Assessment.objects.filter(updated_at__range=(start, end)).only("id", "return_comments", "approved_snapshot"):
            comments = [{**c, "at": when.isoformat()} if _iso_between(c.get("at"), start, end) else c for c in a.return_comments or []]
            snapshot = a.approved_snapshot or {}
            if _iso_between(snapshot.get("at"), start, end):
                snapshot = {**snapshot, "at": when.isoformat()}
            if comments != (a.return_comments or []) or snapshot != (a.approved_snapshot or {}):
                Assessment.objects.filter(pk=a.pk).update(return_comments=comments, approved_snapshot=snapshot)
