"""Annual targets per village (category, target rating, target stars) and plans per town/county (totals), and
the check of the one against the other."""

from collections import Counter

from django.db import transaction

from fivestar.core import board_marks
from fivestar.orgs.models import Category, Level, OrgUnit

from ..models import UnitPlan, VillageTarget
from .access import can_manage
from .errors import PlanningError
from .settings import category_labels, planning_settings_for
from .stars import StarCatalog, star_names

RATINGS = (5, 4, 3, 2, 1, 0)
RATING_NAMES = {5: "五星", 4: "四星", 3: "三星", 2: "二星", 1: "一星", 0: "零星"}
MIN_YEAR, MAX_YEAR = 2000, 2100


def check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise PlanningError("请填写正确的年度（如 2025）。") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PlanningError(f"年度应在 {MIN_YEAR} 到 {MAX_YEAR} 之间。")
    return year


def _rating(value, village) -> int:
    try:
        rating = int(value if value not in (None, "") else 0)
    except (TypeError, ValueError):
        raise PlanningError(f"「{village.display_name}」的目标星级应为 0 到 5 的整数。") from None
    if not 0 <= rating <= 5:
        raise PlanningError(f"「{village.display_name}」的目标星级应为 0 到 5 的整数。")
    return rating


def clean_target(row: dict, catalog: StarCatalog) -> dict:
    """One row checked: {village, category, target_rating, target_stars}; PlanningError naming the village."""
    village = row.get("village")
    if not isinstance(village, OrgUnit) or village.level != Level.VILLAGE:
        raise PlanningError("创建目标只能设置到村（社区）。")
    category = row.get("category") or ""
    if category not in Category.values and category != "":
        raise PlanningError(f"「{village.display_name}」的创建类别无效。")
    rating = _rating(row.get("target_rating"), village)
    stars = catalog.stars(village.branch_type)
    if not stars:
        raise PlanningError(f"「{village.display_name}」所在地区尚未发布创建标准，无法设置目标星。")
    wanted = [str(c) for c in (row.get("target_stars") or [])]
    unknown = [c for c in wanted if c not in stars]
    if unknown:
        raise PlanningError(f"「{village.display_name}」的目标星「{unknown[0][:20]}」不是该村适用标准中的星。")
    codes = [c for c in stars if c in set(wanted)]  # framework order, no duplicates
    if codes and len(codes) != rating:
        raise PlanningError(f"「{village.display_name}」的目标星级为 {rating} 星，但选择了 {len(codes)} 颗目标星"
                            f"（{star_names(codes, catalog.names())}），两者应一致。")
    return {"village": village, "category": category, "target_rating": rating, "target_stars": codes}


def save_targets(user, year, rows) -> int:
    """Save villages' targets for a year, all or nothing; returns how many targets changed (created or updated).
    Every village must be under the user's MANAGE_PLANNING scope."""
    year = check_year(year)
    rows = list(rows or [])
    if not rows:
        return 0
    catalogs: dict[int, StarCatalog] = {}
    cleaned, seen = [], set()
    for row in rows:
        village = row.get("village")
        if isinstance(village, OrgUnit) and not can_manage(user, village):
            raise PlanningError(f"您无权设置「{village.display_name}」的创建目标。")
        catalog = catalogs.setdefault(getattr(village, "parent_id", None) or 0, StarCatalog(village))
        item = clean_target(row, catalog)
        if item["village"].pk in seen:
            raise PlanningError(f"「{item['village'].display_name}」重复出现，每村只能有一行目标。")
        seen.add(item["village"].pk)
        cleaned.append(item)
    changed, moved = 0, set()
    with transaction.atomic():
        existing = {t.org_unit_id: t for t in VillageTarget.objects.select_for_update()
                    .filter(year=year, org_unit_id__in=[i["village"].pk for i in cleaned])}
        for item in cleaned:
            target = existing.get(item["village"].pk) or VillageTarget(year=year, org_unit=item["village"])
            same = (target.pk and target.category == item["category"] and target.target_rating == item["target_rating"]
                    and list(target.target_stars or []) == item["target_stars"])
            if same:
                continue
            target.category, target.target_rating, target.target_stars = item["category"], item["target_rating"], item["target_stars"]
            target.updated_by = user
            target._history_user = user
            target.save()
            changed += 1
            moved.add(item["village"].parent_id)
        board_marks.towns_moved(moved)  # the towns' boards refresh after commit
    return changed


def _count(value, label: str) -> int:
    try:
        number = int(value if value not in (None, "") else 0)
    except (TypeError, ValueError):
        raise PlanningError(f"「{label}」应为不小于 0 的整数。") from None
    if not 0 <= number <= 1_000_000:
        raise PlanningError(f"「{label}」应为不小于 0 的整数。")
    return number


