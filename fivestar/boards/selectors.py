"""What the boards show, read with a fixed number of queries whatever the number of villages or towns.

- `town_board`: the town's villages × stars matrix (cell states from facts.py, computed for the town's few dozen
  villages), its kept figures, plan, this month's flags, the last observation's ranking and the villages that
  changed at the last round.
- `unit_board`: a county's, city's or province's kept figures, plan, the units one level down (a page of them,
  searchable), the rating trend over recognised rounds and breadcrumbs back up.

Both raise Http404 for a unit outside the user's scope (the pages, the big screen, the exports and the API share
them). Nothing here writes.
"""

import datetime

from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from fivestar.core.roles import Action
from fivestar.core.scoping import covers, is_global, user_grants
from fivestar.observation.models import FlagEntry, FlagRound, ObservationEvent, RankingEntry
from fivestar.orgs.models import Category, Level, OrgUnit
from fivestar.planning.models import PlanningSettings, UnitPlan
from fivestar.planning.services.stars import StarCatalog
from fivestar.rating.models import Round, RoundResult, RoundUnitStats

from . import facts as board_facts
from . import figures as board_figures
from . import services as board_services
from . import states
from .models import BoardDirty, BoardStats

CHILDREN_PER_PAGE = 50


# ------------------------------------------------------------------------------------------------- scope


def _area_ids_in(user, town) -> set[int] | None:
    """The areas (包片) of this town the user is bound to, when that is all they see of it."""
    return {area_id for path, area_id in user_grants(user, Action.VIEW) if area_id and town.path.startswith(path)}


def can_see_town(user, town) -> bool:
    if town is None or town.level != Level.TOWN:
        return False
    return covers(user, town) or bool(_area_ids_in(user, town))


def can_see_unit(user, unit) -> bool:
    return unit is not None and unit.level <= Level.TOWN and covers(user, unit)


def top_unit(user):
    """Where a user's board starts: the highest unit (county, city, province or town) the user oversees whole; a town
    for a 包片领导; None for a village user."""
    if is_global(user):
        return OrgUnit.objects.filter(level=Level.PROVINCE).order_by("code").first()
    grants = user_grants(user, Action.VIEW)
    paths = sorted((p for p, area in grants if p and not area), key=lambda p: p.count("/"))
    for path in paths:
        if path.count("/") - 1 <= Level.TOWN:
            return OrgUnit.objects.filter(path=path).first()
    areas = [p for p, area in grants if area]
    if areas:
        return OrgUnit.objects.filter(path=areas[0], level=Level.TOWN).first()
    return None


def board_url(unit) -> str:
    if unit.level == Level.TOWN:
        return reverse("boards:town", args=[unit.pk])
    return reverse("boards:unit", args=[unit.pk])


def breadcrumbs(user, unit) -> list:
    """The units from the user's top down to `unit` (those the user oversees), for the way back up."""
    above = OrgUnit.objects.filter(path__in=OrgUnit.paths_above(unit.path)).order_by("level")
    return [u for u in above if u.pk == unit.pk or (u.level <= Level.TOWN and covers(user, u))]


def _plan(unit, year) -> dict | None:
    row = UnitPlan.objects.filter(year=year, org_unit=unit).values("rating_counts", "star_counts", "note").first()
    return row


def _stats(unit, year):
    """The unit's kept row for the year, and whether a change has marked it (a town) for a refresh since."""
    # A mark always has its time, so a waiting refresh's last sign of life is there exactly when the town is marked.
    seen = Subquery(BoardDirty.objects.filter(town_id=OuterRef("unit_id")).values(last=board_services.refresh_seen())[:1])
    row = BoardStats.objects.filter(year=year, unit=unit).annotate(refresh_seen=seen).values("figures", "updated_at", "refresh_seen").first()
    if row is not None:
        row["dirty"] = row["refresh_seen"] is not None
    return row


def derived(figures: dict | None) -> dict:
    """Rates the pages show beside the kept figures (closure rate, mean days, share of 四星/五星)."""
    if not figures:
        return {}
    problems = figures.get("problems") or {}
    closed = problems.get("closed") or 0
    total = problems.get("total") or 0
    branches = figures.get("branches") or 0
    by_rating = figures.get("held_by_rating") or {}
    top = (by_rating.get("4") or 0) + (by_rating.get("5") or 0)
    targeted = sum((figures.get("targeted_by_rating") or {}).values())
    return {
        "closure_rate": round(100 * closed / total, 1) if total else None,
        "mean_close_days": round(problems.get("closed_days_sum", 0) / closed, 1) if closed else None,
        "top_share": round(100 * top / branches, 1) if branches else None,
        "four_five": top,
        "targeted": targeted,
    }


# ------------------------------------------------------------------------------------------------- town


