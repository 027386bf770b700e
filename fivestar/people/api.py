"""People, responsibility assignments, login accounts and roles over the API, scoped like the pages.

Reads return only what the token's user may see; an object outside that scope is a 404. Writes go
through the same services as the pages: 403 when the target unit is visible but read-only for the
user, 422 (field named, message in Chinese) when the data is invalid.
"""

from contextlib import contextmanager
from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from fivestar.orgs.models import OrgUnit

from fivestar.core.roles import Role

from . import account_services, selectors, services
from .models import Gender, Person, Position, Responsibility, RoleAssignment

router = Router(tags=["人员与职责"])

MAX_ID = 2**63 - 1  # the largest primary key a database column holds


class ErrorOut(Schema):
    detail: str


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    gender_name: str
    phone: str
    position: str
    position_name: str
    is_party_member: bool
    org_unit: str
    org_unit_name: str
    note: str
    active: bool
    has_account: bool


class PersonPage(Schema):
    items: list[PersonOut]
    count: int


class PersonIn(Schema):
    org_unit: str = Field(..., description="所属单位代码")
    name: str = Field(..., description="姓名")
    gender: str = Field(..., description="性别：M/F 或 男/女")
    phone: str = Field("", description="联系电话：手机号或座机号")
    position: str = Field(..., description="职务代码或名称：" + "、".join(f"{p.value}={p.label}" for p in Position))
    is_party_member: bool = Field(False, description="是否中共党员")
    note: str = Field("", description="备注")


class PersonPatch(Schema):
    org_unit: str | None = None
    name: str | None = None
    gender: str | None = None
    phone: str | None = None
    position: str | None = None
    is_party_member: bool | None = None
    note: str | None = None


class PersonFilters(Schema):
    under: str | None = Field(None, description="单位代码：列出其整个下级子树（含自身）的人员")
    q: str | None = Field(None, max_length=30, description="姓名（包含）")
    position: str | None = Field(None, description="职务代码")
    is_party_member: bool | None = None
    include_inactive: bool = Field(False, description="是否包含已停用人员")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class ResponsibilityOut(Schema):
    id: int
    duty: str
    duty_name: str
    person_id: int
    person_name: str
    org_unit: str
    org_unit_name: str
    area: str | None
    household_count: int | None
    household_heads: list[str]
    since: date | None
    note: str


class ResponsibilityPage(Schema):
    items: list[ResponsibilityOut]
    count: int


class ResponsibilityIn(Schema):
    duty: str = Field(..., description="责任类型：area=包片、village=包村、group=包组、households=包户（也可用中文）")
    person_id: int = Field(..., ge=1, le=MAX_ID)
    org_unit: str = Field(..., description="责任单位代码：包片填乡镇，包村/包户填村（社区），包组填村民小组")
    area: str | None = Field(None, description="片区名称（仅包片，须属于该乡镇）")
    household_count: int | None = Field(None, ge=0, le=10_000, description="联系户数（仅包户，0–10000）")
    household_heads: list[str] | str | None = Field(None, description="户主名单（仅包户）：数组或用“、”分隔的文本")
    since: date | None = None
    note: str = ""


class ResponsibilityFilters(Schema):
    under: str | None = Field(None, description="单位代码：其子树内的责任分工")
    duty: str | None = Field(None, description="责任类型：area、village、group、households")
    person_id: int | None = Field(None, ge=1, le=MAX_ID)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


def _person_out(p: Person) -> dict:
    return {
        "id": p.pk, "name": p.name, "gender": p.gender, "gender_name": Gender(p.gender).label if p.gender in Gender.values else "",
        "phone": p.phone, "position": p.position, "position_name": p.get_position_display(), "is_party_member": p.is_party_member,
        "org_unit": p.org_unit.code, "org_unit_name": p.org_unit.display_name, "note": p.note, "active": p.active,
        "has_account": p.user_id is not None,
    }


def _duty_out(r: Responsibility) -> dict:
    return {
        "id": r.pk, "duty": r.duty, "duty_name": r.get_duty_display(), "person_id": r.person_id, "person_name": r.person.name,
        "org_unit": r.org_unit.code, "org_unit_name": r.org_unit.display_name, "area": r.area.name if r.area_id else None,
        "household_count": r.household_count, "household_heads": r.heads(), "since": r.since, "note": r.note,
    }


def _invalid(field: str, message: str) -> NinjaValidationError:
    return NinjaValidationError([{"loc": ["body", "payload", field], "msg": message, "type": "value_error"}])


