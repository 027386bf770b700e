"""Importing collective income from a workbook: check every row first, then write all or nothing."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from fivestar.core.audit import record_import
from fivestar.core.roles import Action
from fivestar.orgs.models import Level, OrgUnit

from .excel import HEADERS, Problem, RawRow, read_workbook
from .models import CollectiveIncome
from .parsing import parse_amount, parse_code, parse_year
from .services import CREATED, UNCHANGED, UPDATED, IncomeValues, refresh_ratings, save_income

NOTE_MAX = 200


@dataclass
class CleanRow:
    number: int
    unit: OrgUnit
    values: IncomeValues


@dataclass
class ImportOutcome:
    sheet: str = ""
    problems: list[Problem] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        c = self.counts
        text = f"新增 {c[CREATED]} 条，更新 {c[UPDATED]} 条，未变化 {c[UNCHANGED]} 条"
        return text + (f"，跳过空白收入行 {self.skipped} 行" if self.skipped else "")


def _units_by_code(user, codes) -> tuple[dict[str, OrgUnit], set[str]]:
    """Units the user may edit results for, and the codes that exist at all in the user's view: 2 queries."""
    editable = {
        u.code: u
        for u in OrgUnit.objects.visible_to(user, Action.EDIT_RESULTS).filter(code__in=codes)
    }
    visible = set(OrgUnit.objects.visible_to(user).filter(code__in=codes).values_list("code", flat=True))
    return editable, visible


def check_rows(user, sheet_name: str, rows: list[RawRow]) -> tuple[list[CleanRow], list[Problem], int]:
    """Every problem of every row (Chinese, with sheet/row/column), the clean rows, and blank-income rows skipped."""
    problems: list[Problem] = []
    clean: list[CleanRow] = []
    skipped = 0
    codes = {parse_code(r.values.get("code")) for r in rows} - {""}
    editable, visible = _units_by_code(user, codes)
    seen: dict[tuple[str, int], int] = {}

    for row in rows:
        def bad(key, message):
            problems.append(Problem(message, sheet_name, row.number, HEADERS[key], row.letters.get(key, "")))

        v = row.values
        if all(v.get(k) in (None, "") or (isinstance(v.get(k), str) and not v[k].strip()) for k in ("operating", "other", "note")):
            skipped += 1
            continue
        before = len(problems)
        code = parse_code(v.get("code"))
        unit = editable.get(code)
        if not code:
            bad("code", "请填写村（社区）代码。")
        elif unit is None:
            if code in visible:
                bad("code", f"您没有填报「{code}」收入数据的权限。")
            else:
                bad("code", f"村（社区）代码「{code}」不存在或不在您的管辖范围内。")
        elif unit.level != Level.VILLAGE:
            bad("code", f"「{code}」（{unit.display_name}）不是村（社区），只能填写村（社区）代码。")
            unit = None
        name = str(v.get("name") or "").strip()
        if unit is not None and name and name not in (unit.name, unit.display_name):
            bad("name", f"名称「{name}」与代码不符：代码 {code} 是「{unit.display_name}」。")
        year = _parsed(parse_year, v.get("year"), "year", bad)
        if year is None and not _filled(v.get("year")):
            bad("year", "请填写年度。")
        operating = _parsed(parse_amount, v.get("operating"), "operating", bad)
        if operating is None and not _filled(v.get("operating")):
            bad("operating", "请填写经营性收入，没有请填 0。")
        other = _parsed(parse_amount, v.get("other"), "other", bad)
        note = str(v.get("note") or "").strip()
        if len(note) > NOTE_MAX:
            bad("note", f"备注不能超过 {NOTE_MAX} 个字（现为 {len(note)} 个字）。")
        if unit is not None and year is not None:
            key = (unit.code, year)
            if key in seen:
                bad("code", f"与第 {seen[key]} 行重复：同一村（社区）同一年度只能填写一行。")
            else:
                seen[key] = row.number
        if len(problems) == before:
            clean.append(CleanRow(row.number, unit, IncomeValues(year, operating, other or 0, note)))
    return clean, problems, skipped


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _parsed(parse, value, key, bad):
    try:
        return parse(value)
    except ValueError as exc:
        bad(key, str(exc))
        return None


def import_workbook(user, fileobj) -> ImportOutcome:
    """Read, check and (only when every row is right) write the workbook, in one transaction."""
    sheet = read_workbook(fileobj)
    outcome = ImportOutcome(sheet=sheet.name, problems=list(sheet.problems))
    if outcome.problems:
        return outcome
    clean, problems, skipped = check_rows(user, sheet.name, sheet.rows)
    outcome.skipped = sheet.skipped + skipped
    if problems:
        outcome.problems = problems
        return outcome
    if not clean:
        outcome.problems = [Problem("没有填写收入的数据行，未导入任何数据。", sheet.name)]
        return outcome
    try:
        with transaction.atomic():
            existing = {
                (r.org_unit_id, r.year): r
                for r in CollectiveIncome.objects.filter(org_unit__in=[c.unit for c in clean], year__in={c.values.year for c in clean})
            }
            for row in clean:
                _, status = save_income(user, row.unit, row.values, existing.get((row.unit.pk, row.values.year)),
                                        check=False, lookup=False, refresh=False)
                outcome.counts[status] += 1
            refresh_ratings(user, {c.unit.pk for c in clean}, {c.values.year for c in clean})
            record_import(user, _common_unit(clean), f"导入村集体经济收入（{sheet.name}）：{outcome.summary}", "村集体经济收入导入")
    except ValidationError as exc:  # should not happen after check_rows; nothing was written
        outcome.problems = [Problem("；".join(exc.messages), sheet.name)]
        outcome.counts.clear()
    return outcome


def _common_unit(rows: list[CleanRow]) -> OrgUnit | None:
    """The lowest unit above every imported village, for the audit trail."""
    if len({r.unit.pk for r in rows}) == 1:
        return rows[0].unit
    parts = [r.unit.path.strip("/").split("/") for r in rows]
    common = []
    for codes in zip(*parts):
        if len(set(codes)) != 1:
            break
        common.append(codes[0])
    return OrgUnit.objects.filter(code=common[-1]).first() if common else None
