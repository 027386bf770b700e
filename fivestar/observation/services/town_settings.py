"""A town's observation and flag settings (unsaved defaults when it has none)."""

from django.db import transaction

from fivestar.orgs.models import Level

from ..models import DEFAULT_WEIGHTS, FlagPeriod, ObservationSettings
from .access import can_manage
from .errors import ObservationError

INPUT_LABELS = {"inspection": "人居环境督导问题", "observation": "观摩得分", "rules": "生态宜居星细则得分"}


def town_of(unit):
    while unit is not None and unit.level > Level.TOWN:
        unit = unit.parent
    return unit if unit is not None and unit.level == Level.TOWN else None


def settings_for(unit) -> ObservationSettings:
    town = town_of(unit)
    row = ObservationSettings.objects.filter(town=town).first() if town is not None else None
    return row or ObservationSettings(town=town)


def weights_of(row) -> dict:
    saved = row.weights or {}
    return {k: float(saved.get(k, v)) for k, v in DEFAULT_WEIGHTS.items()}


def clean_weights(weights) -> dict:
    if weights is not None and not isinstance(weights, dict):
        raise ObservationError("评选权重应按人居环境督导问题、观摩得分、生态宜居星细则得分分别填写。")
    out = {}
    for key, label in INPUT_LABELS.items():
        try:
            value = float((weights or {}).get(key, 0) or 0)
        except (TypeError, ValueError):
            raise ObservationError(f"「{label}」的权重应为数字。") from None
        if not 0 <= value <= 100:
            raise ObservationError(f"「{label}」的权重应在 0 至 100 之间。")
        out[key] = value
    if sum(out.values()) <= 0:
        raise ObservationError("至少一项评选依据的权重应大于 0。")
    return out


def _whole(value, message: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ObservationError(message) from None
    if not low <= number <= high:
        raise ObservationError(message)
    return number


def save_settings(user, town, *, drop_extremes_min=None, flag_period=None, red_count=None, black_count=None, weights=None):
    """The town's settings; only the values given change. Every value is checked before anything is saved, and the
    change is kept in the settings' history with who made it (操作记录)."""
    if town is None or town.level != Level.TOWN:
        raise ObservationError("观摩与红黑旗设置只能按乡镇设置。")
    if not can_manage(user, town):
        raise ObservationError(f"您无权修改「{town.display_name}」的观摩与红黑旗设置。")
    values = {}
    if drop_extremes_min is not None:
        values["drop_extremes_min"] = _whole(drop_extremes_min, "去掉最高最低分的最少人数应为 3 至 50 之间的整数。", 3, 50)
    if flag_period is not None:
        if flag_period not in FlagPeriod.values:
            raise ObservationError("评选周期应为每月或每季度。")
        values["flag_period"] = flag_period
    for name, value in (("red_count", red_count), ("black_count", black_count)):
        if value is not None:
            values[name] = _whole(value, "红旗、黑旗数应为 0 至 50 之间的整数。", 0, 50)
    if weights is not None:
        values["weights"] = clean_weights(weights)
    with transaction.atomic():
        row = ObservationSettings.objects.select_for_update().filter(town=town).first() or ObservationSettings(town=town)
        if values.get("red_count", row.red_count) + values.get("black_count", row.black_count) == 0:
            raise ObservationError("红旗数和黑旗数不能都为 0。")
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_by = user
        row._history_user = user
        row.save()
    return row
