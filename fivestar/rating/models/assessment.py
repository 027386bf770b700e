"""One branch's assessment in one round: answers per level, evidence, workflow state, snapshot.

Answers live as JSON on the row (rule code → value), so saving one answer touches one row, opening a
round copies one row per branch, and the engine reads the row without joins.
"""

from django.conf import settings
from django.db import models

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit
from fivestar.standards.models import FrameworkVersion

from .round import Round


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "填报中"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    TOWN_APPROVED = "town_approved", "镇级初审通过"
    COUNTY_APPROVED = "county_approved", "县级审核通过"
    CITY_APPROVED = "city_approved", "市级复核通过"
    PROVINCE_APPROVED = "province_approved", "省级抽查通过"
    RECOGNISED = "recognised", "已认定"
    # Closed at a stage deadline (截止处理): the round's `expired_outcome` decides its stars at 认定;
    # the county may reverse it (back to `closed_from`).
    EXPIRED = "expired", "未按期完成"


APPROVED_BY_LEVEL = {
    "town": Status.TOWN_APPROVED,
    "county": Status.COUNTY_APPROVED,
    "city": Status.CITY_APPROVED,
    "province": Status.PROVINCE_APPROVED,
}
VILLAGE_EDITABLE = {Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED}
# What may block the notice: every status short of the round's last approval, except 未按期完成.
UNFINISHED = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED, Status.SUBMITTED, Status.TOWN_APPROVED,
              Status.COUNTY_APPROVED, Status.CITY_APPROVED]


class Assessment(models.Model):
    round = models.ForeignKey(Round, verbose_name="评星周期", on_delete=models.CASCADE, related_name="assessments")
    org_unit = models.ForeignKey(OrgUnit, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="assessments")
    # The branch's town, copied at opening: a town's rows are one indexed lookup at province scale.
    town = models.ForeignKey(OrgUnit, verbose_name="乡镇", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    framework = models.ForeignKey(FrameworkVersion, verbose_name="创建标准", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.NOT_STARTED, db_index=True)
    # rule code → value as the village entered it; per review level, the values that level changed.
    answers = models.JSONField("自评结果", default=dict, blank=True)
    notes = models.JSONField("说明", default=dict, blank=True)
    not_applicable = models.JSONField("不适用（细则→理由）", default=dict, blank=True)
    reviews = models.JSONField("审核改动（层级→细则→值）", default=dict, blank=True)
    evidence = models.JSONField("佐证（细则→佐证编号）", default=dict, blank=True)
    to_confirm = models.JSONField("沿用待确认细则", default=list, blank=True)
    veto_events = models.JSONField("否决事项（细则）", default=list, blank=True)
    applied_stars = models.JSONField("申报星", default=list, blank=True)
    return_comments = models.JSONField("退回意见", default=list, blank=True)
    # Cached evaluation of the values that count (highest level that reviewed each rule).
    rating = models.PositiveSmallIntegerField("星级", default=0)
    awarded = models.JSONField("达到的星", default=list, blank=True)
    star_scores = models.JSONField("各星得分", default=dict, blank=True)
    progress_done = models.PositiveSmallIntegerField("已填细则数", default=0)
    progress_total = models.PositiveSmallIntegerField("细则总数", default=0)
    approved_snapshot = models.JSONField("审核通过快照", default=dict, blank=True)
    modified_since_approval = models.BooleanField("审核通过后有改动", default=False)
    version = models.PositiveIntegerField("版本", default=1)
    # rule code → the `version` this assessment reached when that rule's value, note or 不适用 last changed
    # (at any level): a save conflicts only with a concurrent change to the rules it sends.
    rule_versions = models.JSONField("细则版本", default=dict, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    # 截止处理: the status it was closed from (reversal reopens it there), and a deadline the county set
    # for this one branch when reversing (the stage deadline no longer closes it before that day).
    closed_from = models.CharField("截止处理前状态", max_length=20, blank=True)
    deadline_override = models.DateField("单独截止日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="更新人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "评星申报"
        verbose_name_plural = "评星申报"
        constraints = [models.UniqueConstraint(fields=["round", "org_unit"], name="assessment_unique_per_round")]
        indexes = [models.Index(fields=["round", "status"]), models.Index(fields=["round", "town", "status"])]

    def __str__(self):
        return f"{self.org_unit.display_name} · {self.round.name}"

    def effective_answers(self, levels: list[str]) -> dict:
        """The value that counts per rule: that of the highest level that reviewed it."""
        values = dict(self.answers)
        for level in levels:
            values.update(self.reviews.get(level, {}))
        return values

    def org_path_for_audit(self) -> str:
        return self.org_unit.path

    @property
    def stage_display(self) -> str:
        """Where the branch stands, as the village reads it: the status while the round is open, then
        公示中 / 已认定 for the round's phase; 未按期完成 stays as it is."""
        if self.status == Status.EXPIRED:
            return Status.EXPIRED.label
        phase = self.round.phase
        if phase == "notice":
            return "公示中"
        if phase == "recognised":
            return "已认定"
        return self.get_status_display()

    @property
    def stage_code(self) -> str:
        if self.status != Status.EXPIRED and self.round.phase in ("notice", "recognised"):
            return self.round.phase
        return self.status


class AssessmentEvent(models.Model):
    """Every workflow step and every changed value: who, when, level, old, new, why."""

    class Action(models.TextChoices):
        OPENED = "opened", "创建"
        ANSWER = "answer", "填报"
        CONFIRM = "confirm", "确认沿用"
        EVIDENCE = "evidence", "佐证"
        SUBMIT = "submit", "提交"
        REVIEW_CHANGE = "review_change", "审核改值"
        RETURN = "return", "退回修改"
        APPROVE = "approve", "审核通过"
        REOPEN = "reopen", "重新打开"
        OBJECTION = "objection", "异议处理"
        RECOGNISE = "recognise", "认定"
        EXPIRE = "expire", "截止处理"
        RESTORE = "restore", "撤销截止处理"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    level = models.CharField("层级", max_length=10)
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    rule_code = models.CharField("细则", max_length=40, blank=True)
    old = models.JSONField("原值", null=True, blank=True)
    new = models.JSONField("新值", null=True, blank=True)
    reason = models.CharField("理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "申报记录"
        verbose_name_plural = "申报记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["assessment", "at"])]
