"""A town's planning settings (its names for the four categories, its grading scale), defaults when none."""

from django.db import transaction

from fivestar.orgs.models import Category, Level

from ..models import PlanningSettings
from ..models.targets import default_category_labels, default_grade_scale
from .access import can_manage
from .errors import PlanningError


def town_of(unit):
    """The town a unit belongs to (itself for a town); None above town level."""
    while unit is not None and unit.level > Level.TOWN:
        unit = unit.parent
    return unit if unit is not None and unit.level == Level.TOWN else None


def planning_settings_for(town) -> PlanningSettings:
    """The town's settings row, or unsaved defaults. A village is taken to its town."""
    town = town_of(town) or town
    row = PlanningSettings.objects.filter(town=town).first() if town is not None and town.pk else None
    return row or PlanningSettings(town=town)


def category_labels(settings_row: PlanningSettings) -> dict[str, str]:
    """code → the town's name for it (defaults filled in for a missing or empty name)."""
    saved = settings_row.category_labels or {}
    return {code: (str(saved.get(code) or "").strip() or label) for code, label in default_category_labels().items()}


def grade_scale(settings_row: PlanningSettings) -> list[str]:
    scale = [str(g).strip() for g in (settings_row.grade_scale or []) if str(g).strip()]
    return scale or default_grade_scale()


def category_label(town_or_village, code: str) -> str:
    """The town's name for a category code ("" for none; the code itself when unknown)."""
    if not code:
        return ""
    return category_labels(planning_settings_for(town_or_village)).get(code, code)


def save_planning_settings(user, town, *, category_labels=None, grade_scale=None) -> PlanningSettings:
    """Change a town's names for the categories and/or its grading scale (only the values given)."""
    if town is None or town.level != Level.TOWN:
        raise PlanningError("创建设置只能按乡镇设置。")
    if not can_manage(user, town):
        raise PlanningError(f"您无权修改「{town.display_name}」的创建设置。")
    with transaction.atomic():
        row = PlanningSettings.objects.select_for_update().filter(town=town).first() or PlanningSettings(town=town)
        if category_labels is not None:
            labels = {}
            for code, default in default_category_labels().items():
                name = str((category_labels or {}).get(code) or "").strip() or default
                if len(name) > 12:
                    raise PlanningError(f"创建类别名称「{name[:12]}…」过长（不超过 12 字）。")
                labels[code] = name
            if len(set(labels.values())) != len(labels):
                raise PlanningError("四个创建类别的名称不能重复。")
            row.category_labels = labels
        if grade_scale is not None:
            scale = [str(g).strip() for g in grade_scale or [] if str(g).strip()]
            if not 2 <= len(scale) <= 6:
                raise PlanningError("承诺评价等次应为 2 至 6 个。")
            if len(set(scale)) != len(scale) or any(len(g) > 10 for g in scale):
                raise PlanningError("承诺评价等次不能重复，每个不超过 10 字。")
            row.grade_scale = scale
        row.updated_by = user
        row.save()
    return row


CATEGORY_CODES = tuple(Category.values)
