"""Login accounts and role grants for people, by users holding MANAGE_ACCOUNTS over the person's unit.

Rank: an administrator may manage an account (reset its password, disable or enable it, grant or revoke
its roles, edit its person) only if every active role the account holds is bound inside the
administrator's own MANAGE_ACCOUNTS scope and ranks below the administrator's role there
(`rules.ROLE_RANK`): a town admin manages village cadres of the town but neither another town admin nor
any county role; a county admin manages town roles of the county but not another county admin; a 系统管理员
manages everything; only a superuser manages a superuser. A granter binds roles only inside their scope
and never grants a role of their own rank or above (a 系统管理员 may grant 系统管理员). Accounts have no
history table, so each account change leaves an explicit AuditEvent; role grants are recorded by the
RoleAssignment history.
"""

import re
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from pypinyin import lazy_pinyin

from fivestar.core.models import AuditEvent
from fivestar.core.passwords import account_deactivated, password_reset_by_admin
from fivestar.core.roles import Action, Role, roles_allowing
from fivestar.core.scoping import covers, is_global
from fivestar.orgs.models import Area, Level, OrgUnit

from .models import Person, RoleAssignment
from .rules import ROLE_RANK, SYSADMIN_RANK, outranks
from .services import delete_with_history, save_with_history

NO_ACCOUNT_RIGHT = "您没有管理该人员登录账号与角色的权限。"
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{3,30}$")
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# Which unit levels each role may be bound to.
ROLE_LEVELS = {
    Role.SYSADMIN: {Level.PROVINCE, Level.CITY, Level.COUNTY},
    Role.COUNTY_ADMIN: {Level.PROVINCE, Level.CITY, Level.COUNTY},
    Role.TOWN_ADMIN: {Level.TOWN},
    Role.SUPERVISOR: {Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN},
    Role.AREA_LEADER: {Level.TOWN},
    Role.VILLAGE_LIAISON: {Level.VILLAGE},
    Role.VILLAGE_CADRE: {Level.VILLAGE},
    Role.OBSERVER: {Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN, Level.VILLAGE},
}
ROLE_LEVEL_WORDS = {
    Role.SYSADMIN: "省、市或县（区）",
    Role.COUNTY_ADMIN: "省、市或县（区）",
    Role.TOWN_ADMIN: "乡镇（街道）",
    Role.SUPERVISOR: "省、市、县（区）或乡镇（街道）",
    Role.AREA_LEADER: "乡镇（街道）（并指定该乡镇的片区）",
    Role.VILLAGE_LIAISON: "村（社区）",
    Role.VILLAGE_CADRE: "村（社区）",
    Role.OBSERVER: "村（社区）及以上",
}


def is_sysadmin(user) -> bool:
    if is_global(user):
        return True
    return RoleAssignment.objects.filter(user=user, role=Role.SYSADMIN, active=True).exists()


def manager_rank(user, unit: OrgUnit) -> int:
    """The highest rank among `user`'s active MANAGE_ACCOUNTS roles covering `unit` (0 when none does)."""
    if is_global(user):
        return SYSADMIN_RANK + 1
    cache = user.__dict__.setdefault("_fivestar_account_grants", None)
    if cache is None:
        rows = RoleAssignment.objects.filter(user=user, active=True, role__in=roles_allowing(Action.MANAGE_ACCOUNTS)).values_list("role", "org_unit__path")
        cache = user.__dict__["_fivestar_account_grants"] = list(rows)
    return max((ROLE_RANK.get(role, 0) for role, path in cache if path and unit.path.startswith(path)), default=0)


def account_refusal(user, account) -> str | None:
    """Why `user` may not manage `account` (None when they may); see the module docstring."""
    if is_global(user):
        return None
    if account.is_superuser:
        return "该账号是超级管理员，只有超级管理员可以管理。"
    for ra in account.role_assignments.filter(active=True).select_related("org_unit", "area"):
        rank = manager_rank(user, ra.org_unit)
        if rank == 0:
            return f"该账号拥有「{ra}」角色，不在您的账号管理范围内，不能管理。"
        if not outranks(rank, ra.role):
            return f"该账号拥有「{ra}」角色，与您同级或比您高，不能管理。"
    return None


