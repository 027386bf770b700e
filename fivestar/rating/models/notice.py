"""Objections (异议) filed by anyone during the public notice (公示)."""

from django.conf import settings
from django.db import models

from fivestar.core.scoping import ScopedQuerySet

from .assessment import Assessment
from .round import Round


class Objection(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        DISMISSED = "dismissed", "不予采纳"
        UPHELD = "upheld", "予以采纳"

    round = models.ForeignKey(Round, verbose_name="评星周期", on_delete=models.CASCADE, related_name="objections")
    assessment = models.ForeignKey(Assessment, verbose_name="被异议支部", on_delete=models.CASCADE, related_name="objections")
    reason = models.TextField("异议理由")
    contact = models.CharField("联系方式", max_length=60, blank=True)
    client_hash = models.CharField("来源指纹", max_length=64, db_index=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField("处理意见", blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "assessment__org_unit__"

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["-created_at"]


class ObjectionQuota(models.Model):
    """How many objections one client address has filed in one round's notice: the public form's limit
    is taken with one conditional UPDATE on this row (count < limit), so parallel posts cannot pass it."""

    round = models.ForeignKey(Round, verbose_name="评星周期", on_delete=models.CASCADE, related_name="+")
    address_hash = models.CharField("来源地址摘要", max_length=64)
    count = models.PositiveIntegerField("已提交异议数", default=0)

    class Meta:
        verbose_name = "异议提交配额"
        verbose_name_plural = "异议提交配额"
        constraints = [models.UniqueConstraint(fields=["round", "address_hash"], name="objection_quota_once_per_address")]
