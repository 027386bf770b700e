"""Small shared checks: dates and years in range, text lengths, saving with attribution."""

import datetime

from django.utils import timezone

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
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ActivityError(f"{label}格式应为 YYYY-MM-DD，例如 2026-11-20。") from None
    if not isinstance(value, datetime.date):
        raise ActivityError(f"请填写{label}。")
    if value.year < 2000:
        raise ActivityError(f"{label}不能早于 2000 年。")
    if not future_ok and value > timezone.localdate():
        raise ActivityError(f"{label}不能晚于今天。")
    return value


def text(value, label: str, limit: int, *, required: bool = True) -> str:
    value = " ".join(str(value or "").split())
    if required and not value:
        raise ActivityError(f"请填写{label}。")
    if len(value) > limit:
        raise ActivityError(f"{label}最多 {limit} 个字。")
    return value
