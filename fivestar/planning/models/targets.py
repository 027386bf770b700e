"""Annual targets: per village (category, target rating, target stars) and per town/county (plan totals)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import Category, OrgUnit


def default_category_labels():
    return {c.value: c.label for c in Category}


def default_grade_scale():
    return ["优秀", "良好", "一般", "较差"]


class PlanningSettings(models.Model):
    """A town's own names for the four categories and its grading scale for monthly commitments."""

    town = models.OneToOneField(OrgUnit, verbose_name="乡镇", on_delete=models.CASCADE, related_name="planning_settings")
    category_labels = models.JSONField("创建类别名称", default=default_category_labels)
    grade_scale = models.JSONField("承诺评价等次", default=default_grade_scale)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_via = "town__"

    class Meta:
        verbose_name = "创建设置"
        verbose_name_plural = "创建设置"

    def org_path_for_audit(self) -> str:
        return self.town.path


class VillageTarget(models.Model):
    year = models.PositiveSmallIntegerField("年度")
    org_unit = models.ForeignKey(OrgUnit, verbose_name="村（社区）", on_delete=models.CASCADE, related_name="targets")
    category = models.CharField("创建类别", max_length=12, choices=Category.choices, blank=True)
    target_rating = models.PositiveSmallIntegerField("目标星级", default=0)
    target_stars = models.JSONField("目标星", default=list, help_text="星的代码，如 zbgy、cyxw")
    note = models.CharField("备注", max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "村级创建目标"
        verbose_name_plural = "村级创建目标"
        constraints = [models.UniqueConstraint(fields=["year", "org_unit"], name="village_target_unique")]
        indexes = [models.Index(fields=["org_unit", "year"])]

    def __str__(self):
        return f"{self.year}年创建目标（{self.org_unit.display_name}）"

    def org_path_for_audit(self) -> str:
        return self.org_unit.path


class UnitPlan(models.Model):
    """A town's or county's plan for a year: how many villages at each rating and per star (e.g. 4 五星 / 12 四星
    / 37 三星). The villages' targets are checked against it."""

    year = models.PositiveSmallIntegerField("年度")
    org_unit = models.ForeignKey(OrgUnit, verbose_name="单位", on_delete=models.CASCADE, related_name="plans")
    rating_counts = models.JSONField("各星级村数", default=dict, help_text='{"5": 4, "4": 12, "3": 37}')
    star_counts = models.JSONField("各星村数", default=dict, help_text='{"zbgy": 53, ...}')
    note = models.CharField("备注", max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "年度创建计划"
        verbose_name_plural = "年度创建计划"
        constraints = [models.UniqueConstraint(fields=["year", "org_unit"], name="unit_plan_unique")]

    def __str__(self):
        return f"{self.year}年创建计划（{self.org_unit.display_name}）"

    def org_path_for_audit(self) -> str:
        return self.org_unit.path
