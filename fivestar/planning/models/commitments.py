"""Monthly commitments and results (月初晒承诺、月底亮业绩): what a village cadre promises at the start of a month,
what they achieved at its end, and the town's comment and grade."""

from django.conf import settings
from django.db import models

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit
from fivestar.people.models import Person
from fivestar.rating.models import Evidence

from .ledger import LedgerTask


class Commitment(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="commitments")
    month = models.DateField("月份", help_text="该月 1 日")
    person = models.ForeignKey(Person, verbose_name="承诺人", on_delete=models.PROTECT, related_name="commitments")
    content = models.TextField("承诺事项")
    star_code = models.CharField("所涉星", max_length=10, blank=True)
    task = models.ForeignKey(LedgerTask, verbose_name="对应台账任务", null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments")
    result = models.TextField("完成情况", blank=True)
    result_at = models.DateTimeField("亮业绩时间", null=True, blank=True)
    result_evidence = models.ManyToManyField(Evidence, verbose_name="业绩佐证", blank=True, related_name="+")
    grade = models.CharField("评价等次", max_length=10, blank=True)
    town_comment = models.CharField("镇级点评", max_length=500, blank=True)
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="点评人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    graded_at = models.DateTimeField("点评时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("填报时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "月度承诺"
        verbose_name_plural = "月度承诺"
        ordering = ["-month", "person_id", "id"]
        indexes = [models.Index(fields=["org_unit", "month"], name="commitment_unit_month"), models.Index(fields=["month"], name="commitment_month")]

    def __str__(self):
        return f"{self.month:%Y年%m月}承诺：{self.content[:20]}"

    def org_path_for_audit(self) -> str:
        return self.org_unit.path
