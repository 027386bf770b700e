"""Small shared checks: dates and years in range, text lengths, saving with attribution."""

import datetime

from django.utils import timezone

from fivestar.core import values

from .errors import ActivityError


def saved(obj, user):
    """Save `obj` with `user` as the author of its history record (what 操作记录 shows)."""
    obj._history_user = user
    obj.save()
    return obj


def check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ActivityError("年度应为四位数字年份，例如 2026。") from None
    if not (2000 <= year <= timezone.localdate().year + 1):
        raise ActivityError(f"年度 {year} 不在 2000 至 {timezone.localdate().year + 1} 之间。")
    return year


def check_date(value, label: str = "日期", *, future_ok: bool = False) -> datetime.date:
    return values.check_date(value, label, ActivityError, future_ok=future_ok)


def text(value, label: str, limit: int, *, required: bool = True) -> str:
    value = " ".join(str(value or "").split())
    if required and not value:
        raise ActivityError(f"请填写{label}。")
    if len(value) > limit:
        raise ActivityError(f"{label}最多 {limit} 个字。")
    return value