@contextmanager
def _service_errors(field_names: dict | None = None):
    """Service errors as API errors: PermissionDenied → 403, ValidationError → 422 naming the field."""
    try:
        yield
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or services.NO_PEOPLE_RIGHT) from None
    except DjangoValidationError as exc:
        items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
        errors = [{"loc": ["body", "payload", (field_names or {}).get(f, f)], "msg": "；".join(m), "type": "value_error"} for f, m in items]
        raise NinjaValidationError(errors) from None


def _target_unit(user, code: str) -> OrgUnit:
    """A unit the user can see (else 404); whether they may write there is the service's 403."""
    unit = OrgUnit.objects.visible_to(user).filter(code=(code or "").strip()).first()
    if unit is None:
        raise Http404("单位不存在或不在您的管辖范围内")
    return unit


def _anchor(user, code: str):
    return OrgUnit.objects.visible_to(user).filter(code=code).first()


@router.get("/people", response=PersonPage, summary="人员列表")
def list_people(request, filters: PersonFilters = Query(...)):
    qs = Person.objects.visible_to(request.user).select_related("org_unit")
    if not filters.include_inactive:
        qs = qs.filter(active=True)
    if filters.under:
        anchor = _anchor(request.user, filters.under)
        qs = qs.filter(org_unit__path__startswith=anchor.path) if anchor else qs.none()
    if filters.q:
        qs = qs.filter(name__contains=filters.q.strip())
    if filters.position:
        qs = qs.filter(position=filters.position)
    if filters.is_party_member is not None:
        qs = qs.filter(is_party_member=filters.is_party_member)
    qs = qs.order_by("org_unit__path", "name", "pk")
    return {"items": [_person_out(p) for p in qs[filters.offset : filters.offset + filters.limit]], "count": qs.count()}


@router.get("/people/{int:person_id}", response=PersonOut, summary="人员详情")
def get_person(request, person_id: int):
    return _person_out(selectors.get_visible_person(request.user, person_id))


@router.post("/people", response={201: PersonOut, 403: ErrorOut, 404: ErrorOut}, summary="新增人员")
def create_person(request, payload: PersonIn):
    values = payload.dict()
    values["org_unit"] = _target_unit(request.user, payload.org_unit)
    with _service_errors():
        person = services.create_person(request.user, **values)
    return Status(201, _person_out(person))


@router.patch("/people/{int:person_id}", response={200: PersonOut, 403: ErrorOut, 404: ErrorOut}, summary="修改人员")
def update_person(request, person_id: int, payload: PersonPatch):
    person = selectors.get_visible_person(request.user, person_id)
    changes = payload.dict(exclude_unset=True)
    if "org_unit" in changes:
        changes["org_unit"] = _target_unit(request.user, changes["org_unit"])
    with _service_errors():
        services.update_person(request.user, person, **changes)
    return Status(200, _person_out(person))


