"""Project-wide records: the audit trail every write leaves behind."""

from django.conf import settings
from django.db import models

from .append_only import AuditTrailIsAppendOnly, is_unlocked
from .scoping import ScopedQuerySet


class AuditEventQuerySet(ScopedQuerySet):
    """Rows are added, never changed or removed (fivestar/core/append_only.py)."""

    def update(self, **kwargs):
        if not is_unlocked():
            raise AuditTrailIsAppendOnly(self.model._meta.db_table)
        return super().update(**kwargs)

    def delete(self):
        if not is_unlocked():
            raise AuditTrailIsAppendOnly(self.model._meta.db_table)
        return super().delete()


class AuditEvent(models.Model):
    """One write: who, when, what, and the before/after values. Scoped through the unit it belongs to.
    Append-only: an existing row is never saved again or deleted (fivestar/core/append_only.py); the account and
    the unit it names cannot be deleted while it exists (deactivate them instead)."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        IMPORT = "import", "导入"
        LOGIN = "login", "登录"
        # A rating round's phase changes, named for what they mean (recorded through simple-history).
        OPEN = "open", "开启评星"
        PUBLISH = "publish", "发布公示"
        WITHDRAW = "withdraw", "撤回公示"
        RECOGNISE = "recognise", "认定"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    model = models.CharField("对象类型", max_length=60)
    model_label = models.CharField("对象类型名称", max_length=60)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200)
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField("变更内容", default=list, blank=True)
    summary = models.CharField("说明", max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id", "-at"]), models.Index(fields=["org_unit", "-at"])]
        base_manager_name = "objects"  # cascades and generic code (_base_manager) meet the same guard

    def __str__(self):
        return f"{self.get_action_display()} {self.model_label} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding and not is_unlocked():
            raise AuditTrailIsAppendOnly(self._meta.db_table)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not is_unlocked():
            raise AuditTrailIsAppendOnly(self._meta.db_table)
        return super().delete(*args, **kwargs)


class RateCounter(models.Model):
    """Requests of one client (a keyed digest of its address) under one named limit in one time window
    (fivestar.core.ratelimit). Rows whose window is over are deleted when the next window opens."""

    key = models.CharField("计数键", max_length=80, unique=True)
    count = models.PositiveIntegerField("次数", default=0)
    expires_at = models.DateTimeField("窗口结束", db_index=True)

    class Meta:
        verbose_name = "访问频率计数"
        verbose_name_plural = "访问频率计数"
