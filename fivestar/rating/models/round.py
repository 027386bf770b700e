"""A rating round (评星周期): kind, period, frameworks, scope, stage deadlines, review levels."""

import datetime

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit
from fivestar.standards.models import FrameworkVersion

# Review levels after the town's first review; city and province are optional per round.
BASE_LEVELS = ["town", "county"]
OPTIONAL_LEVELS = ["city", "province"]
INDICATOR_YEAR_HELP = (
    "本周期读取哪一年的指标数据（如村集体经济收入）。默认取周期结束时已经过完的最近一个完整年度："
    "周期结束于 12 月 31 日则取当年，否则取上一年；若今天早于周期结束日，则按今天算（尚未过完的年度通常还没有数据）。"
)


def default_indicator_year(period_end: datetime.date, today: datetime.date | None = None) -> int:
    """The latest calendar year fully complete by the round's period end (or by today, if that is earlier):
    a round must not read a year that has barely begun, whose indicators nobody has recorded yet."""
    day = min(period_end, today) if today else period_end
    return day.year if (day.month, day.day) == (12, 31) else day.year - 1


LEVEL_LABELS = {"village": "村级自评", "town": "镇级初审", "county": "县级审核", "city": "市级复核", "province": "省级抽查"}


class Round(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", "年度评星"
        INTERIM = "interim", "动态评星（每两个月）"

    class ExpiredOutcome(models.TextChoices):
        KEEP = "keep", "保留上次认定的星"
        NONE = "none", "不授星（原有星级一并取消）"

    class Phase(models.TextChoices):
        DRAFT = "draft", "未开启"
        OPENING = "opening", "开启中"
        OPEN = "open", "自评与审核"
        NOTICE = "notice", "公示中"
        RECOGNISED = "recognised", "已认定"

    name = models.CharField("名称", max_length=80)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    # Which year's indicator values (collective income…) opening and every re-evaluation read.
    indicator_year = models.PositiveSmallIntegerField("指标数据年度", help_text=INDICATOR_YEAR_HELP)
    period_start = models.DateField("周期开始")
    period_end = models.DateField("周期结束")
    scope = models.ForeignKey(OrgUnit, verbose_name="范围", on_delete=models.PROTECT, related_name="rounds")
    rural_framework = models.ForeignKey(FrameworkVersion, verbose_name="农村标准", on_delete=models.PROTECT, related_name="+")
    community_framework = models.ForeignKey(FrameworkVersion, verbose_name="社区标准", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    previous = models.ForeignKey("self", verbose_name="上一周期", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    extra_levels = models.JSONField("增设审核层级", default=list, blank=True)
    self_deadline = models.DateField("村级自评截止")
    town_deadline = models.DateField("镇级初审截止")
    county_deadline = models.DateField("县级审核截止")
    extra_deadline = models.DateField("增设层级截止", null=True, blank=True)
    notice_days = models.PositiveSmallIntegerField("公示天数", default=7)
    # What 认定 gives a branch closed as 未按期完成 at a stage deadline (截止处理).
    expired_outcome = models.CharField("未按期完成的认定结果", max_length=8, choices=ExpiredOutcome.choices, default=ExpiredOutcome.KEEP,
                                       help_text="截止日期过后仍未完成的申报按“未按期完成”处理；认定时保留其上次认定的星，或不授星。")
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示结束", null=True, blank=True)
    phase = models.CharField("阶段", max_length=12, choices=Phase.choices, default=Phase.DRAFT)
    open_total = models.PositiveIntegerField("待创建数", default=0)
    open_done = models.PositiveIntegerField("已创建数", default=0)
    # While OPENING: when the worker last reported, and which run holds the job (a resumed run takes it over).
    heartbeat_at = models.DateTimeField("后台任务最近进展", null=True, blank=True)
    open_token = models.CharField("开启任务标识", max_length=32, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="开启人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recognised_at = models.DateTimeField("认定时间", null=True, blank=True)
    public_token = models.CharField("公示链接令牌", max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_via = "scope__"

    class Meta:
        verbose_name = "评星周期"
        verbose_name_plural = "评星周期"
        ordering = ["-period_start", "-id"]

    def __str__(self):
        return self.name

    @property
    def levels(self) -> list[str]:
        return BASE_LEVELS + [lvl for lvl in OPTIONAL_LEVELS if lvl in (self.extra_levels or [])]

    def framework_for(self, branch_type: str) -> FrameworkVersion | None:
        return self.community_framework if branch_type == "community" and self.community_framework_id else self.rural_framework

    def org_path_for_audit(self) -> str:
        return self.scope.path

