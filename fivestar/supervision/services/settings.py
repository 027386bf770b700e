"""A town's supervision settings (defaults when the town has none) and the deadlines they give."""

import datetime

from django.db import transaction

from fivestar.orgs.models import Level

from ..models import SupervisionSettings
from ..models.problem import Severity
from ..models.team import default_deadline_days, default_escalation_days
from .access import can_manage
from .audit import change, record
from .errors import SupervisionError

ESCALATION_STEPS = 3  # 包村干部, 包片领导, 镇级管理员


def town_of(unit):
    """The town a unit belongs to (itself for a town); None above town level."""
    while unit is not None and unit.level > Level.TOWN:
        unit = unit.parent
    return unit if unit is not None and unit.level == Level.TOWN else None


def settings_for(town) -> SupervisionSettings:
    """The town's settings row, or unsaved defaults. A village (or group) is taken to its town."""
    town = town_of(town) or town
    row = SupervisionSettings.objects.filter(town=town).first() if town is not None and town.pk else None
    return row or SupervisionSettings(town=town)


def deadline_days(settings_row: SupervisionSettings, severity: str) -> int:
    days = {**default_deadline_days(), **(settings_row.deadline_days or {})}
    try:
        return max(0, int(days.get(severity, days[Severity.MINOR])))
    except (TypeError, ValueError):
        return default_deadline_days()[Severity.MINOR]


def escalation_days(settings_row: SupervisionSettings) -> list[int]:
    """Days past the deadline at which each step is reached (always 3 steps, non-decreasing, each ≥ 1)."""
    days = list(settings_row.escalation_days or default_escalation_days())
    days = (days + default_escalation_days()[len(days):])[:ESCALATION_STEPS]
    out, low = [], 1
    for value in days:
        try:
            low = max(low, int(value))
        except (TypeError, ValueError):
            pass
        out.append(low)
    return out


def default_deadline(village, severity: str, found_on: datetime.date) -> datetime.date:
    return found_on + datetime.timedelta(days=deadline_days(settings_for(village), severity))


def _int(value, label: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SupervisionError(f"「{label}」应为整数。") from None
    if not low <= number <= high:
        raise SupervisionError(f"「{label}」应在 {low} 到 {high} 之间。")
    return number


def save_settings(user, town, *, visit_within_weeks=None, deadline_days=None, reminder_days_before=None,
                  escalation_days=None) -> SupervisionSettings:
    """Change a town's settings (only the values given). Town level, MANAGE_SUPERVISION over the town."""
    if town is None or town.level != Level.TOWN:
        raise SupervisionError("督导设置只能按乡镇设置。")
    if not can_manage(user, town):
        raise SupervisionError("您无权修改该乡镇的督导设置。")
    with transaction.atomic():
        row = SupervisionSettings.objects.select_for_update().filter(town=town).first() or SupervisionSettings(town=town)
        before = _described(row) if row.pk else {}
        if visit_within_weeks is not None:
            row.visit_within_weeks = _int(visit_within_weeks, "每村至少每 N 周督导一次", 1, 12)
        if reminder_days_before is not None:
            row.reminder_days_before = _int(reminder_days_before, "截止前几天提醒", 0, 30)
        if deadline_days is not None:
            labels = dict(Severity.choices)
            row.deadline_days = {key: _int((deadline_days or {}).get(key), f"{labels[key]}问题整改期限（天）", 1, 365)
                                 for key in Severity.values}
        if escalation_days is not None:
            values = list(escalation_days or [])
            if len(values) != ESCALATION_STEPS:
                raise SupervisionError("逾期升级天数应依次填写包村干部、包片领导、镇级管理员三级。")
            values = [_int(v, "逾期升级天数", 0, 365) for v in values]
            if values != sorted(values):
                raise SupervisionError("逾期升级天数应逐级不减（包村干部 ≤ 包片领导 ≤ 镇级管理员）。")
            row.escalation_days = values
        row.updated_by = user
        created = row.pk is None
        row.save()
        after = _described(row)
        record(user, row, town, created=created, changes=[change(k, before.get(k), v) for k, v in after.items()])
    return row


def _described(row) -> dict:
    labels = dict(Severity.choices)
    return {"每村至少每 N 周督导一次": row.visit_within_weeks, "截止前几天提醒": row.reminder_days_before,
            "各严重程度默认整改期限（天）": "，".join(f"{labels[k]} {deadline_days(row, k)} 天" for k in Severity.values),
            "逾期升级天数": "，".join(f"{n} 天" for n in escalation_days(row))}
