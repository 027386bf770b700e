"""Supervision teams (督导组) and a town's supervision settings."""

from django.conf import settings
from django.db import models

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit
from fivestar.people.models import Person


class SupervisionTeam(models.Model):
    """A team belongs to the unit that runs it: a town (weekly routine) or a county (special teams over several
    towns). Its villages are the ones it must visit; a village may be assigned to several teams."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="supervision_teams")
    name = models.CharField("督导组名称", max_length=60)
    leader = models.ForeignKey(Person, verbose_name="组长", null=True, blank=True, on_delete=models.SET_NULL, related_name="led_supervision_teams")
    members = models.ManyToManyField(Person, verbose_name="成员", blank=True, related_name="supervision_teams")
    villages = models.ManyToManyField(OrgUnit, verbose_name="负责村（社区）", blank=True, related_name="assigned_supervision_teams")
    note = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "督导组"
        verbose_name_plural = "督导组"
        ordering = ["org_unit__path", "name"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="supervision_team_unique_name")]

    def __str__(self):
        return self.name

    def org_path_for_audit(self) -> str:
        return self.org_unit.path


def default_deadline_days():
    return {"minor": 15, "general": 10, "serious": 5}


def default_escalation_days():
    # Days past the deadline at which a problem escalates to each step: 包村干部, 包片领导, 镇级管理员.
    return [0, 3, 7]


class SupervisionSettings(models.Model):
    """Per-town settings (乡镇设置); a town without a row uses the defaults."""

    town = models.OneToOneField(OrgUnit, verbose_name="乡镇", on_delete=models.CASCADE, related_name="supervision_settings")
    visit_within_weeks = models.PositiveSmallIntegerField("每村至少每 N 周督导一次", default=2)
    deadline_days = models.JSONField("各严重程度默认整改期限（天）", default=default_deadline_days)
    reminder_days_before = models.PositiveSmallIntegerField("截止前几天提醒", default=2)
    escalation_days = models.JSONField("逾期升级天数（包村干部、包片领导、镇级管理员）", default=default_escalation_days)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_via = "town__"

    class Meta:
        verbose_name = "督导设置"
        verbose_name_plural = "督导设置"

    def __str__(self):
        return f"{self.town_id} 督导设置"

    def org_path_for_audit(self) -> str:
        return self.town.path
