"""Checks of typed values shared by the apps' services; each app passes its own error class so its pages and
API report the message as they report every other refusal."""

import datetime

from django.utils import timezone


def check_date(value, label: str, error: type[Exception], *, required: bool = True, future_ok: bool = False):
    """A date from a form, a workbook or JSON (a date or an ISO string), from 2000 and by default not after today."""
    if value in (None, "") and not required:
        return None
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise error(f"{label}格式应为 YYYY-MM-DD，例如 2026-11-20。") from None
    if not isinstance(value, datetime.date):
        raise error(f"请填写{label}。")
    if value.year < 2000:
        raise error(f"{label}不能早于 2000 年。")
    if not future_ok and value > timezone.localdate():
        raise error(f"{label}不能晚于今天。")
    return value
