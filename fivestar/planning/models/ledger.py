"""The creation ledger (创建台账): every task of every village with a star, an owner, a deadline and a status
("村村有任务，人人有担子"); its history; and kept counts per level so ledger pages never count rows."""

from django.conf import settings
from django.db import models

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import Area, OrgUnit
from fivestar.people.models import Person
from fivestar.rating.models import Evidence


class TaskStatus(models.TextChoices):
    TODO = "todo", "未开始"
    DOING = "doing", "推进中"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已取消"


OPEN_TASK_STATUSES = (TaskStatus.TODO, TaskStatus.DOING)


class TaskSource(models.TextChoices):
    MANUAL = "manual", "手工录入"
    GAP = "gap", "差距清单"
    PROBLEM = "problem", "督导问题"
    MEETING = "meeting", "会议决定"


class LedgerTask(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="ledger_tasks")
    year = models.PositiveSmallIntegerField("年度")
    star_code = models.CharField("所属星", max_length=10)
    rule_code = models.CharField("所涉细则", max_length=40, blank=True)
    title = models.CharField("任务", max_length=200)
    description = models.TextField("说明", blank=True)
    responsible = models.ForeignKey(Person, verbose_name="责任人", null=True, blank=True, on_delete=models.SET_NULL, related_name="ledger_tasks")
    deadline = models.DateField("完成时限")
    status = models.CharField("状态", max_length=10, choices=TaskStatus.choices, default=TaskStatus.TODO)
    overdue = models.BooleanField("已逾期", default=False)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    evidence = models.ManyToManyField(Evidence, verbose_name="佐证", blank=True, related_name="+")
    source = models.CharField("来源", max_length=10, choices=TaskSource.choices, default=TaskSource.MANUAL)
    problem = models.ForeignKey("supervision.Problem", verbose_name="来源督导问题", null=True, blank=True, on_delete=models.SET_NULL, related_name="ledger_tasks")
    # A meeting decision (issue 12) points here by its own id; kept as a plain reference until meetings exist.
    source_ref = models.CharField("来源编号", max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "创建台账任务"
        verbose_name_plural = "创建台账任务"
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["org_unit", "year", "status", "deadline"], name="ledger_unit_status"),
            models.Index(fields=["status", "deadline"], name="ledger_status_deadline"),
            models.Index(fields=["responsible", "status"], name="ledger_responsible"),
        ]
        constraints = [
            # One task per gap rule per village and year: turning a gap list into tasks twice adds nothing.
            models.UniqueConstraint(fields=["org_unit", "year", "rule_code"], condition=models.Q(source="gap"), name="ledger_gap_once"),
        ]

    def __str__(self):
        return self.title

    def org_path_for_audit(self) -> str:
        return self.org_unit.path


class TaskEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "新增"
        EDIT = "edit", "修改"
        STATUS = "status", "状态变更"
        EVIDENCE = "evidence", "佐证"
        REMIND = "remind", "截止提醒"
        OVERDUE = "overdue", "逾期"

    task = models.ForeignKey(LedgerTask, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    from_status = models.CharField("原状态", max_length=10, blank=True)
    to_status = models.CharField("新状态", max_length=10, blank=True)
    reason = models.CharField("说明", max_length=500, blank=True)
    detail = models.JSONField("详情", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "task__org_unit__"

    class Meta:
        verbose_name = "台账记录"
        verbose_name_plural = "台账记录"
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "action", "reason"], condition=models.Q(action__in=["remind", "overdue"]),
                                    name="task_event_scheduled_once"),
        ]


class LedgerStats(models.Model):
    """Per year, one row per village, town, county, city and province (unit) and per area: exactly one of the two
    set. Updated in the transaction of each change; rebuilt by `fivestar rebuild-ledger-stats`."""

    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    by_status = models.JSONField(default=dict)
    open = models.PositiveIntegerField("未完成", default=0)
    overdue = models.PositiveIntegerField("逾期", default=0)
    total = models.PositiveIntegerField("合计", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "unit__"

    class Meta:
        verbose_name = "创建台账统计"
        verbose_name_plural = "创建台账统计"
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], condition=models.Q(unit__isnull=False), name="ledger_stats_unit"),
            models.UniqueConstraint(fields=["year", "area"], condition=models.Q(area__isnull=False), name="ledger_stats_area"),
        ]