def save_plan(user, unit, year, rating_counts, star_counts) -> UnitPlan:
    """A town's or county's plan for a year: villages per target rating ({"5": 4, "4": 12, "3": 37}) and per star."""
    year = check_year(year)
    if unit is None or unit.level not in (Level.COUNTY, Level.TOWN):
        raise PlanningError("年度创建计划只能按乡镇或县（区）制定。")
    if not can_manage(user, unit):
        raise PlanningError(f"您无权制定「{unit.display_name}」的年度创建计划。")
    ratings = {}
    for key, value in (rating_counts or {}).items():
        if str(key) not in {str(r) for r in RATINGS}:
            raise PlanningError(f"星级「{str(key)[:10]}」无效，应为 0 到 5。")
        number = _count(value, f"{RATING_NAMES[int(key)]}村数")
        if number:
            ratings[str(int(key))] = number
    names = StarCatalog(unit).names()
    stars = {}
    for code, value in (star_counts or {}).items():
        if code not in names:
            raise PlanningError(f"星「{str(code)[:20]}」不是适用标准中的星。")
        number = _count(value, f"{names[code]}村数")
        if number:
            stars[code] = number
    with transaction.atomic():
        plan = UnitPlan.objects.select_for_update().filter(year=year, org_unit=unit).first() or UnitPlan(year=year, org_unit=unit)
        plan.rating_counts = {k: ratings[k] for k in sorted(ratings, reverse=True)}
        plan.star_counts = {c: stars[c] for c in names if c in stars}
        plan.updated_by = user
        plan._history_user = user
        plan.save()
    return plan


def plan_check(unit, year) -> dict:
    """The unit's plan against the sum of its villages' targets (a few grouped queries, whatever the size):
    {"plan", "villages", "with_target", "ratings": [{rating, name, plan, targets, ok}], "stars": [{code, name,
    plan, targets, ok}], "categories": {code: (label, count)}, "warnings": [Chinese]}."""
    year = check_year(year)
    plan = UnitPlan.objects.filter(year=year, org_unit=unit).first()
    villages = OrgUnit.objects.filter(path__startswith=unit.path, level=Level.VILLAGE, active=True)
    village_count = villages.count()
    targets = VillageTarget.objects.filter(year=year, org_unit__path__startswith=unit.path, org_unit__level=Level.VILLAGE,
                                           org_unit__active=True)
    by_rating, by_star, by_category, with_target = Counter(), Counter(), Counter(), 0
    for rating, stars, category in targets.values_list("target_rating", "target_stars", "category").iterator():
        with_target += 1
        by_rating[rating] += 1
        by_category[category or ""] += 1
        for code in stars or []:
            by_star[code] += 1
    names = StarCatalog(unit).names()
    planned_ratings = {int(k): int(v) for k, v in ((plan.rating_counts if plan else {}) or {}).items()}
    planned_stars = dict((plan.star_counts if plan else {}) or {})
    warnings = []
    ratings = []
    for rating in RATINGS:
        planned, actual = planned_ratings.get(rating, 0), by_rating.get(rating, 0)
        if not planned and not actual:
            continue
        ok = plan is None or planned == actual
        ratings.append({"rating": rating, "name": RATING_NAMES[rating], "plan": planned, "targets": actual, "ok": ok})
        if not ok:
            warnings.append(f"计划{RATING_NAMES[rating]}村 {planned} 个，各村目标合计 {actual} 个，相差 {abs(planned - actual)} 个。")
    stars = []
    for code in [*names, *sorted(set(planned_stars) - set(names))]:
        planned, actual = int(planned_stars.get(code, 0)), by_star.get(code, 0)
        if not planned and not actual:
            continue
        ok = plan is None or not planned_stars or planned == actual
        stars.append({"code": code, "name": names.get(code, code), "plan": planned, "targets": actual, "ok": ok})
        if not ok:
            warnings.append(f"计划获得{names.get(code, code)}的村 {planned} 个，各村目标合计 {actual} 个。")
    if plan is None:
        warnings.insert(0, f"「{unit.display_name}」尚未制定 {year} 年度创建计划。")
    missing = village_count - with_target
    if missing > 0:
        warnings.append(f"还有 {missing} 个村（社区）未设置 {year} 年度创建目标。")
    labels = category_labels(planning_settings_for(unit))  # defaults above town level
    return {"plan": plan, "year": year, "villages": village_count, "with_target": with_target, "ratings": ratings,
            "stars": stars, "categories": {code: (labels.get(code, "未分类") if code else "未分类", n) for code, n in by_category.items()},
            "warnings": warnings, "ok": not warnings}
