"""Reads of a round's kept figures (RoundUnitStats) for the round pages, the public notice, the API and the home.

What a user sees of a round is the row of the round's scope when they cover it, else the rows of their own units
inside it: a handful of rows whatever the round's size. A page lists one unit's children (tens of rows, paginated)
and drills down one level per page (province → city → county → town), or searches the units below by name.
"""

from django.db.models import Q
from django.http import Http404

from fivestar.core.scoping import is_global, user_grants
from fivestar.orgs.models import Level, OrgUnit

from .models import Round, RoundUnitStats, Status
from .stats import add_into, empty

RATING_LABELS = ["五星", "四星", "三星", "二星", "一星", "无星"]
CATEGORY_KEYS = ["lead", "sprint", "improve", "base"]
SEARCH_MAX = 40


def top_paths(user) -> list[str] | None:
    """The user's topmost unit grants (their areas aside); None for a global user, who sees everything."""
    if is_global(user):
        return None
    paths = sorted({path for path, area in user_grants(user) if path and not area})
    return [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]


def covers_path(top: list[str] | None, path: str) -> bool:
    return top is None or any(path.startswith(p) for p in top)


def viewer_rows(user, round_ids) -> dict[int, list[RoundUnitStats]]:
    """Per round: the rows that make up what the user sees, one query for all the rounds of a page."""
    round_ids = list(round_ids)
    top = top_paths(user)
    if not round_ids or top == []:
        return {}
    if top is None:
        q = Q(parent__isnull=True)
    else:
        q = Q(unit__path__in=top)
        for path in top:
            q |= Q(parent__isnull=True, unit__path__startswith=path)
    rows = RoundUnitStats.objects.filter(q, round_id__in=round_ids).select_related("unit", "round").order_by("unit__path")
    out: dict[int, list[RoundUnitStats]] = {}
    for row in rows:
        out.setdefault(row.round_id, []).append(row)
    for round_id, found in out.items():
        whole = [r for r in found if r.parent_id is None and covers_path(top, r.unit.path)]
        if whole:
            out[round_id] = whole[:1]
    return out


def sum_rows(rows) -> dict:
    total = empty()
    for row in rows:
        add_into(total, row.figures())
    return total


def round_counts(user, round_ids) -> dict[int, dict]:
    """Per round: the number of branches the user sees by status (and `total_sum`), from the kept figures."""
    out = {}
    for round_id, rows in viewer_rows(user, round_ids).items():
        figures = sum_rows(rows)
        out[round_id] = {"total_sum": figures["total"], **{s.value: figures["by_status"].get(s.value, 0) for s in Status}}
    return out


# ---- table rows -------------------------------------------------------------------------------------------------


def table_row(figures: dict, columns, unit=None, row=None) -> dict:
    counts = [figures["by_status"].get(c.value, 0) for c in columns]
    ratings = [figures["by_rating"].get(str(n), 0) for n in range(5, -1, -1)]
    return {
        "unit": unit, "stats": row, "total": figures["total"], "is_town": bool(unit and unit.level == Level.TOWN),
        "cells": [{"status": c.value, "label": c.label, "n": n} for c, n in zip(columns, counts)],
        "ratings": [{"label": label, "n": n} for label, n in zip(RATING_LABELS, ratings) if n],
        "public_ratings": [{"label": label, "n": n} for label, n in zip(RATING_LABELS[:5], ratings[:5]) if n],
        "community": figures["community"],
        "categories": [figures["by_category"].get(k, 0) for k in CATEGORY_KEYS],
    }


def rows_for(page, columns) -> list[dict]:
    return [table_row(r.figures(), columns, r.unit, r) for r in page]


# ---- drill-down -------------------------------------------------------------------------------------------------


def children(rnd: Round, unit_id: int):
    """The rows of a unit's children in the round, by code (an indexed lookup; tens of rows)."""
    return RoundUnitStats.objects.filter(round=rnd, parent_id=unit_id).select_related("unit").order_by("unit__code")


def listing(rnd: Round, current: RoundUnitStats | None, mine: list[RoundUnitStats]):
    """What a page lists: the current unit's children (a town lists itself: its branches are one click away),
    or, for a user with several units in the round, those units."""
    if current is None:
        return mine
    if current.level >= Level.TOWN:
        return [current]
    return children(rnd, current.unit_id)


def search(rnd: Round, under: list[str], q: str):
    """Units below `under` (paths) whose name, pinyin initials or code match `q`, shallowest first."""
    q = q.strip()[:SEARCH_MAX]
    match = Q(unit__display_name__icontains=q) | Q(unit__name__icontains=q)
    if q.isascii() and q.isalnum() and not q.isdigit():
        match |= Q(unit__pinyin__startswith=q.lower())
    if q.isdigit():
        match |= Q(unit__code__startswith=q)
    inside = Q()
    for path in under:
        inside |= Q(unit__path__startswith=path)
    return (RoundUnitStats.objects.filter(inside, match, round=rnd).select_related("unit", "unit__parent")
            .order_by("level", "unit__path"))


def unit_in_round(rnd: Round, code: str, top: list[str] | None, public: bool = False) -> tuple[OrgUnit, RoundUnitStats]:
    """A unit of the round (town or above) the viewer may open, with its row; 404 otherwise."""
    row = (
        RoundUnitStats.objects.filter(round=rnd, unit__code=code, unit__path__startswith=rnd.scope.path)
        .select_related("unit").first()
    )
    if row is None or not covers_path(top, row.unit.path):
        raise Http404("该单位不在本次评星范围内" if public else "该单位不在本次评星范围或您的管辖范围内")
    return row.unit, row


def trail(rnd: Round, unit: OrgUnit, top: list[str] | None) -> list[OrgUnit]:
    """The units from the viewer's top (or the round's scope) down to `unit`, for breadcrumbs: one query."""
    paths = [p for p in OrgUnit.paths_above(unit.path) if p.startswith(rnd.scope.path) and covers_path(top, p)]
    return list(OrgUnit.objects.filter(path__in=paths).order_by("level"))


def home_rows(user) -> list[RoundUnitStats]:
    """For a home page above town level: the kept rows of the latest period's rounds over the user's units (the
    scope's row of a round inside them, or their own units' rows in a round covering them), a row nested in
    another one of the same period dropped. A handful of rows: never a sum over towns or villages."""
    top = top_paths(user)
    if top == []:
        return []
    q = Q()
    if top is not None:
        q = Q(pk__in=[])
        for path in top:
            q |= Q(scope__path__startswith=path) | Q(scope__path__in=OrgUnit.paths_above(path))
    rounds = Round.objects.filter(q).exclude(phase__in=[Round.Phase.DRAFT, Round.Phase.OPENING])
    latest = rounds.order_by("-period_start").values_list("period_start", flat=True).first()
    if latest is None:
        return []
    found = [row for rows in viewer_rows(user, rounds.filter(period_start=latest).values_list("pk", flat=True)).values() for row in rows]
    found.sort(key=lambda r: (len(r.unit.path), -r.round_id))
    kept: list[RoundUnitStats] = []
    for row in found:
        if not any(row.unit.path.startswith(k.unit.path) for k in kept):
            kept.append(row)
    return kept
