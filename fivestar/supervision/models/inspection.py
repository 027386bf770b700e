"""Inspections (督导检查) and the weekly visit plan (周督导计划)."""

from django.conf import settings
from django.db import models

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit
from fivestar.rating.models import Evidence

from .team import SupervisionTeam


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", "常态化周督导"
    SPECIAL = "special", "专项督导"
    STAR = "star", "单星攻坚督导"
    OBSERVATION = "observation", "季度观摩"


class Inspection(models.Model):
    """One visit by a team on one date to one or more villages. `org_unit` is the team's unit (town or county) so
    the team's own records are scoped with it; each village also sees the inspections that name it."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="supervision_inspections")
    team = models.ForeignKey(SupervisionTeam, verbose_name="督导组", null=True, blank=True, on_delete=models.PROTECT, related_name="inspections")
    date = models.DateField("督导日期")
    kind = models.CharField("督导类型", max_length=12, choices=InspectionKind.choices, default=InspectionKind.ROUTINE)
    star_code = models.CharField("所涉星", max_length=10, blank=True)
    villages = models.ManyToManyField(OrgUnit, verbose_name="督导村（社区）", related_name="supervision_visits")
    notes = models.TextField("督导情况", blank=True)
    photos = models.ManyToManyField(Evidence, verbose_name="现场照片", blank=True, related_name="+")
    # Set by the phone page before the first try: a retried submission finds the record it already made.
    client_uid = models.UUIDField("客户端编号", null=True, blank=True, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "督导检查"
        verbose_name_plural = "督导检查"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["team", "-date"])]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"

    def org_path_for_audit(self) -> str:
        return self.org_unit.path


class VisitPlan(models.Model):
    """A team's planned visit of one village in one week (week_start is that week's Monday, Asia/Shanghai).
    Generated so every assigned village is visited within the town's N weeks; the team may move or add rows."""

    team = models.ForeignKey(SupervisionTeam, verbose_name="督导组", on_delete=models.CASCADE, related_name="plan")
    village = models.ForeignKey(OrgUnit, verbose_name="村（社区）", on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField("周（周一）")
    adjusted = models.BooleanField("已手工调整", default=False)
    inspection = models.ForeignKey(Inspection, verbose_name="对应督导", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "team__org_unit__"

    class Meta:
        verbose_name = "督导计划"
        verbose_name_plural = "督导计划"
        ordering = ["week_start", "village__code"]
        constraints = [models.UniqueConstraint(fields=["team", "village", "week_start"], name="visit_plan_unique")]
        indexes = [models.Index(fields=["team", "week_start"])]

    def __str__(self):
        return f"{self.week_start} {self.village_id}"
