"""Stars held over time, per-round results, and veto events that withdraw a star at once (摘星)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit

from .round import Round


class StarHolding(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name="村（社区）", on_delete=models.CASCADE, related_name="star_holdings")
    star_code = models.CharField("星代码", max_length=20)
    star_name = models.CharField("星名称", max_length=30)
    gained_round = models.ForeignKey(Round, verbose_name="获得周期", null=True, on_delete=models.SET_NULL, related_name="+")
    gained_at = models.DateTimeField("获得时间")
    lost_round = models.ForeignKey(Round, verbose_name="失去周期", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lost_at = models.DateTimeField("失去时间", null=True, blank=True)
    lost_reason = models.CharField("失去原因", max_length=300, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "星级持有"
        verbose_name_plural = "星级持有"
        ordering = ["org_unit", "star_code", "-gained_at"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "star_code"], condition=models.Q(lost_at__isnull=True), name="one_active_holding_per_star")
        ]

    def __str__(self):
        return f"{self.org_unit.display_name} {self.star_name}"

    def org_path_for_audit(self) -> str:
        return self.org_unit.path


class RoundResult(models.Model):
    """What a round recognised for a branch, and how that changed its stars."""

    round = models.ForeignKey(Round, verbose_name="评星周期", on_delete=models.CASCADE, related_name="results")
    org_unit = models.ForeignKey(OrgUnit, verbose_name="村（社区）", on_delete=models.CASCADE, related_name="round_results")
    rating = models.PositiveSmallIntegerField("星级")
    awarded = models.JSONField("获得的星", default=list)
    gained = models.JSONField("新增的星", default=list)
    lost = models.JSONField("失去的星", default=list)
    # Closed as 未按期完成: the result is the round's configured outcome, not an evaluation.
    expired = models.BooleanField("未按期完成", default=False)
    recognised_at = models.DateTimeField("认定时间")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "评星结果"
        verbose_name_plural = "评星结果"
        ordering = ["-recognised_at"]
        constraints = [models.UniqueConstraint(fields=["round", "org_unit"], name="round_result_unique")]


class VetoEvent(models.Model):
    """A recorded veto (一票否决) event, e.g. a criminal case: withdraws the star at once."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name="村（社区）", on_delete=models.CASCADE, related_name="veto_events")
    rule_code = models.CharField("否决细则", max_length=40)
    star_code = models.CharField("涉及的星", max_length=20)
    occurred_on = models.DateField("发生日期")
    description = models.TextField("情况说明")
    evidence_ids = models.JSONField("佐证", default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "否决事项"
        verbose_name_plural = "否决事项"
        ordering = ["-occurred_on", "-id"]

    def __str__(self):
        return f"{self.org_unit.display_name} {self.rule_code}（{self.occurred_on:%Y-%m-%d}）"

    def org_path_for_audit(self) -> str:
        return self.org_unit.path