# The unit fields a board row shows (name, code, what decides its stars and filters); the rest stays unread.
_ROW_FIELDS = ("id", "code", "name", "display_name", "level", "parent_id", "branch_type", "category", "area_id", "active")


def _related_row(relation: str) -> list[str]:
    return [relation, *(f"{relation}__{f}" for f in _ROW_FIELDS)]


def town_board(user, town, year, *, area=None, category=None, star=None) -> dict:
    """The town's board for `year`. `area`: an area id; `category`: a 创建类别 code; `star`: a star code (one column)."""
    if not can_see_town(user, town):
        raise Http404
    year = int(year)
    catalog = StarCatalog(town)
    star_names = catalog.names()
    by_type = {t: set(catalog.stars(t)) for t in ("rural", "community")}
    labels = {c.value: c.label for c in Category}
    custom = PlanningSettings.objects.filter(town=town).values_list("category_labels", flat=True).first()
    if custom:
        labels.update({k: v for k, v in custom.items() if v})
    villages = (OrgUnit.objects.visible_to(user).filter(parent=town, level=Level.VILLAGE, active=True)
                .select_related("area").only(*_ROW_FIELDS, "area__name").order_by("area__name", "code"))
    if area:
        villages = villages.filter(area_id=area)
    if category:
        villages = villages.filter(category=category)
    villages = list(villages)
    # The rural stars, and the community stars too when a community is among the rows (a star of the other branch
    # type is "not applicable" in a row, and counted nowhere).
    types = {v.branch_type or "rural" for v in villages} or {"rural"}
    stars = [(code, name) for code, name in star_names.items() if any(code in by_type[t] for t in types if t in by_type)]
    columns = [(c, n) for c, n in stars if c == star] if star in star_names else stars
    kept = _stats(town, year)
    known = board_facts.load_town(town.pk, year, kept["updated_at"] if kept else None, kept["dirty"] if kept else True)
    cell_url = reverse("boards:cell", args=[0, "_"]) + f"?year={year}"  # one reverse, not one per cell
    rows = []
    for village in villages:
        f = known.get(village.pk) or board_facts.VillageFacts(village.pk, town.pk, village.branch_type or "rural")
        own = by_type.get(village.branch_type or "rural", set())
        cells = {}
        for code, _ in columns:
            if code not in own:
                cells[code] = {"state": "", "reasons": ["不适用于该类型支部"], "flagged": False, "url": ""}
                continue
            c = board_facts.cell(f, code)
            c["url"] = cell_url.replace("/0/_/", f"/{village.pk}/{code}/", 1)
            cells[code] = c
        rows.append({"village": village, "area": village.area.name if village.area_id else "",
                     "category": labels.get(village.category, ""), "category_code": village.category,
                     "cells": cells, "rating_held": min(len(f.held), 5), "target_rating": f.target_rating,
                     "has_target": f.has_target})
    today = timezone.localdate()
    month = board_figures.flags_month(year, today)
    first = datetime.date(int(month[:4]), int(month[5:]), 1)
    flags = [{"village": e.village, "flag": e.flag, "flag_name": e.get_flag_display(), "rank": e.rank}
             for e in FlagEntry.objects.filter(round__town=town, round__status=FlagRound.Status.PUBLISHED,
                                               round__period_start__year=first.year, round__period_start__month=first.month)
             .exclude(flag="").select_related("village").only("flag", "rank", *_related_row("village")).order_by("flag", "rank")]
    last_event = (ObservationEvent.objects.filter(org_unit=town, status="published").order_by("-date", "-id").values("id")[:1])
    ranking = [{"rank": r.rank, "village": r.village, "score": r.score, "event": r.event.title}
               for r in RankingEntry.objects.filter(event_id__in=last_event).select_related("village", "event")
               .only("rank", "score", "event__title", *_related_row("village")).order_by("rank")]
    # The last round with results in this town, as a subquery: one query for its changes.
    last_round = RoundResult.objects.filter(org_unit__parent=town).order_by("-round_id").values("round_id")[:1]
    changed = [{"village": r.org_unit, "gained": [star_names.get(c, c) for c in r.gained], "lost": [star_names.get(c, c) for c in r.lost]}
               for r in RoundResult.objects.filter(round_id=Subquery(last_round), org_unit__parent=town)
               .select_related("org_unit").only("gained", "lost", *_related_row("org_unit")).order_by("org_unit__code")
               if r.gained or r.lost]
    figures = kept["figures"] if kept else None
    return {
        "town": town, "year": year, "stars": stars, "columns": columns, "rows": rows,
        "figures": figures, "derived": derived(figures), "plan": _plan(town, year),
        "flags": flags, "flags_month": month, "last_observation": ranking, "changed": changed,
        "updated_at": kept["updated_at"] if kept else None,
        "refresh": board_services.refresh_state(kept["refresh_seen"]) if kept and kept["dirty"] else None,
        "areas": list(town.areas.order_by("name").values_list("id", "name")),
        "categories": [(k, labels.get(k, v)) for k, v in Category.choices],
        "filters": {"area": area, "category": category or "", "star": star if star in star_names else ""},
        "legend": states.legend(),
        "counts": _row_counts(rows, columns),
    }


