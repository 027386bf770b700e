from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.core.scoping import ScopedQuerySet

from .base import UnitRecord


class CampaignProject(UnitRecord):
    """A campaign project (残垣断壁清零, 户厕改造…) of a village or a town, with its progress."""

    name = models.CharField("项目名称", max_length=60)
    year = models.PositiveSmallIntegerField("年度")
    target = models.CharField("目标任务", max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField("完成进度（%）", default=0)
    budget = models.DecimalField("计划投入（元）", max_digits=14, decimal_places=2, default=0)
    funded = models.DecimalField("到位资金（元）", max_digits=14, decimal_places=2, default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["created_at", "funded"])

    class Meta:
        verbose_name = "专项行动项目"
        verbose_name_plural = "专项行动项目"
        ordering = ["-year", "org_unit__path", "name"]


class Funding(models.Model):
    class Source(models.TextChoices):
        TOWN_AWARD = "town_award", "镇政府奖"
        VILLAGE = "village", "村委会筹"
        DONATION = "donation", "社会捐赠"

    project = models.ForeignKey(CampaignProject, verbose_name="项目", on_delete=models.CASCADE, related_name="funding")
    source = models.CharField("资金来源", max_length=12, choices=Source.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    date = models.DateField("到位日期")
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_via = "project__org_unit__"

    class Meta:
        verbose_name = "项目资金"
        verbose_name_plural = "项目资金"
        ordering = ["-date", "-id"]

    @property
    def org_unit_id(self):
        """The project's village, so 操作记录 scopes its history events like the project's."""
        return self.project.org_unit_id

    def org_path_for_audit(self) -> str:
        return self.project.org_unit.path
