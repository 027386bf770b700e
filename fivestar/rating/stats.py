"""Kept round figures per org unit (models/stats.py), from the round's scope down to its towns.

A transition refreshes its town's row from that town's branches (tens of rows) and, when the town's figures
moved, every row above it from its children's rows (tens of rows each), inside the caller's transaction.
Rows are locked before they are read — the towns' rows in unit-id order, then the rows above them top-down —
so on PostgreSQL two transitions in sibling towns queue on their shared ancestors and the second one
recomputes them from the first one's committed rows: no update is lost, and since every transaction takes
its locks in the same order, none deadlocks. (SQLite runs one writing transaction at a time.)

`rebuild_round` recomputes every level from the branches, in the same lock order: after opening and
recognition, and from `fivestar rebuild-round-stats`.
"""

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from fivestar.core import board_marks
from fivestar.orgs.models import Level, OrgUnit

from .models import Assessment, Round, RoundUnitStats

FIGURES = RoundUnitStats.FIGURES


def empty() -> dict:
    return {"by_status": {}, "by_rating": {}, "by_category": {}, "community": 0, "total": 0}


def _bump(counts: dict, key: str, n: int) -> None:
    counts[key] = counts.get(key, 0) + n


def add_into(into: dict, figures: dict) -> dict:
    """Add one unit's figures to `into` (a sum over children, or over a user's units)."""
    for name in ("by_status", "by_rating", "by_category"):
        for key, n in (figures.get(name) or {}).items():
            _bump(into[name], key, n)
    into["community"] += figures.get("community") or 0
    into["total"] += figures.get("total") or 0
    return into


def branch_figures(round_id: int, town_ids=None) -> dict[int, dict]:
    """Per town: its branches counted by status, rating, category and type (one grouped query)."""
    rows = Assessment.objects.filter(round_id=round_id)
    if town_ids is not None:
        rows = rows.filter(town_id__in=list(town_ids))
    grouped = (
        rows.order_by().values_list("town_id", "status", "rating", "org_unit__category", "org_unit__branch_type")
        .annotate(n=Count("id"))
    )
    out: dict[int, dict] = {}
    for town_id, status, rating, category, branch_type, n in grouped:
        if town_id is None:
            continue
        figures = out.setdefault(town_id, empty())
        _bump(figures["by_status"], status, n)
        _bump(figures["by_rating"], str(rating), n)
        _bump(figures["by_category"], category or "", n)
        figures["community"] += n if branch_type == "community" else 0
        figures["total"] += n
    return out


def _set(row: RoundUnitStats, figures: dict, now) -> bool:
    """Give `row` these figures; whether anything changed."""
    if row.figures() == figures:
        return False
    for name in FIGURES:
        setattr(row, name, figures[name])
    row.updated_at = now
    return True


WRITTEN = (*FIGURES, "level", "parent", "updated_at")


