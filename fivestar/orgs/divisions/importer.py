"""Plan (preview) and apply an import of administrative divisions: an idempotent, atomic upsert by code.

Built for a province (≈55,000 units): existing units are loaded in one query, derived fields are
computed in Python, and writes go out in bulk, level by level so parents have ids before children.
History: simple_history's `bulk_history_create` writes one historical row per created or changed unit
in bulk (no per-row signals, so no per-row AuditEvent); the import as a whole leaves one AuditEvent
through `record_import`. Units that are in the database but not in the files are left untouched.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from fivestar.core.audit import record_import

from ..models import Level, OrgUnit
from ..naming import branch_type_for, display_name, pinyin_full, pinyin_initials
from .reader import CODE_LENGTHS, LEVEL_LABELS, DivisionRow, FileInfo, RowError, read_files, select_under
from .sources import SourceError, read_directory

BATCH = 2000
UPDATE_BATCH = 500
COMPARED = ("name", "display_name", "level", "parent_id", "path", "branch_type", "pinyin", "pinyin_full")
Progress = Callable[[int, int], None]


class DivisionImportError(Exception):
    """The import cannot be applied (invalid plan, or the database changed since the preview)."""


@dataclass
class Plan:
    source: str
    under: str = ""
    rows: list[DivisionRow] = field(default_factory=list)
    files: list[FileInfo] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    counts: dict[int, dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def totals(self) -> dict[str, int]:
        keys = ("create", "update", "unchanged")
        return {k: sum(c[k] for c in self.counts.values()) for k in keys}

    def preview(self) -> dict:
        """JSON-ready summary for an ImportJob."""
        return {
            "under": self.under,
            "rows": len(self.rows),
            "files": [vars(f) for f in self.files],
            "levels": [{"level": lv, "label": LEVEL_LABELS[lv], **self.counts.get(lv, _zero())} for lv in LEVEL_LABELS],
            "totals": self.totals,
            "error_count": self.error_count,
        }


@dataclass
class Result:
    counts: dict[int, dict[str, int]]
    seconds: float
    summary: str

    @property
    def totals(self) -> dict[str, int]:
        return {k: sum(c[k] for c in self.counts.values()) for k in ("create", "update", "unchanged")}


def _zero() -> dict[str, int]:
    return {"create": 0, "update": 0, "unchanged": 0}


def plan_import(source, under: str | None = None, found: dict[str, bytes] | None = None) -> Plan:
    """Read and validate the files in `source` (a directory or .zip) and count what an import would change."""
    under = (under or "").strip()
    plan = Plan(source=str(source), under=under)
    if under and not (under.isdigit() and len(under) in CODE_LENGTHS.values()):
        plan.errors.append(RowError("", None, "限定代码", f"限定代码“{under}”无效：应为 2、4、6、9 或 12 位数字"))
        plan.error_count = 1
        return plan
    try:
        found = found if found is not None else read_directory(Path(source))
    except SourceError as exc:
        plan.errors.append(RowError("", None, "", str(exc)))
        plan.error_count = 1
        return plan
    read = read_files(found, _codes_in_db)
    plan.files, plan.errors, plan.error_count = read.files, read.errors, read.error_count
    rows = read.rows
    if under and plan.ok:
        rows = select_under(rows, under)
        if not any(r.code == under for r in rows):
            plan.errors.append(RowError("", None, "限定代码", f"限定代码 {under} 在文件中不存在"))
            plan.error_count += 1
    plan.rows = rows if plan.ok else []
    if plan.ok:
        existing = _load_existing(plan.rows, under)
        plan.counts = _diff(plan.rows, existing)[0]
    return plan


def _codes_in_db(codes) -> set[str]:
    codes, found = sorted(codes), set()
    for i in range(0, len(codes), 500):
        found.update(OrgUnit.objects.filter(code__in=codes[i : i + 500]).values_list("code", flat=True))
    return found


def _load_existing(rows: list[DivisionRow], under: str) -> dict[str, OrgUnit]:
    """Every unit at levels 1–5 that the rows could touch or hang from, by code, in one query.

    A parent's code is a prefix of its child's, so the rows' province prefixes (or `under` and its
    ancestors) cover every parent too.
    """
    if under:
        scope = Q(code__startswith=under) | Q(code__in=[under[:n] for n in CODE_LENGTHS.values() if n < len(under)])
    else:
        scope = Q(pk__in=[])
        for province in {r.code[:2] for r in rows}:
            scope |= Q(code__startswith=province)
    return {u.code: u for u in OrgUnit.objects.filter(scope, level__lte=Level.VILLAGE).order_by()}


def _desired(row: DivisionRow, unit: OrgUnit | None, parent_id, parent_path: str, parent_name: str = "") -> dict:
    """The field values `row` asks for. A manually edited display name survives until the name changes."""
    if unit is not None and unit.name == row.name and unit.display_name:
        short = unit.display_name
    else:
        short = short_name(row, parent_name)
    if row.level != Level.VILLAGE:
        branch = ""
    elif unit is not None and unit.branch_type_overridden:
        branch = unit.branch_type
    else:
        branch = branch_type_for(row.name)
    return {
        "name": row.name,
        "display_name": short,
        "level": row.level,
        "parent_id": parent_id,
        "path": OrgUnit.path_for(parent_path, row.code),
        "branch_type": branch,
        "pinyin": pinyin_initials(short),
        "pinyin_full": pinyin_full(short),
    }


def short_name(row: DivisionRow, parent_name: str) -> str:
    """Display name. Statistical town names repeat their county (`濮阳县庆祖镇` under `濮阳县`): drop it."""
    short = display_name(row.name)
    if row.level == Level.TOWN and parent_name and short.startswith(parent_name) and len(short) - len(parent_name) >= 2:
        short = short[len(parent_name) :]
    return short


def _diff(rows, existing: dict[str, OrgUnit]):
    """Per-level counts, plus (row, unit, desired values) for every row that needs a write.

    Parents are identified by code here (new parents have no id yet); `apply_import` sets the ids.
    """
    code_by_id = {u.pk: u.code for u in existing.values()}
    path_by_code = {code: u.path for code, u in existing.items()}
    name_by_code = {code: u.name for code, u in existing.items()}
    counts = {lv: _zero() for lv in LEVEL_LABELS}
    writes = []
    for row in rows:
        unit = existing.get(row.code)
        parent_path = path_by_code.get(row.parent_code, "/") if row.parent_code else "/"
        want = _desired(row, unit, row.parent_code, parent_path, name_by_code.get(row.parent_code, ""))
        path_by_code[row.code] = want["path"]
        name_by_code[row.code] = row.name
        if unit is None:
            counts[row.level]["create"] += 1
            writes.append((row, None, want))
            continue
        have = {k: getattr(unit, k) for k in COMPARED}
        have["parent_id"] = code_by_id.get(unit.parent_id) if unit.parent_id else None
        if have == want:
            counts[row.level]["unchanged"] += 1
        else:
            counts[row.level]["update"] += 1
            writes.append((row, unit, want))
    return counts, writes


def apply_import(plan: Plan, user=None, progress: Progress | None = None) -> Result:
    """Write the plan in one transaction. Re-diffs against the database, so a stale preview is harmless."""
    if not plan.ok:
        raise DivisionImportError(f"校验未通过（{plan.error_count} 个错误），未写入任何数据")
    started = time.monotonic()
    total = len(plan.rows)
    with transaction.atomic():
        existing = _load_existing(plan.rows, plan.under)
        counts, writes = _diff(plan.rows, existing)
        id_by_code = {code: u.pk for code, u in existing.items()}
        missing = {r.parent_code for r, _, _ in writes if r.parent_code} - set(id_by_code) - {r.code for r in plan.rows}
        if missing:
            raise DivisionImportError(f"上级单位已不在系统中：{'、'.join(sorted(missing)[:10])}，请重新上传预览")
        now = timezone.now()
        done = total - len(writes)
        _report(progress, done, total)
        moved: list[tuple[str, str]] = []
        for level in LEVEL_LABELS:
            level_writes = [w for w in writes if w[0].level == level]
            new, changed = [], []
            for row, unit, want in level_writes:
                want = {**want, "parent_id": id_by_code[want["parent_id"]] if want["parent_id"] else None}
                if unit is None:
                    new.append(OrgUnit(code=row.code, **want))
                    continue
                if unit.path != want["path"]:
                    moved.append((unit.path, want["path"]))
                for key, value in want.items():
                    setattr(unit, key, value)
                unit.updated_at = now
                changed.append(unit)
            for i in range(0, len(new), BATCH):
                batch = new[i : i + BATCH]
                OrgUnit.objects.bulk_create(batch, batch_size=BATCH)
                _ensure_ids(batch)
                id_by_code.update((u.code, u.pk) for u in batch)
                _history(batch, user, now, update=False)
                done += len(batch)
                _report(progress, done, total)
            for i in range(0, len(changed), UPDATE_BATCH):
                batch = changed[i : i + UPDATE_BATCH]
                OrgUnit.objects.bulk_update(batch, [*COMPARED, "updated_at"], batch_size=UPDATE_BATCH)
                _history(batch, user, now, update=True)
                done += len(batch)
                _report(progress, done, total)
        _move_descendants(moved)
        totals = {k: sum(c[k] for c in counts.values()) for k in ("create", "update", "unchanged")}
        summary = f"导入行政区划：新增 {totals['create']:,}，更新 {totals['update']:,}，未变 {totals['unchanged']:,}"
        if plan.under:
            summary += f"（限定代码 {plan.under}）"
        record_import(user, _anchor_unit(plan), summary, model_label="行政区划导入")
    return Result(counts=counts, seconds=time.monotonic() - started, summary=summary)


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _ensure_ids(batch: list[OrgUnit]) -> None:
    """SQLite ≥ 3.35 and PostgreSQL return ids from bulk_create; older backends need a lookup."""
    if batch and batch[0].pk is None:
        ids = dict(OrgUnit.objects.filter(code__in=[u.code for u in batch]).values_list("code", "pk"))
        for u in batch:
            u.pk = ids[u.code]


def _history(units: list[OrgUnit], user, when, update: bool) -> None:
    OrgUnit.history.bulk_history_create(
        units, batch_size=BATCH, update=update, default_user=user if getattr(user, "pk", None) else None,
        default_date=when, default_change_reason="行政区划导入",
    )


def _move_descendants(moved: list[tuple[str, str]]) -> None:
    """A unit that got a new parent moves its subtree; units not in the files (e.g. villager groups) follow.

    Only happens when a unit was earlier filed under the wrong parent; normal re-imports never move.
    Imported descendants already carry their new path, which never starts with the old one.
    """
    for old, new in sorted(moved, key=lambda m: len(m[0])):
        OrgUnit.objects.filter(path__startswith=old).update(
            path=Concat(Value(new), Substr("path", len(old) + 1))
        )


def _anchor_unit(plan: Plan) -> OrgUnit | None:
    """The unit the audit event belongs to: the `under` unit, else the single province imported."""
    if plan.under:
        return OrgUnit.objects.filter(code=plan.under).first()
    provinces = [r.code for r in plan.rows if r.level == Level.PROVINCE]
    return OrgUnit.objects.filter(code=provinces[0]).first() if len(provinces) == 1 else None