@router.delete("/people/{int:person_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="停用人员（并移除其责任分工）")
def delete_person(request, person_id: int):
    person = selectors.get_visible_person(request.user, person_id)
    with _service_errors():
        services.deactivate_person(request.user, person)
    return Status(204, None)


def _visible_duties(user):
    return Responsibility.objects.visible_to(user).select_related("person", "org_unit", "area")


@router.get("/responsibilities", response=ResponsibilityPage, summary="责任分工列表")
def list_responsibilities(request, filters: ResponsibilityFilters = Query(...)):
    qs = _visible_duties(request.user)
    if filters.under:
        anchor = _anchor(request.user, filters.under)
        qs = qs.filter(org_unit__path__startswith=anchor.path) if anchor else qs.none()
    if filters.duty:
        qs = qs.filter(duty=filters.duty)
    if filters.person_id:
        qs = qs.filter(person_id=filters.person_id)
    qs = qs.order_by("org_unit__path", "duty", "pk")
    return {"items": [_duty_out(r) for r in qs[filters.offset : filters.offset + filters.limit]], "count": qs.count()}


@router.get("/responsibilities/{int:duty_id}", response=ResponsibilityOut, summary="责任分工详情")
def get_responsibility(request, duty_id: int):
    duty = _visible_duties(request.user).filter(pk=duty_id).first()
    if duty is None:
        raise Http404
    return _duty_out(duty)


@router.post("/responsibilities", response={201: ResponsibilityOut, 403: ErrorOut, 404: ErrorOut}, summary="新增责任分工")
def create_responsibility(request, payload: ResponsibilityIn):
    unit = _target_unit(request.user, payload.org_unit)
    person = Person.objects.visible_to(request.user).filter(pk=payload.person_id, active=True).first()
    if person is None:
        raise _invalid("person_id", "责任人不存在、已停用或不在您的管辖范围内")
    values = payload.dict(exclude={"person_id", "org_unit"})
    with _service_errors({"person": "person_id"}):
        duty = services.create_responsibility(request.user, person=person, org_unit=unit, **values)
    return Status(201, _duty_out(duty))


@router.delete("/responsibilities/{int:duty_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="删除责任分工")
def delete_responsibility(request, duty_id: int):
    duty = _visible_duties(request.user).filter(pk=duty_id).first()
    if duty is None:
        raise Http404
    with _service_errors():
        services.delete_responsibility(request.user, duty)
    return Status(204, None)



# ---- login accounts and roles (rank rules in account_services) --------------------------------------------


class AccountIn(Schema):
    username: str = Field(..., max_length=30, description="用户名：3至30位字母、数字或 _ . @ + -")


class AccountActiveIn(Schema):
    active: bool = Field(..., description="true 启用，false 停用")


class AccountOut(Schema):
    person_id: int
    username: str
    active: bool


class PasswordOut(AccountOut):
    password: str = Field(..., description="生成的初始密码，只返回这一次；对方首次登录后须修改")


class RoleOut(Schema):
    id: int
    role: str
    role_name: str
    org_unit: str
    org_unit_name: str
    area: str | None


class RoleIn(Schema):
    role: str = Field(..., description="角色代码：" + "、".join(f"{r.value}={r.label}" for r in Role))
    org_unit: str = Field(..., description="绑定单位代码")
    area: str | None = Field(None, description="片区名称（仅包片领导）")


def _account_out(person: Person, password: str | None = None) -> dict:
    out = {"person_id": person.pk, "username": person.user.username, "active": person.user.is_active}
    return {**out, "password": password} if password is not None else out


def _role_out(ra: RoleAssignment) -> dict:
    return {"id": ra.pk, "role": ra.role, "role_name": ra.get_role_display(), "org_unit": ra.org_unit.code,
            "org_unit_name": ra.org_unit.display_name, "area": ra.area.name if ra.area_id else None}


def _account_person(user, person_id: int) -> Person:
    person = selectors.get_visible_person(user, person_id)
    with _service_errors():
        account_services.require_accounts(user, person)
    return person


@router.post("/people/{int:person_id}/account", response={201: PasswordOut, 403: ErrorOut, 404: ErrorOut}, summary="创建登录账号")
def create_account(request, person_id: int, payload: AccountIn):
    person = _account_person(request.user, person_id)
    with _service_errors():
        password = account_services.create_account(request.user, person, payload.username)
    return Status(201, _account_out(person, password))


@router.post("/people/{int:person_id}/account/password-reset", response={200: PasswordOut, 403: ErrorOut, 404: ErrorOut},
             summary="重置登录密码（须对该账号的每个角色都有更高级别的管理权限）")
def reset_account_password(request, person_id: int):
    person = _account_person(request.user, person_id)
    with _service_errors():
        password = account_services.reset_password(request.user, person)
    return Status(200, _account_out(person, password))


@router.post("/people/{int:person_id}/account/active", response={200: AccountOut, 403: ErrorOut, 404: ErrorOut}, summary="启用或停用登录账号")
def set_account_active(request, person_id: int, payload: AccountActiveIn):
    person = _account_person(request.user, person_id)
    with _service_errors():
        account_services.set_account_active(request.user, person, payload.active)
    person.user.refresh_from_db(fields=["is_active"])
    return Status(200, _account_out(person))


@router.get("/people/{int:person_id}/roles", response=list[RoleOut], summary="人员的角色（您可见范围内）")
def list_roles(request, person_id: int):
    person = selectors.get_visible_person(request.user, person_id)
    return [_role_out(ra) for ra in selectors.roles_of(request.user, person)] if person.user_id else []


@router.post("/people/{int:person_id}/roles", response={201: RoleOut, 403: ErrorOut, 404: ErrorOut}, summary="授予角色")
def grant_role(request, person_id: int, payload: RoleIn):
    person = _account_person(request.user, person_id)
    unit = _target_unit(request.user, payload.org_unit)
    with _service_errors():
        ra = account_services.grant_role(request.user, person, payload.role, unit, payload.area)
    return Status(201, _role_out(ra))


@router.delete("/roles/{int:role_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="撤销角色")
def revoke_role(request, role_id: int):
    ra = RoleAssignment.objects.visible_to(request.user).select_related("org_unit", "area", "user").filter(pk=role_id).first()
    if ra is None:
        raise Http404
    with _service_errors():
        account_services.revoke_role(request.user, ra)
    return Status(204, None)
