"""A framework version is data: the canonical YAML-shaped dict, stored whole, immutable once published."""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.orgs.models import BranchType, OrgUnit

_COMPILED: dict[tuple[int, str], object] = {}


def checksum_of(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class FrameworkVersionQuerySet(models.QuerySet):
    def latest_published(self, branch_type: str, unit: OrgUnit | None = None) -> "FrameworkVersion | None":
        """The version in force for a branch type (and, given a unit, one that applies where it is):
        the most recently published one."""
        qs = self.filter(branch_type=branch_type or "rural", status=FrameworkVersion.Status.PUBLISHED)
        if unit is not None:
            qs = qs.filter(models.Q(org_unit__isnull=True) | models.Q(org_unit__path__in=OrgUnit.paths_above(unit.path)))
        return qs.order_by(models.F("published_at").desc(nulls_last=True), "-created_at", "-pk").first()


class FrameworkVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        ARCHIVED = "archived", "已停用"

    code = models.CharField("标准代码", max_length=60, unique=True)
    name = models.CharField("标准名称", max_length=120)
    branch_type = models.CharField("支部类型", max_length=12, choices=BranchType.choices)
    version = models.CharField("版本", max_length=30)
    issuer = models.CharField("发布单位", max_length=60, blank=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name="适用范围", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    data = models.JSONField("标准内容")
    checksum = models.CharField("校验值", max_length=64, editable=False)
    star_count = models.PositiveSmallIntegerField("星数", default=0)
    standard_count = models.PositiveSmallIntegerField("标准数", default=0)
    rule_count = models.PositiveIntegerField("细则数", default=0)
    based_on = models.ForeignKey("self", verbose_name="来源版本", null=True, blank=True, on_delete=models.SET_NULL, related_name="derived")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords(excluded_fields=["data"])
    objects = FrameworkVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "创建标准版本"
        verbose_name_plural = "创建标准版本"
        ordering = ["branch_type", "-created_at"]

    def __str__(self):
        return f"{self.name}（{self.version}）"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def refresh_counts(self):
        stars = self.data.get("stars") or []
        standards = [s for star in stars for s in star.get("standards") or []]
        self.star_count = len(stars)
        self.standard_count = len(standards)
        self.rule_count = sum(len(s.get("rules") or []) for s in standards)
        self.checksum = checksum_of(self.data)

    def save(self, *args, **kwargs):
        if self.pk:
            stored = FrameworkVersion.objects.filter(pk=self.pk).values("status", "checksum").first()
            if stored and stored["status"] != self.Status.DRAFT and checksum_of(self.data) != stored["checksum"]:
                raise ValidationError("已发布的标准版本不可修改，请复制为新版本后再编辑。")
        self.refresh_counts()
        super().save(*args, **kwargs)

    def compiled(self):
        """The engine's immutable Framework for this version, compiled once per process."""
        from fivestar.standards.engine import load_framework

        key = (self.pk, self.checksum)
        if key not in _COMPILED:
            _COMPILED[key] = load_framework(self.data)
        return _COMPILED[key]

    def org_path_for_audit(self) -> str:
        return self.org_unit.path if self.org_unit_id else "/"
