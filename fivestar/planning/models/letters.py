"""Target responsibility letters (目标责任书): a town's Word template, one letter per village and year, and the
background batch that renders a town's letters into one zip."""

from django.conf import settings
from django.db import models

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit
from fivestar.rating.models import Evidence


class LetterTemplate(models.Model):
    town = models.ForeignKey(OrgUnit, verbose_name="乡镇", on_delete=models.CASCADE, related_name="letter_templates")
    file = models.FileField("模板文件", upload_to="letter-templates/", max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    placeholders = models.JSONField("占位符", default=list)
    active = models.BooleanField("启用", default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "town__"

    class Meta:
        verbose_name = "责任书模板"
        verbose_name_plural = "责任书模板"
        ordering = ["-uploaded_at"]


class ResponsibilityLetter(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待签订"
        SIGNED = "signed", "已签订"

    year = models.PositiveSmallIntegerField("年度")
    org_unit = models.ForeignKey(OrgUnit, verbose_name="村（社区）", on_delete=models.CASCADE, related_name="responsibility_letters")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING)
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)
    signed_on = models.DateField("签订日期", null=True, blank=True)
    signed_copy = models.ForeignKey(Evidence, verbose_name="签字扫描件", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "目标责任书"
        verbose_name_plural = "目标责任书"
        constraints = [models.UniqueConstraint(fields=["year", "org_unit"], name="responsibility_letter_unique")]

    def __str__(self):
        return f"{self.year}年目标责任书（{self.org_unit.display_name}）"

    def org_path_for_audit(self) -> str:
        return self.org_unit.path


class LetterBatch(models.Model):
    """Rendering a town's letters for a year into one zip, in the background, resumable (see core/jobs.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    town = models.ForeignKey(OrgUnit, verbose_name="乡镇", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("村数", default=0)
    done = models.PositiveIntegerField("已生成", default=0)
    file = models.FileField("压缩包", upload_to="letter-batches/", max_length=300, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("后台任务最近进展", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "town__"

    class Meta:
        verbose_name = "责任书批量生成"
        verbose_name_plural = "责任书批量生成"
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else (100 if self.status == self.Status.DONE else 0)
