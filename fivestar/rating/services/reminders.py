"""Reminders before each stage deadline and when overdue, to the people responsible at that stage."""

import datetime

from django.db.models import Q
from django.utils import timezone

from fivestar.inbox.models import Notification
from fivestar.inbox.services import notify

from ..models import Assessment, Round, Status
from .recipients import users_with_role_over, village_users

DAYS_BEFORE = 3
STAGES = [
    ("self", "self_deadline", [Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED], "村级自评"),
    ("town", "town_deadline", [Status.SUBMITTED], "镇级初审"),
    ("county", "county_deadline", [Status.TOWN_APPROVED], "县级审核"),
]


def send_stage_reminders(today: datetime.date | None = None) -> int:
    """Idempotent per day: the dedupe key includes the round, stage, unit and date."""
    today = today or timezone.localdate()
    sent = 0
    for rnd in Round.objects.filter(phase=Round.Phase.OPEN).select_related("scope"):
        for stage, field, statuses, label in STAGES:
            deadline = getattr(rnd, field)
            days_left = (deadline - today).days
            if days_left > DAYS_BEFORE:
                continue
            overdue = days_left < 0
            kind = Notification.Kind.OVERDUE if overdue else Notification.Kind.REMINDER
            when = f"已逾期 {-days_left} 天" if overdue else ("今天截止" if days_left == 0 else f"还有 {days_left} 天截止")
            pending = Assessment.objects.filter(round=rnd, status__in=statuses).select_related("org_unit", "org_unit__parent")
            if stage == "self":
                for a in pending.filter(~Q(org_unit__parent=None)):
                    sent += notify(village_users(a.org_unit), kind, f"{rnd.name}：{label}{when}",
                                   f"截止日期 {deadline:%Y-%m-%d}，请尽快完成{a.org_unit.display_name}的自评申报。",
                                   f"/rating/assessments/{a.pk}/", a.org_unit, f"r{rnd.pk}-{stage}-{a.org_unit_id}-{today}")
            else:
                towns = {a.org_unit.parent_id: a.org_unit.parent for a in pending}
                roles = ["town_admin", "supervisor"] if stage == "town" else ["county_admin"]
                for town in towns.values():
                    count = sum(1 for a in pending if a.org_unit.parent_id == town.pk)
                    sent += notify(users_with_role_over(town, roles), kind, f"{rnd.name}：{label}{when}",
                                   f"{town.display_name}还有 {count} 个支部待{label}（截止 {deadline:%Y-%m-%d}）。",
                                   f"/rating/rounds/{rnd.pk}/", town, f"r{rnd.pk}-{stage}-{town.pk}-{today}")
    return sent
