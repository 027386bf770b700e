"""The kept board figures (BoardStats): a town's from its villages, every unit above as the sum of its children.

`town_figures` computes many towns at once with a fixed number of grouped queries per batch (facts.load plus four);
`refresh_towns` writes those towns' rows and then recomputes their ancestors' rows from the children's rows, locking
rows in the order rating/stats.py uses (towns by unit id, then the rows above top-down), so two refreshes never
deadlock; `rebuild` recomputes every row of a year. No page ever counts villages: they read these rows.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from fivestar.observation.models import FlagEntry, FlagRound
from fivestar.orgs.models import Level, OrgUnit
from fivestar.planning.models.ledger import OPEN_TASK_STATUSES, LedgerTask
from fivestar.planning.services.stars import StarCatalog
from fivestar.rating.models import RoundResult
from fivestar.supervision.models import Problem
from fivestar.supervision.models.problem import OPEN_STATUSES, ProblemStatus

from . import facts as board_facts
from . import states
from .models import BoardStats

DUE_SOON_DAYS = 7
BATCH = 200  # towns per refresh batch


def empty(star_codes=()) -> dict:
    return {
        "branches": 0,
        "held_by_star": {c: 0 for c in star_codes}, "held_by_rating": {str(r): 0 for r in range(6)},
        "targeted_by_rating": {}, "targeted_by_star": {},
        "cells": {c: states.empty_cell_counts() for c in star_codes},
        "flagged": 0,
        "problems": {"total": 0, "open": 0, "overdue": 0, "closed": 0, "closed_days_sum": 0},
        "tasks": {"total": 0, "open": 0, "overdue": 0, "due_soon": 0},
        "flags": {"month": "", "red": 0, "black": 0, "black_year": 0},
        "changed_since_last_round": 0,
    }


def add_into(into: dict, figures: dict) -> dict:
    """Sum `figures` into `into`: numbers add up, nested dicts recursively, anything else (the flags' month) is kept."""
    for key, value in figures.items():
        if isinstance(value, dict):
            add_into(into.setdefault(key, {}), value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            into[key] = into.get(key, 0) + value
        elif not into.get(key):
            into[key] = value
    return into


def flags_month(year: int, today: datetime.date) -> str:
    """The month whose flags the board shows: this month in the current year, December for a past year."""
    if year == today.year:
        return f"{today:%Y-%m}"
    return f"{year}-12" if year < today.year else f"{year}-01"


def _stars_for(towns: dict[int, str]) -> dict[int, dict[str, list[str]]]:
    """Town id → branch type → the star codes in force there (one catalog per county: frameworks are published for a
    county or above; the compiled framework is cached per process)."""
    out, by_county = {}, {}
    for town_id, path in towns.items():
        county = "/".join(path.split("/")[:-2]) + "/"
        if county not in by_county:
            catalog = StarCatalog(OrgUnit(path=path, level=Level.TOWN))
            by_county[county] = {t: list(catalog.stars(t)) for t in ("rural", "community")}
        out[town_id] = by_county[county]
    return out


def _codes(stars: dict[str, list[str]]) -> list[str]:
    return list(dict.fromkeys([*stars.get("rural", []), *stars.get("community", [])]))


def town_figures(town_ids, year: int, today: datetime.date | None = None) -> dict[int, dict]:
    """Town id → its figures for `year`, computed from its villages with grouped queries."""
    today = today or timezone.localdate()
    town_ids = sorted(set(town_ids))
    paths = dict(OrgUnit.objects.filter(pk__in=town_ids).values_list("id", "path"))
    stars = _stars_for(paths)
    out = {t: empty(_codes(stars.get(t, {}))) for t in town_ids}
    month = flags_month(year, today)
    for t in town_ids:
        out[t]["flags"]["month"] = month
    for village in board_facts.load(town_ids, year).values():
        f = out[village.town_id]
        f["branches"] += 1
        for code in village.held:
            f["held_by_star"][code] = f["held_by_star"].get(code, 0) + 1
        rating = str(min(len(village.held), 5))
        f["held_by_rating"][rating] += 1
        if village.has_target and village.target_rating:
            key = str(village.target_rating)
            f["targeted_by_rating"][key] = f["targeted_by_rating"].get(key, 0) + 1
        for code in village.target_stars:
            f["targeted_by_star"][code] = f["targeted_by_star"].get(code, 0) + 1
        flagged = False
        for code in stars.get(village.town_id, {}).get(village.branch_type, ()):
            c = board_facts.cell(village, code)
            f["cells"][code][c["state"]] += 1
            flagged = flagged or c["flagged"]
        f["flagged"] += int(flagged)
    start, end = board_facts.year_bounds(year)
    for first in range(0, len(town_ids), board_facts.CHUNK):
        towns = town_ids[first:first + board_facts.CHUNK]
        _problems(out, towns, year)
        _tasks(out, towns, year, today)
        _flags(out, towns, year, month)
        _changed(out, towns)
    return out


def _problems(out, towns, year):
    rows = (Problem.objects.filter(org_unit__parent_id__in=towns, found_on__year=year).order_by()
            .values_list("org_unit__parent_id", "status", "overdue").annotate(n=Count("id")))
    for town_id, status, overdue, n in rows:
        p = out[town_id]["problems"]
        p["total"] += n
        if status in OPEN_STATUSES:
            p["open"] += n
            p["overdue"] += n if overdue else 0
        elif status == ProblemStatus.CLOSED:
            p["closed"] += n
    closed = (Problem.objects.filter(org_unit__parent_id__in=towns, found_on__year=year, status=ProblemStatus.CLOSED,
                                     closed_at__isnull=False).values_list("org_unit__parent_id", "found_on", "closed_at"))
    for town_id, found_on, closed_at in closed.iterator(chunk_size=5000):
        days = (timezone.localtime(closed_at).date() - found_on).days
        out[town_id]["problems"]["closed_days_sum"] += max(days, 0)


def _tasks(out, towns, year, today):
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    open_q = Q(status__in=OPEN_TASK_STATUSES)
    rows = (LedgerTask.objects.filter(org_unit__parent_id__in=towns, year=year).order_by().values("org_unit__parent_id")
            .annotate(n_total=Count("id"), n_open=Count("id", filter=open_q), n_late=Count("id", filter=open_q & Q(overdue=True)),
                      n_soon=Count("id", filter=open_q & Q(overdue=False, deadline__gte=today, deadline__lte=soon)))
            .values_list("org_unit__parent_id", "n_total", "n_open", "n_late", "n_soon"))
    for town_id, total, open_, overdue, due_soon in rows:
        out[town_id]["tasks"] = {"total": total, "open": open_, "overdue": overdue, "due_soon": due_soon}


def _flags(out, towns, year, month):
    rows = (FlagEntry.objects.filter(round__town_id__in=towns, round__status=FlagRound.Status.PUBLISHED,
                                     round__period_start__year=year).exclude(flag="")
            .order_by().values_list("round__town_id", "round__period_start", "flag").annotate(n=Count("id")))
    for town_id, period_start, flag, n in rows:
        f = out[town_id]["flags"]
        if f"{period_start:%Y-%m}" == month:
            f[flag] = f.get(flag, 0) + n
        if flag == "black":
            f["black_year"] += n


def _changed(out, towns):
    """Villages whose stars changed at their town's last recognised round."""
    last = dict(RoundResult.objects.filter(org_unit__parent_id__in=towns).order_by().values("org_unit__parent_id")
                .annotate(last=Max("round_id")).values_list("org_unit__parent_id", "last"))
    if not last:
        return
    rows = (RoundResult.objects.filter(round_id__in=set(last.values()), org_unit__parent_id__in=list(last))
            .values_list("org_unit__parent_id", "round_id", "gained", "lost"))
    for town_id, round_id, gained, lost in rows:
        if last.get(town_id) == round_id and (gained or lost):
            out[town_id]["changed_since_last_round"] += 1


# ------------------------------------------------------------------------------------------------- writing rows


def _ancestors_rows(year: int, paths: set[str], now) -> list[BoardStats]:
    """The rows of these units (created empty where missing), locked top-down."""
    units = list(OrgUnit.objects.filter(path__in=paths).values_list("id", "level", "parent_id"))
    BoardStats.objects.bulk_create(
        [BoardStats(year=year, unit_id=uid, level=level, parent_id=parent_id, figures={}, updated_at=now) for uid, level, parent_id in units],
        ignore_conflicts=True)
    return list(BoardStats.objects.select_for_update(of=("self",)).filter(year=year, unit_id__in=[u[0] for u in units])
                .order_by("level", "unit_id"))


def refresh_towns(town_ids, year: int, today: datetime.date | None = None) -> int:
    """Recompute these towns' rows for `year` and every row above them; returns how many towns were written."""
    town_ids = sorted(set(town_ids))
    if not town_ids:
        return 0
    now = timezone.now()
    towns = {pk: (path, parent_id) for pk, path, parent_id in
             OrgUnit.objects.filter(pk__in=town_ids, level=Level.TOWN).values_list("id", "path", "parent_id")}
    town_ids = sorted(towns)
    with transaction.atomic():
        BoardStats.objects.bulk_create(
            [BoardStats(year=year, unit_id=t, level=Level.TOWN, parent_id=towns[t][1], figures={}, updated_at=now) for t in town_ids],
            ignore_conflicts=True)
        rows = list(BoardStats.objects.select_for_update(of=("self",)).filter(year=year, unit_id__in=town_ids).order_by("unit_id"))
        figures = town_figures(town_ids, year, today)
        for row in rows:
            row.figures, row.updated_at = figures[row.unit_id], now
        BoardStats.objects.bulk_update(rows, ["figures", "updated_at"], batch_size=500)
        above = {p for path, _ in towns.values() for p in OrgUnit.paths_above(path)[:-1]}
        ancestors = _ancestors_rows(year, above, now)
        _recompute(year, ancestors, now)
    return len(town_ids)


def _recompute(year: int, ancestors: list[BoardStats], now) -> None:
    """Each ancestor from its children's rows, deepest first (a county before its city)."""
    current: dict[int, dict] = {}
    children: dict[int, list[int]] = defaultdict(list)
    for unit_id, parent_id, figures in (BoardStats.objects.filter(year=year, parent_id__in=[a.unit_id for a in ancestors])
                                        .values_list("unit_id", "parent_id", "figures")):
        current[unit_id] = figures
        children[parent_id].append(unit_id)
    for row in sorted(ancestors, key=lambda r: -r.level):
        total = empty()
        total["flags"]["month"] = ""
        for child in children.get(row.unit_id, []):
            add_into(total, current[child])
        current[row.unit_id] = total
        row.figures, row.updated_at = total, now
    BoardStats.objects.bulk_update(ancestors, ["figures", "updated_at"], batch_size=500)


def rebuild(year: int, today: datetime.date | None = None) -> int:
    """Every row of `year`: each town with villages from them, in batches, then every unit above from its children.
    Rows of units with no village left are removed. Returns the number of rows."""
    now = timezone.now()
    town_ids = sorted(set(OrgUnit.objects.filter(level=Level.VILLAGE, active=True, parent__level=Level.TOWN)
                          .values_list("parent_id", flat=True).distinct()))
    towns = dict(OrgUnit.objects.filter(pk__in=town_ids).values_list("id", "path"))
    with transaction.atomic():
        BoardStats.objects.filter(year=year).exclude(unit_id__in=OrgUnit.objects.filter(pk__in=town_ids).values("id")) \
            .filter(level=Level.TOWN).delete()
        for first in range(0, len(town_ids), BATCH):
            batch = town_ids[first:first + BATCH]
            figures = town_figures(batch, year, today)
            parents = dict(OrgUnit.objects.filter(pk__in=batch).values_list("id", "parent_id"))
            existing = {r.unit_id: r for r in BoardStats.objects.filter(year=year, unit_id__in=batch)}
            create, update = [], []
            for t in batch:
                row = existing.get(t)
                if row is None:
                    create.append(BoardStats(year=year, unit_id=t, level=Level.TOWN, parent_id=parents[t], figures=figures[t], updated_at=now))
                else:
                    row.figures, row.updated_at, row.parent_id = figures[t], now, parents[t]
                    update.append(row)
            BoardStats.objects.bulk_create(create, batch_size=500)
            BoardStats.objects.bulk_update(update, ["figures", "updated_at", "parent_id"], batch_size=500)
        above = {p for path in towns.values() for p in OrgUnit.paths_above(path)[:-1]}
        kept_above = dict(BoardStats.objects.filter(year=year).exclude(level=Level.TOWN).values_list("unit__path", "id"))
        BoardStats.objects.filter(pk__in=[pk for path, pk in kept_above.items() if path not in above]).delete()
        if above:
            _recompute(year, _ancestors_rows(year, above, now), now)
    return BoardStats.objects.filter(year=year).count()
