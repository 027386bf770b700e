"""One row per day the daily job (`fivestar supervision-daily`, the scheduler) ran for: its progress and heartbeat."""

from django.db import models


class DailyRun(models.Model):
    """The daily job of one (Asia/Shanghai) day: reminders, overdue marking, escalation, in that order.

    Every pass of the day (the scheduler runs it every hour) updates the same row. `heartbeat_at` moves at every batch:
    a process killed mid-way leaves the row running with an old heartbeat, which the page shows as 已停滞 and
    core/jobs.py resumes (the job is idempotent, so the resumed pass finds the batches already done and sends nothing
    twice). `counts` add up what every pass of the day did."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    date = models.DateField("日期", unique=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED)
    step = models.PositiveSmallIntegerField("已完成步骤", default=0)
    steps = 3
    counts = models.JSONField("累计处理数", default=dict)
    message = models.CharField("说明", max_length=300, blank=True)
    started_at = models.DateTimeField("本轮开始", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)
    finished_at = models.DateTimeField("本轮完成", null=True, blank=True)

    class Meta:
        verbose_name = "督导每日处理"
        verbose_name_plural = "督导每日处理"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_status_display()}"
