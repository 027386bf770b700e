"""In-app notifications (站内消息). `dedupe_key` makes scheduled reminders idempotent."""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    class Kind(models.TextChoices):
        REMINDER = "reminder", "截止提醒"
        OVERDUE = "overdue", "逾期提醒"
        RETURNED = "returned", "退回修改"
        WITHDRAWN = "withdrawn", "摘星通知"
        OBJECTION = "objection", "异议"
        INFO = "info", "通知"
        APPROVED = "approved", "审核通过"
        OPENED = "opened", "评星开启"
        NOTICE = "notice", "结果公示"
        RECOGNISED = "recognised", "结果认定"
        EXPIRED = "expired", "未按期完成"
        WAITING = "waiting", "待审核"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.INFO)
    title = models.CharField("标题", max_length=120)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="相关单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    dedupe_key = models.CharField("去重键", max_length=120, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="notification_dedupe")
        ]

    def __str__(self):
        return self.title
