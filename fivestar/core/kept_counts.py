"""Kept counts of a workflow's rows (total, open, overdue, per status) per unit (village up to province) and per
other grouping (area, team…), optionally partitioned by a fixed column (a ledger's year). Used by the supervision
problems (ProblemStats) and the creation ledger (LedgerStats).

Every change that moves a row's figures applies a delta in the change's own transaction, one UPDATE per kept row
(`x = x + delta`, the JSON counts likewise), never reading the rows first and never select_for_update: the
database serialises concurrent updates of one row itself, and rows are always touched in one global order (kinds
in their declared order, then id, then partition), so two concurrent changes never deadlock. A missing row is
inserted first (INSERT … ON CONFLICT DO NOTHING). `rebuild` recomputes every row with grouped queries (and
removes rows with nothing left).

A key is `(kind, id)` or, with a partition, `(kind, id, partition value)`.
"""

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from fivestar.orgs.models import OrgUnit

from . import board_marks

CHUNK = 900  # ids per IN (…) list, under SQLite's bound on query parameters
WRITTEN = ("total", "open", "overdue", "by_status", "updated_at")


def empty() -> dict:
    return {"total": 0, "open": 0, "overdue": 0, "by_status": {}}


def is_zero(d: dict) -> bool:
    return not (d["total"] or d["open"] or d["overdue"] or d["by_status"])


def delta(before: dict | None, after: dict | None) -> dict:
    out = empty()
    for sign, part in ((-1, before), (1, after)):
        if not part:
            continue
        for name in ("total", "open", "overdue"):
            out[name] += sign * part[name]
        for key, n in part["by_status"].items():
            out["by_status"][key] = out["by_status"].get(key, 0) + sign * n
    out["by_status"] = {k: n for k, n in out["by_status"].items() if n}
    return out


def add_into(into: dict, figures: dict) -> None:
    for name in ("total", "open", "overdue"):
        into[name] += figures[name]
    for status, n in figures["by_status"].items():
        into["by_status"][status] = into["by_status"].get(status, 0) + n


def normal(figures: dict) -> dict:
    return {**figures, "by_status": {k: v for k, v in figures["by_status"].items() if v}}


def unit_ids_above(paths) -> dict[str, list[int]]:
    """For each village path: the ids of it and every unit above it (one query per CHUNK paths)."""
    wanted = sorted({p for path in paths for p in OrgUnit.paths_above(path)})
    ids = {}
    for start in range(0, len(wanted), CHUNK):
        ids.update(OrgUnit.objects.filter(path__in=wanted[start:start + CHUNK]).values_list("path", "id"))
    return {path: [ids[p] for p in OrgUnit.paths_above(path) if p in ids] for path in paths}


