"""Small shared checks: amounts, years, dates, text lengths; saving with attribution; the project's history."""

from decimal import Decimal, InvalidOperation

from django.utils import timezone

from fivestar.core import values

from ..models import StageEvent
from .errors import ProjectError

MAX_AMOUNT = Decimal("1000000000")


def saved(obj, user):
    obj._history_user = user if getattr(user, "pk", None) else None
    obj.save()
    return obj


def amount(value, label: str, *, allow_zero: bool = False) -> Decimal:
    try:
        value = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ProjectError(f"{label}应为数字（单位：元）。") from None
    if not value.is_finite():
        raise ProjectError(f"{label}应为数字（单位：元）。")
    if value < 0 or (value == 0 and not allow_zero):
        raise ProjectError(f"{label}应大于 0。" if not allow_zero else f"{label}不能为负数。")
    if value > MAX_AMOUNT:
        raise ProjectError(f"{label}超过 10 亿元，明显不合理，请核对单位（应以“元”为单位）。")
    return value.quantize(Decimal("0.01"))


def check_year(year) -> int:
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise ProjectError("年度应为四位数字年份，例如 2025。") from None
    if not (2000 <= year <= timezone.localdate().year):
        raise ProjectError(f"年度 {year} 不在 2000 至 {timezone.localdate().year} 之间。")
    return year


def check_date(value, label: str, *, required: bool = True, future_ok: bool = False):
    return values.check_date(value, label, ProjectError, required=required, future_ok=future_ok)


def text(value, label: str, limit: int, *, required: bool = True, multiline: bool = False) -> str:
    value = str(value or "").strip() if multiline else " ".join(str(value or "").split())
    value = value.replace("\x00", "")
    if required and not value:
        raise ProjectError(f"请填写{label}。")
    if len(value) > limit:
        raise ProjectError(f"{label}最多 {limit} 个字。")
    return value


def event(project, user, what: str, *, stage: str = "", date=None) -> StageEvent:
    return StageEvent.objects.create(project=project, what=what[:200], stage=stage, date=date or timezone.localdate(),
                                     user=user if getattr(user, "pk", None) else None)
