"""Kept problem counts (ProblemStats) per unit (village up to province), per area and per team.

Every change that moves a problem's figures applies a delta in the change's own transaction, one UPDATE per row
(`x = x + delta`, the JSON counts likewise), never reading the rows first and never select_for_update: the
database serialises concurrent updates of one row itself, and rows are always touched in one global order
(units, then areas, then teams, each by id), so two concurrent transitions never deadlock. A missing row is
inserted first (INSERT … ON CONFLICT DO NOTHING). `rebuild_problem_stats` recomputes every row with grouped
queries (and removes rows with nothing left).
"""

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from fivestar.orgs.models import OrgUnit

from ..models import Problem, ProblemStats
from ..models.problem import OPEN_STATUSES, ProblemStatus

KINDS = ("unit", "area", "team")  # the global lock order across kinds
STATUSES = tuple(ProblemStatus.values)
CHUNK = 900  # ids per IN (…) list, under SQLite's bound on query parameters


def contribution(status: str, overdue: bool) -> dict:
    """What one problem adds to every row it counts in."""
    is_open = status in OPEN_STATUSES
    return {"total": 1, "open": int(is_open), "overdue": int(is_open and bool(overdue)), "by_status": {status: 1}}


def delta(before: dict | None, after: dict | None) -> dict:
    out = {"total": 0, "open": 0, "overdue": 0, "by_status": {}}
    for sign, part in ((-1, before), (1, after)):
        if not part:
            continue
        for name in ("total", "open", "overdue"):
            out[name] += sign * part[name]
        for key, n in part["by_status"].items():
            out["by_status"][key] = out["by_status"].get(key, 0) + sign * n
    out["by_status"] = {k: n for k, n in out["by_status"].items() if n}
    return out


def is_zero(d: dict) -> bool:
    return not (d["total"] or d["open"] or d["overdue"] or d["by_status"])


def unit_ids_above(paths) -> dict[str, list[int]]:
    """For each village path: the ids of it and every unit above it (one query for all)."""
    wanted = sorted({p for path in paths for p in OrgUnit.paths_above(path)})
    ids = {}
    for start in range(0, len(wanted), CHUNK):
        ids.update(OrgUnit.objects.filter(path__in=wanted[start:start + CHUNK]).values_list("path", "id"))
    return {path: [ids[p] for p in OrgUnit.paths_above(path) if p in ids] for path in paths}


def keys_for(unit_ids: list[int], area_id: int | None, team_id: int | None) -> list[tuple[str, int]]:
    keys = [("unit", i) for i in unit_ids]
    if area_id:
        keys.append(("area", area_id))
    if team_id:
        keys.append(("team", team_id))
    return keys


def problem_keys(problem: Problem, unit_ids: list[int] | None = None) -> list[tuple[str, int]]:
    village = problem.org_unit
    if unit_ids is None:
        unit_ids = unit_ids_above([village.path])[village.path]
    return keys_for(unit_ids, village.area_id, problem.team_id)


class Deltas:
    """Deltas gathered over a batch of problems, applied once per row in the global order."""

    def __init__(self):
        self.rows: dict[tuple[str, int], dict] = {}

    def add(self, keys, d: dict) -> None:
        if is_zero(d):
            return
        for key in keys:
            into = self.rows.setdefault(key, {"total": 0, "open": 0, "overdue": 0, "by_status": {}})
            for name in ("total", "open", "overdue"):
                into[name] += d[name]
            for status, n in d["by_status"].items():
                into["by_status"][status] = into["by_status"].get(status, 0) + n

    def apply(self) -> None:
        if not self.rows:
            return
        order = sorted(self.rows, key=lambda k: (KINDS.index(k[0]), k[1]))  # one total order for every transaction
        with transaction.atomic(savepoint=False):
            for key in order:
                if not is_zero(self.rows[key]):
                    _apply_one(key, self.rows[key])


def apply(keys, d: dict) -> None:
    deltas = Deltas()
    deltas.add(keys, d)
    deltas.apply()


def _json_sql(d: dict) -> tuple[str, list]:
    """SQL for the new by_status value with each status count moved by its delta (statuses are our own codes)."""
    col = connection.ops.quote_name("by_status")
    items = [(s, n) for s, n in sorted(d["by_status"].items()) if s in STATUSES]
    if not items:
        return col, []
    if connection.vendor == "postgresql":
        pairs = ", ".join(f"'{s}', GREATEST(COALESCE(({col}->>'{s}')::int, 0) + %s, 0)" for s, _ in items)
        return f"COALESCE({col}, '{{}}'::jsonb) || jsonb_build_object({pairs})", [n for _, n in items]
    pairs = ", ".join(f"'$.{s}', MAX(COALESCE(json_extract({col}, '$.{s}'), 0) + %s, 0)" for s, _ in items)
    return f"json_set(COALESCE({col}, '{{}}'), {pairs})", [n for _, n in items]


