"""A town's targets grid: one row per village (the town's category names, the target rating, the target stars as
checkboxes, its current stars), read in a fixed number of queries; and the grid as posted, checked row by row so
every wrong row shows its own message while nothing is saved."""

from dataclasses import dataclass, field

from django.db.models import Count

from fivestar.orgs.models import Level, OrgUnit

from .models import UnitPlan, VillageTarget
from .services import PlanningError
from .services.stars import StarCatalog
from .services.targets import clean_target

RATINGS = (5, 4, 3, 2, 1, 0)


def short_star(name: str) -> str:
    return name.removesuffix("星") or name


@dataclass
class GridRow:
    village: OrgUnit
    progress: dict
    category: str = ""
    rating: str = ""  # as shown in the select ("" = not set)
    stars: list = field(default_factory=list)
    choices: list = field(default_factory=list)  # [(code, short name, checked)]
    error: str = ""

    @property
    def reached(self) -> bool:
        return bool(self.progress.get("reached"))


def villages_of(town):
    return OrgUnit.objects.filter(parent=town, level=Level.VILLAGE, active=True).select_related("area").order_by("code")


def build_rows(villages, progress: dict, catalog: StarCatalog, posted: dict | None = None, errors: dict | None = None) -> list[GridRow]:
    """Rows as saved (from `progress`) or, after a refused save, as typed (`posted`: village id → row)."""
    out = []
    for village in villages:
        p = progress.get(village.pk, {})
        if posted is not None and village.pk in posted:
            typed = posted[village.pk]
            category, rating, stars = typed["category"], typed["rating"], typed["stars"]
        elif p.get("has_target"):
            category, rating, stars = p["category"], str(p["target_rating"]), list(p["target_stars"])
        else:
            category, rating, stars = village.category or "", "", []
        choices = [(code, short_star(star.name), code in stars) for code, star in catalog.stars(village.branch_type).items()]
        out.append(GridRow(village, p, category, rating, stars, choices, (errors or {}).get(village.pk, "")))
    return out


def read_posted(data, town) -> tuple[list[OrgUnit], dict[int, dict]]:
    """The villages of the posted grid (only the town's own, one query) and what was typed per village."""
    ids = []
    for value in data.getlist("row")[:1000]:
        if value.isdigit() and len(value) < 19:
            ids.append(int(value))
    villages = list(villages_of(town).filter(pk__in=ids)) if ids else []
    posted = {}
    for v in villages:
        posted[v.pk] = {"category": (data.get(f"c-{v.pk}") or "").strip()[:12], "rating": (data.get(f"r-{v.pk}") or "").strip()[:2],
                        "stars": [s.strip()[:20] for s in data.getlist(f"s-{v.pk}")[:12]]}
    return villages, posted


def check_rows(villages, posted: dict, progress: dict, catalog: StarCatalog, labels: dict) -> tuple[list[dict], dict[int, str]]:
    """(rows for save_targets, village id → error). A row left empty for a village without a target is skipped;
    an empty rating with stars ticked takes the number of stars."""
    rows, errors = [], {}
    for village in villages:
        typed = posted[village.pk]
        has_target = progress.get(village.pk, {}).get("has_target", False)
        if typed["category"] and typed["category"] not in labels:
            errors[village.pk] = "创建类别无效。"
            continue
        rating = typed["rating"]
        if rating == "":
            if not typed["stars"] and not has_target:
                continue
            rating = len(typed["stars"])
        row = {"village": village, "category": typed["category"], "target_rating": rating, "target_stars": typed["stars"]}
        try:
            rows.append(clean_target(row, catalog))
        except PlanningError as error:
            errors[village.pk] = error.message
    return rows, errors


def plan_values(data, names: dict) -> tuple[dict, dict]:
    """The plan form as posted: ({"5": "4", …}, {star code: "53", …}) passed as typed to save_plan."""
    ratings = {str(r): (data.get(f"rating-{r}") or "").strip()[:8] for r in RATINGS if r}
    stars = {code: (data.get(f"star-{code}") or "").strip()[:8] for code in names}
    return ({k: v for k, v in ratings.items() if v}, {k: v for k, v in stars.items() if v})


def plan_fields(plan, names: dict, posted: tuple | None = None) -> tuple[list[dict], list[dict]]:
    """The plan form's inputs (as saved, or as typed after a refusal)."""
    if posted is not None:
        ratings, stars = posted
    else:
        ratings = {str(k): v for k, v in ((plan.rating_counts if plan else {}) or {}).items()}
        stars = dict((plan.star_counts if plan else {}) or {})
    from .services.targets import RATING_NAMES

    return ([{"name": f"rating-{r}", "label": f"{RATING_NAMES[r]}村", "value": ratings.get(str(r), "")} for r in RATINGS if r],
            [{"name": f"star-{code}", "label": name, "value": stars.get(code, "")} for code, name in names.items()])


def children_overview(unit, year: int) -> list[dict]:
    """Per unit one level below `unit` (a county's towns, a city's counties): its villages, how many have a target,
    the plan and the targets per rating, whether they agree. Three grouped queries and the children."""
    children = list(OrgUnit.objects.filter(parent=unit, active=True, level__lt=Level.VILLAGE).order_by("code"))
    if not children:
        return []
    hops = Level.VILLAGE - (unit.level + 1)  # from a village up to the child
    target_key = "org_unit" + "__parent" * hops + "_id"
    village_key = "__".join(["parent"] * hops) + "_id"
    targets: dict[int, dict] = {}
    for row in (VillageTarget.objects.filter(year=year, org_unit__path__startswith=unit.path, org_unit__level=Level.VILLAGE,
                                             org_unit__active=True).values(target_key, "target_rating").annotate(n=Count("id"))):
        targets.setdefault(row[target_key], {})[row["target_rating"]] = row["n"]
    villages = dict(OrgUnit.objects.filter(path__startswith=unit.path, level=Level.VILLAGE, active=True)
                    .values(village_key).annotate(n=Count("id")).values_list(village_key, "n"))
    plans = {p.org_unit_id: p for p in UnitPlan.objects.filter(year=year, org_unit__in=children)}
    out = []
    for child in children:
        by_rating = targets.get(child.pk, {})
        plan = plans.get(child.pk)
        planned = {int(k): int(v) for k, v in ((plan.rating_counts if plan else {}) or {}).items()}
        cells = [{"rating": r, "plan": planned.get(r, 0), "targets": by_rating.get(r, 0),
                  "ok": plan is None or planned.get(r, 0) == by_rating.get(r, 0)} for r in (5, 4, 3)]
        others_ok = all(planned.get(r, 0) == by_rating.get(r, 0) for r in (2, 1, 0))
        with_target = sum(by_rating.values())
        out.append({"unit": child, "plan": plan, "villages": villages.get(child.pk, 0), "with_target": with_target,
                    "cells": cells, "ok": plan is not None and others_ok and all(c["ok"] for c in cells)
                    and with_target == villages.get(child.pk, 0)})
    return out
