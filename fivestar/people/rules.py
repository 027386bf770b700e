"""Validation rules for people and responsibilities, shared by forms, services, the API and the Excel import.

Plain functions: values in, a normalised value or a Chinese message out. No queries; callers pass the
org units / areas they have already loaded.
"""

import re

from django.core.exceptions import ValidationError

from fivestar.orgs.models import Level

from .models import Duty, Gender, Position, phone_validator

MAX_HOUSEHOLDS = 10000
HEAD_SEPARATORS = re.compile(r"[、,，;；\n\r]+")

GENDER_VALUES = {**{g.value: g.value for g in Gender}, **{g.label: g.value for g in Gender}}
POSITION_VALUES = {**{p.value: p.value for p in Position}, **{p.label: p.value for p in Position}}
DUTY_VALUES = {**{d.value: d.value for d in Duty}, **{d.label: d.value for d in Duty}}
TRUE_WORDS = {"是", "党员", "中共党员", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "非党员", "群众", "n", "no", "false", "0", ""}

# Which org levels a position may belong to.
POSITION_LEVELS = {
    Position.SECRETARY: {Level.VILLAGE},
    Position.DIRECTOR: {Level.VILLAGE},
    Position.VILLAGE_CADRE: {Level.VILLAGE, Level.GROUP},
    Position.TOWN_LEADER: {Level.COUNTY, Level.TOWN},
    Position.TOWN_CADRE: {Level.TOWN},
    Position.COUNTY_CADRE: {Level.PROVINCE, Level.CITY, Level.COUNTY},
}
LEVEL_WORDS = {
    frozenset({Level.VILLAGE}): "村（社区）",
    frozenset({Level.VILLAGE, Level.GROUP}): "村（社区）或村民小组",
    frozenset({Level.COUNTY, Level.TOWN}): "县（区）或乡镇（街道）",
    frozenset({Level.TOWN}): "乡镇（街道）",
    frozenset({Level.PROVINCE, Level.CITY, Level.COUNTY}): "省、市或县（区）",
}
# Which org level each duty targets.
DUTY_LEVELS = {Duty.AREA: Level.TOWN, Duty.VILLAGE: Level.VILLAGE, Duty.GROUP: Level.GROUP, Duty.HOUSEHOLDS: Level.VILLAGE}
DUTY_TARGET_WORDS = {
    Duty.AREA: "包片的责任单位应为乡镇（街道）",
    Duty.VILLAGE: "包村的责任单位应为村（社区）",
    Duty.GROUP: "包组的责任单位应为村民小组",
    Duty.HOUSEHOLDS: "包户的责任单位应为党员所联系农户所在的村（社区）",
}


def text(value) -> str:
    """A cell or form value as stripped text; whole numbers from Excel lose their trailing '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_gender(value) -> str:
    key = text(value)
    if key not in GENDER_VALUES:
        raise ValueError("性别应为「男」或「女」")
    return GENDER_VALUES[key]


def parse_position(value) -> str:
    key = text(value)
    if key not in POSITION_VALUES:
        raise ValueError(f"职务「{key}」无效，应为：{'、'.join(Position.labels)}" if key else "请填写职务")
    return POSITION_VALUES[key]


def parse_duty(value) -> str:
    key = text(value)
    if key not in DUTY_VALUES:
        raise ValueError(f"责任类型「{key}」无效，应为：包片、包村、包组、包户" if key else "请填写责任类型")
    return DUTY_VALUES[key]


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    key = text(value).lower()
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise ValueError("是否党员应填写「是」或「否」")


def parse_phone(value) -> str:
    phone = re.sub(r"\s+", "", text(value))
    if phone:
        try:
            phone_validator(phone)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None
    return phone


def parse_name(value) -> str:
    name = re.sub(r"\s+", "", text(value))
    if not name:
        raise ValueError("请填写姓名")
    if len(name) > 30:
        raise ValueError("姓名不能超过30个字")
    return name


def parse_household_count(value) -> int | None:
    raw = text(value)
    if raw == "":
        return None
    try:
        count = int(raw)
    except ValueError:
        raise ValueError("联系户数应为整数") from None
    if count < 0:
        raise ValueError("联系户数不能小于0")
    if count > MAX_HOUSEHOLDS:
        raise ValueError(f"联系户数不能超过{MAX_HOUSEHOLDS}")
    return count


def split_heads(value) -> list[str]:
    """Household heads from a list, or a text separated by 、，; or new lines."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else HEAD_SEPARATORS.split(text(value))
    return [re.sub(r"\s+", "", str(item)) for item in items if str(item).strip()]


def person_problems(org_unit, position: str, is_party_member: bool) -> dict[str, str]:
    """Consistency between a person's unit, position and Party membership."""
    problems = {}
    levels = POSITION_LEVELS.get(position)
    if org_unit is not None and levels and org_unit.level not in levels:
        problems["org_unit"] = f"职务「{Position(position).label}」应隶属{LEVEL_WORDS[frozenset(levels)]}级单位，「{org_unit.display_name}」是{org_unit.get_level_display()}"
    if position == Position.SECRETARY and not is_party_member:
        problems["is_party_member"] = "村党支部书记须为中共党员"
    if position == Position.PARTY_MEMBER and not is_party_member:
        problems["is_party_member"] = "职务为「党员」时须勾选中共党员"
    return problems


def duty_problems(duty: str, org_unit, area, household_count: int | None, heads: list[str], person_is_party_member: bool) -> dict[str, str]:
    """Consistency of a responsibility: 包片 → an area of that town; 包村 → a village; 包组 → a villager
    group; 包户 → a village, a household count ≥ 0 and a Party member."""
    problems = {}
    if org_unit is not None and org_unit.level != DUTY_LEVELS[duty]:
        problems["org_unit"] = f"{DUTY_TARGET_WORDS[duty]}，「{org_unit.display_name}」是{org_unit.get_level_display()}"
    if duty == Duty.AREA:
        if area is None:
            problems["area"] = "包片须指定片区"
        elif org_unit is not None and area.town_id != org_unit.pk:
            problems["area"] = f"片区「{area.name}」不属于「{org_unit.display_name}」"
    elif area is not None:
        problems["area"] = "只有包片需要填写片区"
    if duty == Duty.HOUSEHOLDS:
        if household_count is None:
            problems["household_count"] = "包户须填写联系户数（不小于0的整数）"
        elif household_count < 0:
            problems["household_count"] = "联系户数不能小于0"
        elif len(heads) > household_count:
            problems["household_heads"] = f"户主名单有{len(heads)}人，多于联系户数{household_count}"
        if not person_is_party_member:
            problems["person"] = "包户的责任人须为中共党员"
    else:
        if household_count is not None:
            problems["household_count"] = "只有包户需要填写联系户数"
        if heads:
            problems["household_heads"] = "只有包户需要填写户主名单"
    return problems


# Account management by rank: an administrator manages only accounts whose every role ranks below the role
# through which they manage that role's unit (系统管理员 also manages other 系统管理员).
ROLE_RANK = {
    "sysadmin": 5,
    "county_admin": 4,
    "town_admin": 3,
    "supervisor": 2,
    "area_leader": 1,
    "village_liaison": 1,
    "village_cadre": 1,
    "observer": 1,
}
SYSADMIN_RANK = ROLE_RANK["sysadmin"]


def outranks(manager_rank: int, role: str) -> bool:
    """Whether a manager of `manager_rank` (0: none over that unit) may manage or grant `role` there."""
    rank = ROLE_RANK.get(role, SYSADMIN_RANK)
    return manager_rank > rank or manager_rank == rank == SYSADMIN_RANK
