"""Writes for people and responsibility assignments: one function per use case, each checking the acting
user's MANAGE_PEOPLE grant over the target unit and recording the user in the history.

Errors: `PermissionDenied` (in scope but not allowed) and `ValidationError` with a dict keyed by the
form/API field name and a Chinese message.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fivestar.core.roles import Action
from fivestar.core.scoping import covers
from fivestar.orgs.models import Area, OrgUnit

from . import rules
from .models import Duty, Person, Responsibility

NO_PEOPLE_RIGHT = "您对该单位只有查看权限，不能维护人员与责任分工。"
PERSON_FIELDS = ("org_unit", "name", "gender", "phone", "position", "is_party_member", "note")


def require(user, unit: OrgUnit, action: str = Action.MANAGE_PEOPLE, message: str = NO_PEOPLE_RIGHT) -> None:
    if not covers(user, unit, action):
        raise PermissionDenied(message)


def require_account_rank(user, person: Person) -> None:
    """Editing, deactivating or restoring a person who has a login account needs rank over that account
    (see `account_services`): a town admin cannot rewrite the record of someone holding a county role."""
    if person.user_id:
        from .account_services import person_edit_refusal

        why = person_edit_refusal(user, person.user)
        if why:
            raise PermissionDenied(f"「{person.name}」有登录账号，{why}")


def save_with_history(obj, user) -> None:
    obj._history_user = user
    obj.save()


def delete_with_history(obj, user) -> None:
    obj._history_user = user
    obj.delete()


def _parse(errors: dict, field: str, parser, value):
    try:
        return parser(value)
    except ValueError as exc:
        errors[field] = str(exc)
        return None


def _clean_person_values(values: dict) -> dict:
    """Normalise raw person values (from a form, the API or a sheet); ValidationError on any problem."""
    errors: dict[str, str] = {}
    clean = dict(values)
    clean["name"] = _parse(errors, "name", rules.parse_name, values.get("name"))
    clean["gender"] = _parse(errors, "gender", rules.parse_gender, values.get("gender"))
    clean["phone"] = _parse(errors, "phone", rules.parse_phone, values.get("phone"))
    clean["position"] = _parse(errors, "position", rules.parse_position, values.get("position"))
    clean["is_party_member"] = _parse(errors, "is_party_member", rules.parse_bool, values.get("is_party_member", False))
    clean["note"] = rules.text(values.get("note"))
    if len(clean["note"]) > 200:
        errors["note"] = "备注不能超过200个字"
    if not isinstance(values.get("org_unit"), OrgUnit):
        errors["org_unit"] = "请填写所属单位"
    if not errors:
        errors.update(rules.person_problems(clean["org_unit"], clean["position"], clean["is_party_member"]))
    if errors:
        raise ValidationError(errors)
    return clean


def _check_duplicate(person: Person) -> None:
    clash = Person.objects.filter(org_unit=person.org_unit, name=person.name, phone=person.phone, active=True).exclude(pk=person.pk).exists()
    if clash:
        raise ValidationError({"name": f"「{person.org_unit.display_name}」已有同名且联系电话相同的人员「{person.name}」"})


@transaction.atomic
def create_person(user, **values) -> Person:
    unit = values.get("org_unit")
    if isinstance(unit, OrgUnit):
        require(user, unit)
    clean = _clean_person_values({field: values.get(field) for field in PERSON_FIELDS})
    person = Person(**clean)
    _check_duplicate(person)
    save_with_history(person, user)
    return person


@transaction.atomic
def update_person(user, person: Person, **changes) -> Person:
    """Change some of a person's fields; both the old and a new unit must be managed by `user`."""
    require(user, person.org_unit)
    require_account_rank(user, person)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    values = {field: getattr(person, field) for field in PERSON_FIELDS}
    values.update(changes)
    if isinstance(values["org_unit"], OrgUnit) and values["org_unit"].pk != person.org_unit_id:
        require(user, values["org_unit"])
    clean = _clean_person_values(values)
    if not clean["is_party_member"] and person.pk and person.responsibilities.filter(duty=Duty.HOUSEHOLDS).exists():
        raise ValidationError({"is_party_member": "该人员承担包户责任，须为中共党员（请先删除其包户分工）"})
    changed = [f for f in PERSON_FIELDS if getattr(person, f) != clean[f]]
    if not changed:
        return person
    for field in changed:
        setattr(person, field, clean[field])
    if person.active:
        _check_duplicate(person)
    save_with_history(person, user)
    return person


@transaction.atomic
def deactivate_person(user, person: Person) -> int:
    """停用 a person (kept for the record) and remove their responsibilities; returns how many were removed."""
    require(user, person.org_unit)
    require_account_rank(user, person)
    removed = 0
    for duty in person.responsibilities.select_related("org_unit", "area"):
        delete_with_history(duty, user)
        removed += 1
    if person.active:
        person.active = False
        save_with_history(person, user)
    return removed


@transaction.atomic
def restore_person(user, person: Person) -> Person:
    require(user, person.org_unit)
    require_account_rank(user, person)
    if not person.active:
        person.active = True
        _check_duplicate(person)
        save_with_history(person, user)
    return person


def resolve_area(org_unit: OrgUnit | None, area) -> Area | None:
    """An Area from an instance or a name within the town `org_unit`."""
    if area is None or isinstance(area, Area):
        return area
    name = rules.text(area)
    if not name:
        return None
    if org_unit is None:
        return None
    found = Area.objects.filter(town=org_unit, name=name).first()
    if found is None:
        raise ValidationError({"area": f"片区「{name}」不属于「{org_unit.display_name}」"})
    return found


@transaction.atomic
def create_responsibility(user, *, duty, person: Person, org_unit: OrgUnit, area=None, household_count=None,
                          household_heads=None, since=None, note="") -> Responsibility:
    require(user, org_unit)
    errors: dict[str, str] = {}
    duty = _parse(errors, "duty", rules.parse_duty, duty)
    count = household_count if isinstance(household_count, int) else _parse(errors, "household_count", rules.parse_household_count, household_count)
    heads = rules.split_heads(household_heads)
    note = rules.text(note)
    if len(note) > 200:
        errors["note"] = "备注不能超过200个字"
    if not Person.objects.visible_to(user).filter(pk=person.pk, active=True).exists():
        errors["person"] = "责任人不存在、已停用或不在您的管辖范围内"
    if errors:
        raise ValidationError(errors)
    area = resolve_area(org_unit, area)
    problems = rules.duty_problems(duty, org_unit, area, count, heads, person.is_party_member)
    if problems:
        raise ValidationError(problems)
    if Responsibility.objects.filter(duty=duty, person=person, org_unit=org_unit, area=area).exists():
        raise ValidationError({"org_unit": f"「{person.name}」已有这项{Duty(duty).label}分工"})
    responsibility = Responsibility(
        duty=duty, person=person, org_unit=org_unit, area=area, household_count=count,
        household_heads="\n".join(heads), since=since, note=note,
    )
    save_with_history(responsibility, user)
    return responsibility


@transaction.atomic
def delete_responsibility(user, responsibility: Responsibility) -> None:
    require(user, responsibility.org_unit)
    delete_with_history(responsibility, user)