def person_edit_refusal(user, account) -> str | None:
    """Why `user` may not edit the person record of `account`'s holder (None when they may). Ordinary roles
    (村干部, 包村干部, 包片领导, 观察员) inside the editor's MANAGE_PEOPLE scope need nothing more, so village
    cadres keep each other's details current; any other role needs rank over the account."""
    if is_global(user):
        return None
    plain = all(ROLE_RANK.get(ra.role, SYSADMIN_RANK) <= 1 and covers(user, ra.org_unit, Action.MANAGE_PEOPLE)
                for ra in account.role_assignments.filter(active=True).select_related("org_unit"))
    return None if plain and not account.is_superuser else account_refusal(user, account)


def can_manage_account(user, person: Person) -> bool:
    if not covers(user, person.org_unit, Action.MANAGE_ACCOUNTS):
        return False
    return not person.user_id or account_refusal(user, person.user) is None


def grantable_roles(user) -> list[tuple[str, str]]:
    """Roles `user` may grant somewhere: those below their highest account-managing rank."""
    if is_global(user):
        return [(r.value, r.label) for r in Role]
    top = max((ROLE_RANK.get(role, 0) for role in RoleAssignment.objects.filter(
        user=user, active=True, role__in=roles_allowing(Action.MANAGE_ACCOUNTS)).values_list("role", flat=True)), default=0)
    return [(r.value, r.label) for r in Role if outranks(top, r.value)]


def require_accounts(user, person: Person) -> None:
    """MANAGE_ACCOUNTS over the person's unit and, when they have an account, rank over every role it holds."""
    if not covers(user, person.org_unit, Action.MANAGE_ACCOUNTS):
        raise PermissionDenied(NO_ACCOUNT_RIGHT)
    if person.user_id:
        why = account_refusal(user, person.user)
        if why:
            raise PermissionDenied(why)


def generate_password(length: int = 12) -> str:
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.islower() for c in password) and any(c.isupper() for c in password):
            return password


def suggest_username(person: Person) -> str:
    base = "".join(lazy_pinyin(person.name)).lower()
    base = re.sub(r"[^a-z0-9]", "", base) or "user"
    if person.phone and len(person.phone) >= 4:
        base = f"{base}{person.phone[-4:]}"
    users = get_user_model().objects
    candidate, n = base, 1
    while users.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _audit(user, person: Person, action: str, summary: str, changes: list | None = None) -> None:
    account = person.user
    AuditEvent.objects.create(
        user=user if getattr(user, "pk", None) else None, action=action, model="auth.user", model_label="登录账号",
        object_id=str(account.pk), object_repr=f"{account.username}（{person.name}）"[:200], org_unit=person.org_unit,
        changes=changes or [], summary=summary[:300],
    )


@transaction.atomic
def create_account(user, person: Person, username: str) -> str:
    """Create a login account for `person`; returns the generated initial password (shown once)."""
    require_accounts(user, person)
    if person.user_id:
        raise ValidationError({"username": f"「{person.name}」已有登录账号「{person.user.username}」"})
    if not person.active:
        raise ValidationError({"username": "该人员已停用，不能创建登录账号"})
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise ValidationError({"username": "用户名应为3至30位字母、数字或 _ . @ + -"})
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"用户名「{username}」已被使用"})
    password = generate_password()
    account = User.objects.create_user(username=username, password=password)
    person.user = account
    save_with_history(person, user)
    _audit(user, person, AuditEvent.Action.CREATE, f"为「{person.name}」创建登录账号 {username}",
           [{"field": "username", "label": "用户名", "old": "", "new": username}])
    return password