def _write(rows: list[RoundUnitStats]) -> None:
    """Save these rows' figures in one statement (executemany): Django's bulk_update builds a CASE per field and
    row, which costs seconds of Python for a round's 2,600 rows."""
    if not rows:
        return
    fields = [RoundUnitStats._meta.get_field(name) for name in WRITTEN]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(RoundUnitStats._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
           f"WHERE {quote('id')} = %s")
    params = [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _locked_towns(round_id: int, town_ids: list[int]) -> list[RoundUnitStats]:
    return list(
        RoundUnitStats.objects.select_for_update(of=("self",)).filter(round_id=round_id, unit_id__in=town_ids)
        .select_related("unit").order_by("unit_id")
    )


def refresh_towns(round_id: int, town_ids) -> None:
    """After a change to branches of these towns (in the caller's transaction): their rows, and the rows above
    them when a town's figures moved. A fixed number of queries whatever the round's size."""
    town_ids = sorted({t for t in town_ids if t})
    if not town_ids:
        return
    board_marks.towns_moved(town_ids)  # an evaluation or a status moved: the towns' boards refresh after commit
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        towns = _locked_towns(round_id, town_ids)
        if len(towns) < len(town_ids):
            _create_missing(round_id, set(town_ids) - {row.unit_id for row in towns})
            towns = _locked_towns(round_id, town_ids)
        figures = branch_figures(round_id, town_ids)
        changed = [row for row in towns if _set(row, figures.get(row.unit_id, empty()), now)]
        if not changed:
            return
        _write(changed)
        above = sorted({path for row in changed for path in OrgUnit.paths_above(row.unit.path)[:-1]})
        ancestors = list(
            RoundUnitStats.objects.select_for_update(of=("self",)).filter(round_id=round_id, unit__path__in=above)
            .order_by("level", "unit_id")
        )
        if ancestors:
            _write(_recompute(round_id, ancestors, now))


def _recompute(round_id: int, ancestors: list[RoundUnitStats], now) -> list[RoundUnitStats]:
    """Each locked ancestor from its children's rows, deepest first (a county before its city); the changed ones."""
    current: dict[int, dict] = {}
    children: dict[int, list[int]] = {}
    rows = RoundUnitStats.objects.filter(round_id=round_id, parent_id__in=[a.unit_id for a in ancestors]).values_list(
        "unit_id", "parent_id", *FIGURES)
    for unit_id, parent_id, *values in rows:
        current[unit_id] = dict(zip(FIGURES, values))
        children.setdefault(parent_id, []).append(unit_id)
    changed = []
    for row in sorted(ancestors, key=lambda r: -r.level):
        total = empty()
        for child in children.get(row.unit_id, []):
            add_into(total, current[child])
        current[row.unit_id] = total
        if _set(row, total, now):
            changed.append(row)
    return changed


def _create_missing(round_id: int, town_ids: set[int]) -> None:
    """Rows for towns (and their ancestors) the round has no row for yet, empty; filled by the caller."""
    scope = Round.objects.select_related("scope").get(pk=round_id).scope
    towns = OrgUnit.objects.filter(pk__in=town_ids, path__startswith=scope.path).values_list("path", flat=True)
    paths = {p for path in towns for p in OrgUnit.paths_above(path) if p.startswith(scope.path)}
    units = OrgUnit.objects.filter(path__in=paths).values_list("id", "level", "parent_id")
    RoundUnitStats.objects.bulk_create(
        [RoundUnitStats(round_id=round_id, unit_id=uid, level=level, parent_id=None if uid == scope.pk else parent_id) for uid, level, parent_id in units],
        ignore_conflicts=True,
    )


def rebuild_round(round_id: int, mark_boards: bool = False) -> int:
    """Every level of one round from its branches: towns' rows from one grouped query, each row above as the
    sum of its children. Rows of units that no longer have branches are removed. Returns the number of rows."""
    rnd = Round.objects.select_related("scope").get(pk=round_id)
    scope = rnd.scope
    now = timezone.now()
    with transaction.atomic():
        if mark_boards:  # opened or recognised: every town's board in the scope refreshes after commit
            board_marks.scope_moved(scope.path)
        # Same lock order as a transition: the towns' rows by unit id, then the rows above them top-down.
        existing = {r.unit_id: r for r in RoundUnitStats.objects.select_for_update().filter(round_id=round_id, level=Level.TOWN).order_by("unit_id")}
        existing.update({r.unit_id: r for r in RoundUnitStats.objects.select_for_update().filter(round_id=round_id).exclude(level=Level.TOWN).order_by("level", "unit_id")})
        figures = branch_figures(round_id)
        units = {
            uid: (level, parent_id)
            for uid, level, parent_id in OrgUnit.objects.filter(path__startswith=scope.path, level__lte=Level.TOWN).values_list("id", "level", "parent_id")
        }
        totals: dict[int, dict] = {}
        for town_id, town_figures in figures.items():
            unit_id = town_id
            while unit_id in units:
                add_into(totals.setdefault(unit_id, empty()), town_figures)
                if unit_id == scope.pk:
                    break
                unit_id = units[unit_id][1]
        to_update, to_create = [], []
        for unit_id, unit_figures in totals.items():
            level, parent_id = units[unit_id]
            parent_id = None if unit_id == scope.pk else parent_id
            row = existing.pop(unit_id, None)
            if row is None:
                to_create.append(RoundUnitStats(round_id=round_id, unit_id=unit_id, level=level, parent_id=parent_id, **unit_figures))
                continue
            moved = (row.level, row.parent_id) != (level, parent_id)
            row.level, row.parent_id = level, parent_id
            if _set(row, unit_figures, now) or moved:
                to_update.append(row)
        if existing:
            RoundUnitStats.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
        _write(to_update)
        RoundUnitStats.objects.bulk_create(to_create, batch_size=1000)
    return len(totals)


# The names the services call (one town after a transition; every level after opening or recognition).
def refresh_town_stats(round_id: int, town_id: int) -> None:
    refresh_towns(round_id, [town_id])


def refresh_round_stats(round_id: int) -> int:
    return rebuild_round(round_id, mark_boards=True)
