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
    EDIT_RESULTS = "edit_results", "填报创建结果与指标数据"
    MANAGE_STANDARDS = "manage_standards", "管理创建标准"
    MANAGE_ROUNDS = "manage_rounds", "开启和管理评星周期"
    SELF_ASSESS = "self_assess", "村级自评申报"
    REVIEW_TOWN = "review_town", "镇级初审"
    REVIEW_COUNTY = "review_county", "县级审核"
    REVIEW_CITY = "review_city", "市级复核"
    REVIEW_PROVINCE = "review_province", "省级抽查"
    RECORD_VETO = "record_veto", "记录否决事项（摘星）"
    MANAGE_SUPERVISION = "manage_supervision", "管理督导组与督导计划"
    SUPERVISE = "supervise", "督导检查、复查销号"
    RECTIFY = "rectify", "整改督导问题"
    MANAGE_PLANNING = "manage_planning", "管理创建目标、责任书、台账，点评承诺"
    WORK_TASKS = "work_tasks", "推进创建台账任务"
    COMMIT = "commit", "晒承诺、亮业绩"


ALL = set(Action)
ROLE_ACTIONS: dict[str, set[str]] = {
    Role.SYSADMIN: ALL,
    Role.COUNTY_ADMIN: {Action.VIEW, Action.MANAGE_ORG, Action.MANAGE_PEOPLE, Action.IMPORT_PEOPLE, Action.MANAGE_ACCOUNTS, Action.EDIT_RESULTS, Action.MANAGE_STANDARDS, Action.MANAGE_ROUNDS, Action.REVIEW_COUNTY, Action.RECORD_VETO, Action.MANAGE_SUPERVISION, Action.SUPERVISE, Action.MANAGE_PLANNING, Action.WORK_TASKS},
    Role.TOWN_ADMIN: {Action.VIEW, Action.MANAGE_ORG, Action.MANAGE_PEOPLE, Action.IMPORT_PEOPLE, Action.MANAGE_ACCOUNTS, Action.EDIT_RESULTS, Action.MANAGE_ROUNDS, Action.REVIEW_TOWN, Action.RECORD_VETO, Action.MANAGE_SUPERVISION, Action.SUPERVISE, Action.MANAGE_PLANNING, Action.WORK_TASKS},
    Role.SUPERVISOR: {Action.VIEW, Action.REVIEW_TOWN, Action.SUPERVISE},
    Role.AREA_LEADER: {Action.VIEW},
    Role.VILLAGE_LIAISON: {Action.VIEW, Action.MANAGE_PEOPLE, Action.EDIT_RESULTS, Action.SELF_ASSESS, Action.RECTIFY, Action.WORK_TASKS, Action.COMMIT},
    Role.VILLAGE_CADRE: {Action.VIEW, Action.MANAGE_PEOPLE, Action.EDIT_RESULTS, Action.SELF_ASSESS, Action.RECTIFY, Action.WORK_TASKS, Action.COMMIT},
    Role.OBSERVER: {Action.VIEW},
}


def roles_allowing(action: str) -> list[str]:
    return [role for role, actions in ROLE_ACTIONS.items() if action in actions]
