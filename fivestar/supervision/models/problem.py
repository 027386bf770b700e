"""Problems found by supervision (问题清单), their rectification (整改) and every step of their life."""

from django.conf import settings
from django.db import models

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit
from fivestar.people.models import Person
from fivestar.rating.models import Evidence

from .inspection import Inspection
from .team import SupervisionTeam


class Severity(models.TextChoices):
    MINOR = "minor", "一般"
    GENERAL = "general", "较重"
    SERIOUS = "serious", "严重"


class ProblemStatus(models.TextChoices):
    PENDING = "pending", "待整改"
    RECTIFYING = "rectifying", "整改中"
    CHECKING = "checking", "待复查"
    CLOSED = "closed", "已销号"


OPEN_STATUSES = (ProblemStatus.PENDING, ProblemStatus.RECTIFYING, ProblemStatus.CHECKING)


class Problem(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="supervision_problems")
    inspection = models.ForeignKey(Inspection, verbose_name="发现于督导", null=True, blank=True, on_delete=models.SET_NULL, related_name="problems")
    team = models.ForeignKey(SupervisionTeam, verbose_name="督导组", null=True, blank=True, on_delete=models.SET_NULL, related_name="problems")
    star_code = models.CharField("所涉星", max_length=10, blank=True)
    rule_code = models.CharField("所涉细则", max_length=40, blank=True)
    description = models.TextField("问题描述")
    severity = models.CharField("严重程度", max_length=8, choices=Severity.choices, default=Severity.MINOR)
    responsible = models.ForeignKey(Person, verbose_name="整改责任人", null=True, blank=True, on_delete=models.SET_NULL, related_name="supervision_problems")
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.PENDING)
    # Kept by transitions and the daily job, so lists filter on it and counts move with it.
    overdue = models.BooleanField("已逾期", default=False)
    escalation_step = models.PositiveSmallIntegerField("已升级到", default=0, help_text="0 未升级；1 包村干部；2 包片领导；3 镇级管理员")
    photos = models.ManyToManyField(Evidence, verbose_name="问题照片", blank=True, related_name="+")
    client_uid = models.UUIDField("客户端编号", null=True, blank=True, unique=True)
    found_on = models.DateField("发现日期")
    rectifying_at = models.DateTimeField("开始整改时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交复查时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="销号人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "督导问题"
        verbose_name_plural = "督导问题"
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["org_unit", "status", "deadline"], name="problem_unit_status"),
            models.Index(fields=["team", "status", "deadline"], name="problem_team_status"),
            models.Index(fields=["status", "deadline"], name="problem_status_deadline"),
            models.Index(fields=["org_unit", "rule_code"], name="problem_unit_rule"),
        ]

    def __str__(self):
        return self.description[:30]

    def org_path_for_audit(self) -> str:
        return self.org_unit.path

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Rectification(models.Model):
    """One submission of rectification measures and the team's verdict on it (re-inspection, 再督导)."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", "待复查"
        ACCEPTED = "accepted", "已销号"
        REJECTED = "rejected", "已退回"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="rectifications")
    measures = models.TextField("整改措施")
    evidence = models.ManyToManyField(Evidence, verbose_name="整改佐证", blank=True, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    outcome = models.CharField("复查结果", max_length=10, choices=Outcome.choices, default=Outcome.WAITING)
    review_comment = models.TextField("复查意见", blank=True)
    review_photos = models.ManyToManyField(Evidence, verbose_name="复查照片", blank=True, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="复查人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField("复查时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "problem__org_unit__"

    class Meta:
        verbose_name = "整改记录"
        verbose_name_plural = "整改记录"
        ordering = ["submitted_at", "id"]


class ProblemEvent(models.Model):
    """Every step of a problem: who, when, from which status to which, and why."""

    class Action(models.TextChoices):
        CREATE = "create", "发现问题"
        EDIT = "edit", "修改"
        DEADLINE = "deadline", "调整期限"
        START = "start", "开始整改"
        SUBMIT = "submit", "提交复查"
        ACCEPT = "accept", "复查通过销号"
        REJECT = "reject", "复查退回"
        REMIND = "remind", "截止提醒"
        OVERDUE = "overdue", "逾期"
        ESCALATE = "escalate", "逾期升级"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    from_status = models.CharField("原状态", max_length=10, blank=True)
    to_status = models.CharField("新状态", max_length=10, blank=True)
    reason = models.CharField("说明", max_length=500, blank=True)
    detail = models.JSONField("详情", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "problem__org_unit__"

    class Meta:
        verbose_name = "问题记录"
        verbose_name_plural = "问题记录"
        ordering = ["at", "id"]
        # Idempotent scheduled steps: one reminder / overdue / escalation step per problem.
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "action", "to_status", "reason"],
                condition=models.Q(action__in=["remind", "overdue", "escalate"]),
                name="problem_event_scheduled_once",
            )
        ]
