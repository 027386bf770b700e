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


def save_settings(user, town, *, drop_extremes_min=None, flag_period=None, red_count=None, black_count=None, weights=None):
    if town is None or town.level != Level.TOWN:
        raise ObservationError("观摩与红黑旗设置只能按乡镇设置。")
    if not can_manage(user, town):
        raise ObservationError(f"您无权修改「{town.display_name}」的观摩与红黑旗设置。")
    with transaction.atomic():
        row = ObservationSettings.objects.select_for_update().filter(town=town).first() or ObservationSettings(town=town)
        if drop_extremes_min is not None:
            if not 3 <= int(drop_extremes_min) <= 50:
                raise ObservationError("去掉最高最低分的最少人数应在 3 至 50 之间。")
            row.drop_extremes_min = int(drop_extremes_min)
        if flag_period is not None:
            if flag_period not in FlagPeriod.values:
                raise ObservationError("评选周期应为每月或每季度。")
            row.flag_period = flag_period
        for name, value in (("red_count", red_count), ("black_count", black_count)):
            if value is not None:
                if not 0 <= int(value) <= 50:
                    raise ObservationError("红旗、黑旗数应在 0 至 50 之间。")
                setattr(row, name, int(value))
        if weights is not None:
            row.weights = clean_weights(weights)
        row.updated_by = user
        row.save()
    return row