class KeptCounts:
    """The kept counts of `source` rows in `stats_model` rows.

    `kinds`: kind → the source's field grouping it (None for "unit": the village `org_unit_id` summed up the tree),
    in the global lock order, e.g. {"unit": None, "area": "org_unit__area_id", "team": "team_id"}. The stats model
    has one nullable `<kind>_id` column per kind, `total`, `open`, `overdue`, `by_status`, `updated_at`, and the
    `partition` column if given (the source has a field of the same name)."""

    def __init__(self, stats_model, source, statuses, open_statuses, kinds: dict[str, str | None], partition: str | None = None):
        self.stats_model, self.source = stats_model, source
        self.statuses, self.open_statuses = tuple(statuses), tuple(open_statuses)
        self.kinds, self.order = dict(kinds), tuple(kinds)
        self.partition = partition

    # ----------------------------------------------------------------------------------------- changes

    def contribution(self, status: str, overdue: bool) -> dict:
        """What one source row adds to every kept row it counts in."""
        is_open = status in self.open_statuses
        return {"total": 1, "open": int(is_open), "overdue": int(is_open and bool(overdue)), "by_status": {status: 1}}

    def keys(self, unit_ids: list[int], part=None, **others) -> list[tuple]:
        """The keys of a row counted in `unit_ids` (its village and every unit above) and the other kinds' ids."""
        tail = (part,) if self.partition else ()
        keys = [("unit", i, *tail) for i in unit_ids]
        for kind in self.order:
            if kind != "unit" and others.get(kind):
                keys.append((kind, others[kind], *tail))
        return keys

    def deltas(self) -> "Deltas":
        return Deltas(self)

    def apply(self, keys, d: dict) -> None:
        batch = self.deltas()
        batch.add(keys, d)
        batch.apply()

    def _sort_key(self, key: tuple):
        return (self.order.index(key[0]), *key[1:])

    def _json_sql(self, d: dict) -> tuple[str, list]:
        """SQL for the new by_status value with each status count moved by its delta (statuses are our own codes)."""
        col = connection.ops.quote_name("by_status")
        items = [(s, n) for s, n in sorted(d["by_status"].items()) if s in self.statuses]
        if not items:
            return col, []
        if connection.vendor == "postgresql":
            pairs = ", ".join(f"'{s}', GREATEST(COALESCE(({col}->>'{s}')::int, 0) + %s, 0)" for s, _ in items)
            return f"COALESCE({col}, '{{}}'::jsonb) || jsonb_build_object({pairs})", [n for _, n in items]
        pairs = ", ".join(f"'$.{s}', MAX(COALESCE(json_extract({col}, '$.{s}'), 0) + %s, 0)" for s, _ in items)
        return f"json_set(COALESCE({col}, '{{}}'), {pairs})", [n for _, n in items]

    def _apply_one(self, key: tuple, d: dict) -> None:
        kind, pk, *rest = key
        quote = connection.ops.quote_name
        table = quote(self.stats_model._meta.db_table)
        biggest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
        json_expr, json_params = self._json_sql(d)
        sets = [f"{quote(name)} = {biggest}({quote(name)} + %s, 0)" for name in ("total", "open", "overdue")]
        where, where_params = f"{quote(f'{kind}_id')} = %s", [pk]
        if self.partition:
            where += f" AND {quote(self.partition)} = %s"
            where_params.append(rest[0])
        sql = (f"UPDATE {table} SET {', '.join(sets)}, {quote('by_status')} = {json_expr}, {quote('updated_at')} = %s "
               f"WHERE {where}")
        params = [d["total"], d["open"], d["overdue"], *json_params, timezone.now(), *where_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if cursor.rowcount:
                return
        self.stats_model.objects.bulk_create([self._row(key, by_status={})], ignore_conflicts=True)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def _row(self, key: tuple, **values):
        kind, pk, *rest = key
        fields = {f"{kind}_id": pk, **values}
        if self.partition:
            fields[self.partition] = rest[0]
        return self.stats_model(**fields)

    # ----------------------------------------------------------------------------------------- rebuild

    def _grouped(self, field: str) -> dict[tuple, dict]:
        """Per value of `field` (and partition): counts by status, open and overdue (grouped queries)."""
        out: dict[tuple, dict] = defaultdict(empty)
        group = [field, *([self.partition] if self.partition else []), "status"]
        rows = (self.source.objects.exclude(**{f"{field}__isnull": True}).order_by().values_list(*group)
                .annotate(n=Count("id"), late=Count("id", filter=Q(overdue=True))))
        for *head, status, n, late in rows.iterator():
            figures = out[tuple(head)]
            figures["total"] += n
            figures["by_status"][status] = figures["by_status"].get(status, 0) + n
            if status in self.open_statuses:
                figures["open"] += n
                figures["overdue"] += late
        return out

    def expected_figures(self) -> dict[tuple, dict]:
        """Every row's figures as a rebuild computes them: villages grouped, then summed up the tree."""
        by_village = self._grouped("org_unit_id")
        out: dict[tuple, dict] = {}
        paths = {}
        ids = sorted({head[0] for head in by_village})
        for start in range(0, len(ids), CHUNK):
            paths.update(OrgUnit.objects.filter(pk__in=ids[start:start + CHUNK]).values_list("id", "path"))
        above = unit_ids_above(set(paths.values())) if paths else {}
        for (village_id, *part), figures in by_village.items():
            for unit_id in above.get(paths.get(village_id, ""), [village_id]):
                add_into(out.setdefault(("unit", unit_id, *part), empty()), figures)
        for kind, field in self.kinds.items():
            if field:
                for (pk, *part), figures in self._grouped(field).items():
                    out[(kind, pk, *part)] = figures
        return out

    def _key_of(self, values: dict) -> tuple:
        kind = next(k for k in self.order if values[f"{k}_id"])
        return (kind, values[f"{kind}_id"], *([values[self.partition]] if self.partition else []))

    def _kept_rows(self, *fields):
        columns = [f"{k}_id" for k in self.order] + ([self.partition] if self.partition else [])
        return self.stats_model.objects.values(*columns, *fields).iterator()

    def kept_figures(self) -> dict[tuple, dict]:
        out = {}
        for row in self._kept_rows("total", "open", "overdue", "by_status"):
            out[self._key_of(row)] = {"total": row["total"], "open": row["open"], "overdue": row["overdue"],
                                      "by_status": {k: v for k, v in (row["by_status"] or {}).items() if v}}
        return out

    def differences(self) -> list[tuple]:
        """Keys whose kept figures differ from a rebuild (missing rows with all zeros count as equal)."""
        expected, kept = self.expected_figures(), self.kept_figures()
        zero = empty()
        return sorted((key for key in set(expected) | set(kept)
                       if normal(expected.get(key, zero)) != normal(kept.get(key, zero))), key=self._sort_key)

    def rebuild(self) -> int:
        """Recompute every kept row from the source rows; returns how many rows there are afterwards."""
        model = self.stats_model
        now = timezone.now()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Changes in flight finish first; later ones wait and add their deltas on top of the rebuilt rows.
                with connection.cursor() as cursor:
                    cursor.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} IN EXCLUSIVE MODE")
            expected = self.expected_figures()
            kept = {self._key_of(row): row["id"] for row in self._kept_rows("id")}
            stale = [pk for key, pk in kept.items() if key not in expected]
            for start in range(0, len(stale), CHUNK):
                model.objects.filter(pk__in=stale[start:start + CHUNK]).delete()
            update, create = [], []
            for key, figures in expected.items():
                row = self._row(key, total=figures["total"], open=figures["open"], overdue=figures["overdue"],
                                by_status=normal(figures)["by_status"], updated_at=now)
                row.pk = kept.get(key)
                (update if row.pk else create).append(row)
            self._write(update)
            model.objects.bulk_create(create, batch_size=1000)
        return len(expected)

    def _write(self, rows: list) -> None:
        """Save the rows' figures with one executemany (bulk_update's CASE per row and field is slow for 60,000 rows)."""
        if not rows:
            return
        model = self.stats_model
        fields = [model._meta.get_field(name) for name in WRITTEN]
        quote = connection.ops.quote_name
        sql = (f"UPDATE {quote(model._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
               f"WHERE {quote('id')} = %s")
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 2000):
                cursor.executemany(sql, [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
                                         for row in rows[start:start + 2000]])


class Deltas:
    """Deltas gathered over a batch of source rows, applied once per kept row in the global order."""

    def __init__(self, kept: KeptCounts):
        self.kept = kept
        self.rows: dict[tuple, dict] = {}

    def add(self, keys, d: dict) -> None:
        if is_zero(d):
            return
        for key in keys:
            add_into(self.rows.setdefault(key, empty()), d)

    def apply(self) -> None:
        if not self.rows:
            return
        order = sorted(self.rows, key=self.kept._sort_key)  # one total order for every transaction
        with transaction.atomic(savepoint=False):
            for key in order:
                if not is_zero(self.rows[key]):
                    self.kept._apply_one(key, self.rows[key])
            # The boards (fivestar/boards) refresh the towns among these units after commit.
            board_marks.units_moved([key[1] for key in order if key[0] == "unit" and not is_zero(self.rows[key])])
