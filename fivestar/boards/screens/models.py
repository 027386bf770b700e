"""An export of a board made in the background (county and above): progress, heartbeat, the file when done."""

from django.conf import settings
from django.db import models

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit


class BoardExport(models.Model):
    """One export of one unit's board for a year, resumable (see core/jobs.py and exports_jobs.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    class Kind(models.TextChoices):
        BOARD_XLSX = "board_xlsx", "挂图作战表（Excel）"
        BOARD_PDF = "board_pdf", "挂图作战表（PDF）"
        BOARD_PNG = "board_png", "挂图作战表（图片）"
        VILLAGES_XLSX = "villages_xlsx", "全部村（社区）星级明细（Excel）"

    unit = models.ForeignKey(OrgUnit, verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("导出内容", max_length=16, choices=Kind.choices)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("总步数", default=0)
    done = models.PositiveIntegerField("已完成步数", default=0)
    file = models.FileField("文件", upload_to="board-exports/", max_length=300, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("后台任务最近进展", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "unit__"

    class Meta:
        verbose_name = "挂图作战导出"
        verbose_name_plural = "挂图作战导出"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="board_export_active")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.unit_id}/{self.year}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