def _row_counts(rows, columns) -> dict:
    """The shown rows' cells per star and state (the filtered matrix's own totals; the kept figures are the town's)."""
    out = {code: states.empty_cell_counts() for code, _ in columns}
    for row in rows:
        for code, c in row["cells"].items():
            if c["state"]:
                out[code][c["state"]] += 1
    return out


def cell_detail(user, village, code: str, year: int) -> dict:
    """One cell: its state and reasons, the village's open problems and ledger tasks on that star, and where to act."""
    from fivestar.planning.models import LedgerTask
    from fivestar.planning.models.ledger import OPEN_TASK_STATUSES
    from fivestar.supervision.models import Problem
    from fivestar.supervision.models.problem import OPEN_STATUSES

    if village is None or village.level != Level.VILLAGE or not covers(user, village):
        raise Http404
    names = StarCatalog(village).names()
    if code not in names:
        raise Http404
    f = board_facts.load([village.parent_id], year).get(village.pk) or board_facts.VillageFacts(village.pk, village.parent_id)
    c = board_facts.cell(f, code)
    problems = list(Problem.objects.visible_to(user).filter(org_unit=village, star_code=code, status__in=OPEN_STATUSES)
                    .order_by("deadline", "id")[:50])
    tasks = list(LedgerTask.objects.visible_to(user).filter(org_unit=village, star_code=code, year=year, status__in=OPEN_TASK_STATUSES)
                 .order_by("deadline", "id")[:50])
    return {"village": village, "town": village.parent, "star": (code, names[code]), "year": year, "cell": c,
            "state_label": states.LABELS[c["state"]], "problems": problems, "tasks": tasks,
            "assessment_url": reverse("rating:village_star", args=[f.assessment_id, code]) if f.assessment_id else None,
            "target_stars": [names.get(s, s) for s in f.target_stars], "target_rating": f.target_rating}


# ------------------------------------------------------------------------------------------------- county and above


def unit_board(user, unit, year, *, q: str = "", page=None, per_page: int = CHILDREN_PER_PAGE) -> dict:
    """A county's, city's or province's board for `year`; the children one level down, `per_page` a page."""
    if unit is None or unit.level >= Level.TOWN or not covers(user, unit):
        raise Http404
    year = int(year)
    kept = _stats(unit, year)
    children = BoardStats.objects.filter(year=year, parent=unit).select_related("unit").order_by("unit__code")
    q = (q or "").strip()
    if q:
        text = q.lower() if q.isascii() else q
        children = children.filter(Q(unit__display_name__contains=q) | Q(unit__name__contains=q) | Q(unit__pinyin__startswith=text)
                                   | Q(unit__pinyin_full__startswith=text) | Q(unit__code__startswith=q))
    paged = Paginator(children, per_page).get_page(page)
    child_rows = [{"unit": row.unit, "figures": row.figures, "derived": derived(row.figures), "url": board_url(row.unit),
                   "updated_at": row.updated_at} for row in paged.object_list]
    figures = kept["figures"] if kept else None
    return {
        "unit": unit, "year": year, "figures": figures, "derived": derived(figures), "plan": _plan(unit, year),
        "children": child_rows, "page": paged, "q": q, "trend": trend(unit),
        "breadcrumbs": breadcrumbs(user, unit), "updated_at": kept["updated_at"] if kept else None,
        "star_names": StarCatalog(unit).names(),
    }


def trend(unit) -> list[dict]:
    """Ratings over recognised rounds: the unit's own row of each round covering it, or the scope rows of the rounds
    inside it summed per period (one query)."""
    rows = (RoundUnitStats.objects.filter(round__phase=Round.Phase.RECOGNISED)
            .filter(Q(unit=unit) | Q(parent__isnull=True, unit__path__startswith=unit.path))
            .order_by("round__period_start", "round_id")
            .values_list("round__name", "round__kind", "round__period_start", "round__period_end", "by_rating", "total"))
    periods: dict[tuple, dict] = {}
    for name, kind, start, end, by_rating, total in rows:
        slot = periods.setdefault((start, end, kind), {"round": name, "by_rating": {}, "total": 0})
        for key, n in (by_rating or {}).items():
            slot["by_rating"][key] = slot["by_rating"].get(key, 0) + n
        slot["total"] += total
    return list(periods.values())
