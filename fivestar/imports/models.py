"""Import jobs: an uploaded file, its preview, and the background run with visible progress."""

from django.conf import settings
from django.db import models

from fivestar.core.scoping import ScopedQuerySet


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        DIVISIONS = "divisions", "行政区划"
        PEOPLE = "people", "人员与责任分工"

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "待确认"
        INVALID = "invalid", "校验未通过"
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="导入范围", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    under_code = models.CharField("限定代码", max_length=15, blank=True)
    upload_dir = models.CharField("上传目录", max_length=300, blank=True)
    file_names = models.JSONField("文件", default=list)
    preview = models.JSONField("预览", default=dict, blank=True)
    errors = models.JSONField("错误", default=list, blank=True)
    total = models.PositiveIntegerField("总行数", default=0)
    done = models.PositiveIntegerField("已处理", default=0)
    result = models.JSONField("结果", default=dict, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # Updated while RUNNING (with the progress file's own timestamp); an old one means the worker died.
    heartbeat_at = models.DateTimeField("后台任务最近进展", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else (100 if self.status == self.Status.DONE else 0)