def _apply_one(key: tuple[str, int], d: dict) -> None:
    kind, pk = key
    quote = connection.ops.quote_name
    table = quote(ProblemStats._meta.db_table)
    column = quote(f"{kind}_id")
    biggest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    json_expr, json_params = _json_sql(d)
    sets = [f"{quote(name)} = {biggest}({quote(name)} + %s, 0)" for name in ("total", "open", "overdue")]
    sql = (f"UPDATE {table} SET {', '.join(sets)}, {quote('by_status')} = {json_expr}, {quote('updated_at')} = %s "
           f"WHERE {column} = %s")
    params = [d["total"], d["open"], d["overdue"], *json_params, timezone.now(), pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount:
            return
    ProblemStats.objects.bulk_create([ProblemStats(**{f"{kind}_id": pk}, by_status={})], ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# ----------------------------------------------------------------------------------------------- rebuild

def _grouped(field: str) -> dict[int, dict]:
    """Per value of `field`: counts by status, open and overdue (grouped queries, no problem rows loaded)."""
    out: dict[int, dict] = defaultdict(lambda: {"total": 0, "open": 0, "overdue": 0, "by_status": {}})
    rows = (Problem.objects.exclude(**{f"{field}__isnull": True}).order_by().values_list(field, "status")
            .annotate(n=Count("id"), late=Count("id", filter=Q(overdue=True))))
    for key, status, n, late in rows.iterator():
        figures = out[key]
        figures["total"] += n
        figures["by_status"][status] = figures["by_status"].get(status, 0) + n
        if status in OPEN_STATUSES:
            figures["open"] += n
            figures["overdue"] += late
    return out


def expected_figures() -> dict[tuple[str, int], dict]:
    """Every row's figures as a rebuild computes them: villages grouped, then summed up the tree."""
    by_village = _grouped("org_unit_id")
    out: dict[tuple[str, int], dict] = {}
    paths = {}
    ids = list(by_village)
    for start in range(0, len(ids), CHUNK):
        paths.update(OrgUnit.objects.filter(pk__in=ids[start:start + CHUNK]).values_list("id", "path"))
    above = unit_ids_above(set(paths.values())) if paths else {}
    for village_id, figures in by_village.items():
        for unit_id in above.get(paths.get(village_id, ""), [village_id]):
            _add(out.setdefault(("unit", unit_id), _empty()), figures)
    for area_id, figures in _grouped("org_unit__area_id").items():
        out[("area", area_id)] = figures
    for team_id, figures in _grouped("team_id").items():
        out[("team", team_id)] = figures
    return out


def _empty() -> dict:
    return {"total": 0, "open": 0, "overdue": 0, "by_status": {}}


def _add(into: dict, figures: dict) -> None:
    for name in ("total", "open", "overdue"):
        into[name] += figures[name]
    for status, n in figures["by_status"].items():
        into["by_status"][status] = into["by_status"].get(status, 0) + n


def kept_figures() -> dict[tuple[str, int], dict]:
    out = {}
    for unit_id, area_id, team_id, total, open_, overdue, by_status in ProblemStats.objects.values_list(
            "unit_id", "area_id", "team_id", "total", "open", "overdue", "by_status").iterator():
        kind, pk = ("unit", unit_id) if unit_id else ("area", area_id) if area_id else ("team", team_id)
        out[(kind, pk)] = {"total": total, "open": open_, "overdue": overdue,
                           "by_status": {k: v for k, v in (by_status or {}).items() if v}}
    return out


def _normal(figures: dict) -> dict:
    return {**figures, "by_status": {k: v for k, v in figures["by_status"].items() if v}}


def differences() -> list[tuple[str, int]]:
    """Rows whose kept figures differ from a rebuild (missing rows with all zeros count as equal)."""
    expected, kept = expected_figures(), kept_figures()
    zero = _empty()
    return sorted(key for key in set(expected) | set(kept)
                  if _normal(expected.get(key, zero)) != _normal(kept.get(key, zero)))


def rebuild_problem_stats() -> int:
    """Recompute every kept row from the problems; returns how many rows there are afterwards."""
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Changes in flight finish first; later ones wait and add their deltas on top of the rebuilt rows.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(ProblemStats._meta.db_table)} IN EXCLUSIVE MODE")
        expected = expected_figures()
        kept = {key: pk for key, pk in _kept_ids().items()}
        stale = [pk for key, pk in kept.items() if key not in expected]
        for start in range(0, len(stale), CHUNK):
            ProblemStats.objects.filter(pk__in=stale[start:start + CHUNK]).delete()
        update, create = [], []
        for key, figures in expected.items():
            row = ProblemStats(pk=kept.get(key), **{f"{key[0]}_id": key[1]}, total=figures["total"], open=figures["open"],
                               overdue=figures["overdue"], by_status=_normal(figures)["by_status"], updated_at=now)
            (update if row.pk else create).append(row)
        _write(update)
        ProblemStats.objects.bulk_create(create, batch_size=1000)
    return len(expected)


WRITTEN = ("total", "open", "overdue", "by_status", "updated_at")


def _write(rows: list[ProblemStats]) -> None:
    """Save the rows' figures with one executemany (bulk_update's CASE per row and field is slow for 60,000 rows)."""
    if not rows:
        return
    fields = [ProblemStats._meta.get_field(name) for name in WRITTEN]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(ProblemStats._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
           f"WHERE {quote('id')} = %s")
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            cursor.executemany(sql, [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
                                     for row in rows[start:start + 2000]])


def _kept_ids() -> dict[tuple[str, int], int]:
    out = {}
    for pk, unit_id, area_id, team_id in ProblemStats.objects.values_list("id", "unit_id", "area_id", "team_id").iterator():
        out[("unit", unit_id) if unit_id else ("area", area_id) if area_id else ("team", team_id)] = pk
    return out
