from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .base import UnitRecord


class RiskCheck(UnitRecord):
    """A 三零 risk check (矛盾纠纷排查) of a village by the town or the village itself."""

    date = models.DateField("排查日期")
    checker = models.CharField("排查人", max_length=60)
    findings = models.CharField("排查情况", max_length=300, blank=True)
    risks_found = models.PositiveSmallIntegerField("发现隐患数", default=0)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = "三零风险排查"
        verbose_name_plural = "三零风险排查"
        ordering = ["-date", "-id"]


class Incident(UnitRecord):
    """A petition, accident or case. A qualifying one proposes a veto event the town confirms or rejects."""

    class Kind(models.TextChoices):
        PETITION = "petition", "信访"
        ACCIDENT = "accident", "事故"
        CASE = "case", "案件"

    class Severity(models.TextChoices):
        MINOR = "minor", "一般"
        SERIOUS = "serious", "较大"
        MAJOR = "major", "重大"

    class Veto(models.TextChoices):
        NONE = "", "不涉及否决"
        PROPOSED = "proposed", "待镇级确认否决"
        CONFIRMED = "confirmed", "已确认否决"
        REJECTED = "rejected", "不予否决"

    date = models.DateField("发生日期")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices, default=Severity.MINOR)
    description = models.CharField("情况说明", max_length=300)
    outcome = models.CharField("处置结果", max_length=300, blank=True)
    veto_status = models.CharField("否决状态", max_length=10, choices=Veto.choices, default=Veto.NONE, blank=True)
    veto_rule_code = models.CharField("对应否决细则", max_length=40, blank=True)
    veto_event = models.ForeignKey("rating.VetoEvent", verbose_name="否决事项", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    decision_reason = models.CharField("确认说明", max_length=300, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = "三零事件"
        verbose_name_plural = "三零事件"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["org_unit", "date"], name="act_incident_unit_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"
