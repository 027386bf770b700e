"""Indicators the system records once and rules read: village collective economy income per year."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit

# No village collective earns a billion yuan a year; larger figures are typos (extra zeros, 万元 vs 元).
MAX_INCOME = Decimal("1000000000")


class CollectiveIncome(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name="村（社区）", on_delete=models.CASCADE, related_name="collective_incomes")
    year = models.PositiveSmallIntegerField("年度")
    operating_income = models.DecimalField("经营性收入（元）", max_digits=14, decimal_places=2, default=0)
    other_income = models.DecimalField("其他收入（元）", max_digits=14, decimal_places=2, default=0)
    # Returns of shared projects (fivestar.projects) for this village and year, kept in step by that app so the
    # income rules read them; never typed in (the form and workbook leave it alone).
    project_returns = models.DecimalField("项目分红收益（元）", max_digits=14, decimal_places=2, default=0, editable=False)
    amount = models.DecimalField("集体经济收入合计（元）", max_digits=14, decimal_places=2, editable=False)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "村集体经济收入"
        verbose_name_plural = "村集体经济收入"
        ordering = ["org_unit__path", "-year"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "year"], name="collective_income_unique_year")]
        indexes = [models.Index(fields=["year", "amount"])]

    def __str__(self):
        return f"{self.org_unit.display_name} {self.year}年 {self.amount} 元"

    def clean(self):
        errors = {}
        for field in ("operating_income", "other_income"):
            value = getattr(self, field)
            if value is None:
                continue
            if value < 0:
                errors[field] = "收入不能为负数。"
            elif value > MAX_INCOME:
                errors[field] = "金额超过 10 亿元，明显不合理，请核对单位（应以“元”为单位）。"
        if not (2000 <= (self.year or 0) <= 2100):
            errors["year"] = "年度应为 2000 至 2100 之间的四位年份。"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.amount = (self.operating_income or 0) + (self.other_income or 0) + (self.project_returns or 0)
        super().save(*args, **kwargs)

    def org_path_for_audit(self) -> str:
        return self.org_unit.path
