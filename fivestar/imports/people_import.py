"""Validate every row of a people/responsibility workbook, then write all of it or nothing.

Lookups are done in bulk (units, areas, existing people and duties: a few queries per 500 codes or
names), so validating a county's file does not issue a query per row. Writes go row by row through
`save_with_history`, so every change has an AuditEvent naming the uploader.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from fivestar.core.audit import record_import
from fivestar.core.roles import Action
from fivestar.core.scoping import scope_q
from fivestar.orgs.models import Area, OrgUnit
from fivestar.people import rules
from fivestar.people.models import Duty, Person, Responsibility
from fivestar.people.selectors import can
from fivestar.people.services import save_with_history

from .people_reader import RowError, read_workbook
from .people_template import DUTY_SHEET, PEOPLE_SHEET

CHUNK = 500
PERSON_FIELDS = ("gender", "position", "is_party_member", "note")
PERSON_COLUMN = {"org_unit": "单位代码", "position": "职务", "is_party_member": "是否党员", "name": "姓名"}
DUTY_COLUMN = {"org_unit": "责任单位代码", "area": "片区名称", "household_count": "联系户数", "household_heads": "户主名单", "person": "责任人姓名"}


@dataclass
class PersonRow:
    number: int
    unit: OrgUnit
    name: str
    phone: str
    values: dict  # gender, position, is_party_member, note
    existing: Person | None = None

    @property
    def key(self):
        return (self.unit.pk, self.name, self.phone)


@dataclass
class DutyRow:
    number: int
    duty: str
    person_key: tuple
    unit: OrgUnit
    area: Area | None
    household_count: int | None
    heads: list
    db_person: Person | None = None  # set when the person comes from the database, not the file
    existing: Responsibility | None = None


@dataclass
class Outcome:
    errors: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    rows: int = 0
    scope: OrgUnit | None = None  # the lowest unit containing every imported row (set on success)
    summary: str = ""


def _chunks(items):
    items = list(items)
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _units(user, codes) -> dict[str, OrgUnit]:
    found = {}
    for chunk in _chunks(set(codes)):
        qs = OrgUnit.objects.filter(code__in=chunk).filter(scope_q(user, Action.IMPORT_PEOPLE)).filter(scope_q(user, Action.MANAGE_PEOPLE))
        found.update({u.code: u for u in qs})
    return found


def _parse(errors, sheet, number, column, parser, value):
    try:
        return parser(value)
    except ValueError as exc:
        errors.append(RowError(sheet, number, column, str(exc)))
        return None


def _unit(errors, sheet, number, column, units, value):
    code = rules.text(value)
    if not code:
        errors.append(RowError(sheet, number, column, f"请填写{column}"))
        return None
    unit = units.get(code)
    if unit is None:
        errors.append(RowError(sheet, number, column, f"单位代码「{code}」不存在或不在您的管辖范围内"))
    return unit


def _validate_people(user, rows, units, errors) -> list[PersonRow]:
    result, seen = [], {}
    for row in rows:
        v, n, before = row.values, row.number, len(errors)
        unit = _unit(errors, PEOPLE_SHEET, n, "单位代码", units, v.get("单位代码"))
        name = _parse(errors, PEOPLE_SHEET, n, "姓名", rules.parse_name, v.get("姓名"))
        gender = _parse(errors, PEOPLE_SHEET, n, "性别", rules.parse_gender, v.get("性别"))
        phone = _parse(errors, PEOPLE_SHEET, n, "联系电话", rules.parse_phone, v.get("联系电话"))
        position = _parse(errors, PEOPLE_SHEET, n, "职务", rules.parse_position, v.get("职务"))
        party = _parse(errors, PEOPLE_SHEET, n, "是否党员", rules.parse_bool, v.get("是否党员"))
        note = rules.text(v.get("备注"))
        if len(note) > 200:
            errors.append(RowError(PEOPLE_SHEET, n, "备注", "备注不能超过200个字"))
        if len(errors) > before:
            continue
        for key, message in rules.person_problems(unit, position, party).items():
            errors.append(RowError(PEOPLE_SHEET, n, PERSON_COLUMN[key], message))
        item = PersonRow(n, unit, name, phone, {"gender": gender, "position": position, "is_party_member": party, "note": note})
        if item.key in seen:
            errors.append(RowError(PEOPLE_SHEET, n, "姓名", f"与第{seen[item.key]}行重复（同一单位、姓名和联系电话）"))
            continue
        seen[item.key] = n
        result.append(item)
    existing = {}
    for chunk in _chunks({r.unit.pk for r in result}):
        for p in Person.objects.filter(org_unit_id__in=chunk, name__in={r.name for r in result}).order_by("active", "pk"):
            existing[(p.org_unit_id, p.name, p.phone)] = p  # active rows sort last, so they win
    households = set()
    for chunk in _chunks(p.pk for p in existing.values()):
        households.update(Responsibility.objects.filter(person_id__in=chunk, duty=Duty.HOUSEHOLDS).values_list("person_id", flat=True))
    for item in result:
        item.existing = existing.get(item.key)
        if item.existing and item.existing.pk in households and not item.values["is_party_member"]:
            errors.append(RowError(PEOPLE_SHEET, item.number, "是否党员", f"「{item.name}」承担包户责任，须为中共党员"))
    return result


def _people_by_name(user, names) -> dict[str, list[Person]]:
    found: dict[str, list[Person]] = {}
    for chunk in _chunks(set(names)):
        for p in Person.objects.visible_to(user).filter(active=True, name__in=chunk).select_related("org_unit"):
            found.setdefault(p.name, []).append(p)
    return found


def _validate_duties(user, rows, units, people: list[PersonRow], errors) -> list[DutyRow]:
    file_people = {}
    for p in people:
        file_people.setdefault(p.name, {})[p.key] = p.values["is_party_member"]
    db_people = _people_by_name(user, [rules.text(r.values.get("责任人姓名")) for r in rows])
    towns = {u.pk for u in units.values()}
    areas = {}
    for chunk in _chunks(towns):
        areas.update({(a.town_id, a.name): a for a in Area.objects.filter(town_id__in=chunk)})
    result, seen = [], {}
    for row in rows:
        v, n, before = row.values, row.number, len(errors)
        duty = _parse(errors, DUTY_SHEET, n, "责任类型", rules.parse_duty, v.get("责任类型"))
        name = _parse(errors, DUTY_SHEET, n, "责任人姓名", rules.parse_name, v.get("责任人姓名"))
        phone = _parse(errors, DUTY_SHEET, n, "责任人电话", rules.parse_phone, v.get("责任人电话"))
        unit = _unit(errors, DUTY_SHEET, n, "责任单位代码", units, v.get("责任单位代码"))
        count = _parse(errors, DUTY_SHEET, n, "联系户数", rules.parse_household_count, v.get("联系户数"))
        heads = rules.split_heads(v.get("户主名单"))
        area_name = rules.text(v.get("片区名称"))
        area = None
        if unit is not None and area_name:
            area = areas.get((unit.pk, area_name))
            if area is None:
                errors.append(RowError(DUTY_SHEET, n, "片区名称", f"片区「{area_name}」不属于「{unit.display_name}」"))
        if len(errors) > before or name is None:
            continue
        candidates = {k: (party, None) for k, party in file_people.get(name, {}).items() if not phone or k[2] == phone}
        for p in db_people.get(name, []):
            key = (p.org_unit_id, p.name, p.phone)
            if (not phone or p.phone == phone) and key not in candidates:
                candidates[key] = (p.is_party_member, p)
        who = f"「{name}{'（' + phone + '）' if phone else ''}」"
        if not candidates:
            errors.append(RowError(DUTY_SHEET, n, "责任人姓名", f"未找到责任人{who}：请先在「人员」工作表或系统中登记，或核对姓名和电话"))
            continue
        if len(candidates) > 1:
            errors.append(RowError(DUTY_SHEET, n, "责任人电话", f"找到{len(candidates)}名名为{who}的人员，请填写责任人电话以区分"))
            continue
        person_key, (party, db_person) = next(iter(candidates.items()))
        problems = rules.duty_problems(duty, unit, area, count, heads, party)
        for key, message in problems.items():
            errors.append(RowError(DUTY_SHEET, n, DUTY_COLUMN[key], message))
        dup = (duty, person_key, unit.pk, area.pk if area else None)
        if dup in seen:
            errors.append(RowError(DUTY_SHEET, n, "责任类型", f"与第{seen[dup]}行重复（同一责任人、类型和单位）"))
            continue
        seen[dup] = n
        if not problems:
            result.append(DutyRow(n, duty, person_key, unit, area, count, heads, db_person))
    existing = {}
    db_ids = {p.pk for group in db_people.values() for p in group}
    for chunk in _chunks(db_ids):
        for r in Responsibility.objects.filter(person_id__in=chunk).select_related("person"):
            existing[(r.duty, (r.person.org_unit_id, r.person.name, r.person.phone), r.org_unit_id, r.area_id)] = r
    for item in result:
        item.existing = existing.get((item.duty, item.person_key, item.unit.pk, item.area.pk if item.area else None))
    return result


def _common_unit(units) -> OrgUnit | None:
    paths = [u.path.strip("/").split("/") for u in units]
    if not paths:
        return None
    prefix = []
    for parts in zip(*paths):
        if len(set(parts)) != 1:
            break
        prefix.append(parts[0])
    return OrgUnit.objects.filter(path="/" + "/".join(prefix) + "/").first() if prefix else None


def _apply(user, people: list[PersonRow], duties: list[DutyRow]) -> dict:
    counts = dict.fromkeys(["people_created", "people_updated", "people_unchanged", "duties_created", "duties_updated", "duties_unchanged"], 0)
    saved: dict[tuple, Person] = {}
    for item in people:
        person = item.existing
        if person is None:
            person = Person(org_unit=item.unit, name=item.name, phone=item.phone, **item.values)
            counts["people_created"] += 1
        elif person.active and all(getattr(person, f) == item.values[f] for f in PERSON_FIELDS):
            saved[item.key] = person
            counts["people_unchanged"] += 1
            continue
        else:
            for f in PERSON_FIELDS:
                setattr(person, f, item.values[f])
            person.active = True
            counts["people_updated"] += 1
        save_with_history(person, user)
        saved[item.key] = person
    for item in duties:
        heads = "\n".join(item.heads)
        duty = item.existing
        if duty is None:
            person = saved.get(item.person_key) or item.db_person
            duty = Responsibility(duty=item.duty, person=person, org_unit=item.unit, area=item.area,
                                  household_count=item.household_count, household_heads=heads)
            counts["duties_created"] += 1
        elif (duty.household_count, duty.household_heads) == (item.household_count, heads):
            counts["duties_unchanged"] += 1
            continue
        else:
            duty.household_count, duty.household_heads = item.household_count, heads
            counts["duties_updated"] += 1
        save_with_history(duty, user)
    return counts


def import_people(user, upload) -> Outcome:
    """Validate the whole workbook; write it in one transaction only if every row is valid."""
    if not can(user, Action.IMPORT_PEOPLE):
        raise PermissionDenied("您没有导入人员的权限。")
    person_rows, duty_rows, errors = read_workbook(upload)
    codes = [rules.text(r.values.get("单位代码")) for r in person_rows] + [rules.text(r.values.get("责任单位代码")) for r in duty_rows]
    units = _units(user, [c for c in codes if c])
    people = _validate_people(user, person_rows, units, errors)
    duties = _validate_duties(user, duty_rows, units, people, errors)
    rows = len(person_rows) + len(duty_rows)
    if errors:
        errors.sort(key=lambda e: (e.sheet != PEOPLE_SHEET, e.row))
        return Outcome(errors=errors, rows=rows)
    with transaction.atomic():
        counts = _apply(user, people, duties)
        scope = _common_unit([p.unit for p in people] + [d.unit for d in duties])
        summary = (f"导入人员与责任分工：新增人员{counts['people_created']}人，更新{counts['people_updated']}人；"
                   f"新增分工{counts['duties_created']}项，更新{counts['duties_updated']}项")
        record_import(user, scope, summary, model_label="人员与责任分工导入")
    return Outcome(counts=counts, rows=rows, scope=scope, summary=summary)
