"""Roles and what each may do. A role is bound to an org unit (or a town's area) and covers its subtree."""

from django.db import models


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", "系统管理员"
    COUNTY_ADMIN = "county_admin", "县级管理员"
    TOWN_ADMIN = "town_admin", "镇级管理员"
    SUPERVISOR = "supervisor", "督导员"
    AREA_LEADER = "area_leader", "包片领导"
    VILLAGE_LIAISON = "village_liaison", "包村干部"
    VILLAGE_CADRE = "village_cadre", "村书记/村干部"
    OBSERVER = "observer", "观察员"


class Action(models.TextChoices):
    VIEW = "view", "查看"
    MANAGE_ORG = "manage_org", "维护组织架构"
    MANAGE_PEOPLE = "manage_people", "维护人员与职责"
    IMPORT_DIVISIONS = "import_divisions", "导入行政区划"
    IMPORT_PEOPLE = "import_people", "导入人员"
    MANAGE_ACCOUNTS = "manage_accounts", "管理账号与角色"


ALL = set(Action)
ROLE_ACTIONS: dict[str, set[str]] = {
    Role.SYSADMIN: ALL,
    Role.COUNTY_ADMIN: {Action.VIEW, Action.MANAGE_ORG, Action.MANAGE_PEOPLE, Action.IMPORT_PEOPLE, Action.MANAGE_ACCOUNTS},
    Role.TOWN_ADMIN: {Action.VIEW, Action.MANAGE_ORG, Action.MANAGE_PEOPLE, Action.IMPORT_PEOPLE, Action.MANAGE_ACCOUNTS},
    Role.SUPERVISOR: {Action.VIEW},
    Role.AREA_LEADER: {Action.VIEW},
    Role.VILLAGE_LIAISON: {Action.VIEW, Action.MANAGE_PEOPLE},
    Role.VILLAGE_CADRE: {Action.VIEW, Action.MANAGE_PEOPLE},
    Role.OBSERVER: {Action.VIEW},
}


def roles_allowing(action: str) -> list[str]:
    return [role for role, actions in ROLE_ACTIONS.items() if action in actions]
