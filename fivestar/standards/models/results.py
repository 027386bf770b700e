"""A branch's current rule results against one framework version (what the 差距 page edits).

Rating rounds will keep their own per-round assessments; this is the live working copy.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit

from .framework import FrameworkVersion


class BranchResult(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name="村（社区）", on_delete=models.CASCADE, related_name="branch_results")
    framework = models.ForeignKey(FrameworkVersion, verbose_name="创建标准", on_delete=models.PROTECT, related_name="branch_results")
    results = models.JSONField("细则结果", default=dict, blank=True)
    not_applicable = models.JSONField("不适用细则", default=list, blank=True)
    na_reasons = models.JSONField("不适用理由", default=dict, blank=True)
    veto_events = models.JSONField("否决事项", default=list, blank=True)
    rating = models.PositiveSmallIntegerField("星级", default=0)
    awarded = models.JSONField("获得的星", default=list, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="更新人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "支部细则结果"
        verbose_name_plural = "支部细则结果"
        constraints = [models.UniqueConstraint(fields=["org_unit", "framework"], name="branch_result_unique")]

    def __str__(self):
        return f"{self.org_unit.display_name} · {self.framework.name}"

    def org_path_for_audit(self) -> str:
        return self.org_unit.path