@transaction.atomic
def reset_password(user, person: Person) -> str:
    require_accounts(user, person)
    if not person.user_id:
        raise ValidationError({"username": "该人员还没有登录账号"})
    password = generate_password()
    person.user.set_password(password)
    person.user.save(update_fields=["password"])
    password_reset_by_admin(person.user)
    _audit(user, person, AuditEvent.Action.UPDATE, f"重置「{person.name}」的登录密码")
    return password


@transaction.atomic
def set_account_active(user, person: Person, active: bool) -> None:
    if person.user_id and person.user_id == user.pk:
        raise ValidationError({"username": "不能停用自己的账号"})
    require_accounts(user, person)
    if not person.user_id:
        raise ValidationError({"username": "该人员还没有登录账号"})
    account = person.user
    if account.is_active != active:
        account.is_active = active
        account.save(update_fields=["is_active"])
        if not active:
            account_deactivated(account)
        old, new = ("停用", "启用") if active else ("启用", "停用")
        _audit(user, person, AuditEvent.Action.UPDATE, f"{new}「{person.name}」的登录账号",
               [{"field": "is_active", "label": "账号状态", "old": old, "new": new}])


@transaction.atomic
def grant_role(user, person: Person, role: str, org_unit: OrgUnit, area: Area | str | None = None) -> RoleAssignment:
    require_accounts(user, person)
    if not covers(user, org_unit, Action.MANAGE_ACCOUNTS):
        raise ValidationError({"org_unit": "只能授予您管辖范围内单位的角色"})
    if not person.user_id:
        raise ValidationError({"role": "请先为该人员创建登录账号"})
    if role not in Role.values:
        raise ValidationError({"role": "角色无效"})
    if role == Role.SYSADMIN and not is_sysadmin(user):
        raise PermissionDenied("只有系统管理员可以授予系统管理员角色。")
    if not outranks(manager_rank(user, org_unit), role):
        raise PermissionDenied(f"不能授予与您同级或比您高的角色「{Role(role).label}」。")
    if org_unit.level not in ROLE_LEVELS[role]:
        raise ValidationError({"org_unit": f"「{Role(role).label}」应绑定{ROLE_LEVEL_WORDS[role]}级单位，「{org_unit.display_name}」是{org_unit.get_level_display()}"})
    if isinstance(area, str):
        name = area.strip()
        area = Area.objects.filter(town=org_unit, name=name).first() if name else None
        if name and area is None:
            raise ValidationError({"area": f"片区「{name}」不属于「{org_unit.display_name}」"})
    if role == Role.AREA_LEADER and area is None:
        raise ValidationError({"area": "包片领导须指定片区"})
    if role != Role.AREA_LEADER and area is not None:
        raise ValidationError({"area": "只有包片领导需要指定片区"})
    if area is not None and area.town_id != org_unit.pk:
        raise ValidationError({"area": f"片区「{area.name}」不属于「{org_unit.display_name}」"})
    existing = RoleAssignment.objects.filter(user_id=person.user_id, role=role, org_unit=org_unit, area=area).first()
    if existing and existing.active:
        raise ValidationError({"role": f"「{person.name}」已拥有该角色"})
    assignment = existing or RoleAssignment(user_id=person.user_id, role=role, org_unit=org_unit, area=area)
    assignment.active = True
    save_with_history(assignment, user)
    return assignment


@transaction.atomic
def revoke_role(user, assignment: RoleAssignment) -> None:
    if not covers(user, assignment.org_unit, Action.MANAGE_ACCOUNTS):
        raise PermissionDenied("该角色绑定的单位不在您的账号管理范围内，不能撤销。")
    if assignment.role == Role.SYSADMIN and not is_sysadmin(user):
        raise PermissionDenied("只有系统管理员可以撤销系统管理员角色。")
    if assignment.user_id == user.pk:
        raise ValidationError({"role": "不能撤销自己的角色"})
    why = account_refusal(user, assignment.user)
    if why:
        raise PermissionDenied(why)
    delete_with_history(assignment, user)
