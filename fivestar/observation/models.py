"""Quarterly observation (季观摩: events, score sheets, observers' scores, published rankings) and red and black
flags (红黑旗: a town's proposal per period, confirmed and published by the town)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit

DEFAULT_WEIGHTS = {"inspection": 40, "observation": 30, "rules": 30}


class FlagPeriod(models.TextChoices):
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"


class ObservationSettings(models.Model):
    """A town's settings (defaults when it has none)."""

    town = models.OneToOneField(OrgUnit, verbose_name="乡镇", on_delete=models.CASCADE, related_name="observation_settings")
    drop_extremes_min = models.PositiveSmallIntegerField("去掉最高最低分的最少观摩人数", default=5)
    flag_period = models.CharField("红黑旗评选周期", max_length=10, choices=FlagPeriod.choices, default=FlagPeriod.MONTH)
    red_count = models.PositiveSmallIntegerField("红旗数", default=3)
    black_count = models.PositiveSmallIntegerField("黑旗数", default=3)
    weights = models.JSONField("评选权重", default=dict, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "观摩与红黑旗设置"
        verbose_name_plural = "观摩与红黑旗设置"

    def org_path_for_audit(self) -> str:
        return self.town.path


class ObservationEvent(models.Model):
    class Status(models.TextChoices):
        SCORING = "scoring", "评分中"
        PUBLISHED = "published", "已发布"

    org_unit = models.ForeignKey(OrgUnit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="observation_events")
    title = models.CharField("名称", max_length=100)
    date = models.DateField("观摩日期")
    # The 季观摩会 at which the villages were visited (its page links back here).
    meeting = models.ForeignKey("meetings.Meeting", verbose_name="关联会议", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="observation_events")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SCORING)
    observers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="观摩评分人", blank=True, related_name="observation_events")
    villages = models.ManyToManyField(OrgUnit, verbose_name="观摩村", blank=True, related_name="observed_in")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "季度观摩"
        verbose_name_plural = "季度观摩"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["org_unit", "date"], name="obs_event_unit_date")]

    def __str__(self):
        return self.title

    def org_path_for_audit(self) -> str:
        return self.org_unit.path


class ScoreItem(models.Model):
    event = models.ForeignKey(ObservationEvent, on_delete=models.CASCADE, related_name="items")
    name = models.CharField("评分项目", max_length=60)
    weight = models.DecimalField("权重", max_digits=6, decimal_places=2)
    max_score = models.PositiveSmallIntegerField("满分", default=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]


class ObservationScore(models.Model):
    """One observer's score of one village on one item (0 … the item's 满分)."""

    event = models.ForeignKey(ObservationEvent, on_delete=models.CASCADE, related_name="scores")
    village = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    observer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(ScoreItem, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField("得分", max_digits=6, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "village", "observer", "item"], name="obs_score_unique")]

    def org_path_for_audit(self) -> str:
        return self.village.path


class RankingEntry(models.Model):
    """A published ranking row: kept in the village's history."""

    scope_via = "village__"

    event = models.ForeignKey(ObservationEvent, on_delete=models.CASCADE, related_name="ranking")
    village = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="observation_rankings")
    score = models.DecimalField("得分", max_digits=7, decimal_places=2, null=True)
    rank = models.PositiveSmallIntegerField("名次", null=True)
    observer_count = models.PositiveSmallIntegerField("评分人数", default=0)
    dropped_extremes = models.BooleanField("去掉最高最低分", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "village__code"]
        constraints = [models.UniqueConstraint(fields=["event", "village"], name="obs_rank_unique")]


class FlagRound(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "待确认"
        CONFIRMED = "confirmed", "已确认"
        PUBLISHED = "published", "已发布"

    scope_via = "town__"

    town = models.ForeignKey(OrgUnit, verbose_name="乡镇", on_delete=models.PROTECT, related_name="flag_rounds")
    period = models.CharField("周期", max_length=10, choices=FlagPeriod.choices, default=FlagPeriod.MONTH)
    period_start = models.DateField("起始日")
    period_end = models.DateField("截止日")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PROPOSED)
    weights = models.JSONField("评选权重", default=dict)
    red_count = models.PositiveSmallIntegerField("红旗数")
    black_count = models.PositiveSmallIntegerField("黑旗数")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField("提出时间", auto_now_add=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["proposed_at"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "红黑旗评选"
        verbose_name_plural = "红黑旗评选"
        ordering = ["-period_start", "town__code"]
        constraints = [models.UniqueConstraint(fields=["town", "period_start"], name="flag_round_unique_period")]

    def __str__(self):
        return f"{self.town.display_name} {self.period_label}红黑旗"

    @property
    def period_label(self) -> str:
        if self.period == FlagPeriod.QUARTER:
            return f"{self.period_start.year}年第{(self.period_start.month - 1) // 3 + 1}季度"
        return f"{self.period_start.year}年{self.period_start.month}月"

    def org_path_for_audit(self) -> str:
        return self.town.path


class Flag(models.TextChoices):
    RED = "red", "红旗"
    BLACK = "black", "黑旗"


class FlagEntry(models.Model):
    scope_via = "village__"

    round = models.ForeignKey(FlagRound, on_delete=models.CASCADE, related_name="entries")
    village = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="flag_entries")
    score = models.DecimalField("综合得分", max_digits=7, decimal_places=2)
    rank = models.PositiveSmallIntegerField("名次")
    flag = models.CharField("旗帜", max_length=6, choices=Flag.choices, blank=True)
    problems = models.PositiveIntegerField("人居环境问题数", default=0)
    observation_score = models.DecimalField("观摩得分", max_digits=7, decimal_places=2, null=True)
    rules_ratio = models.DecimalField("生态宜居星得分率", max_digits=5, decimal_places=2, null=True)
    attention = models.BooleanField("连续黑旗需关注", default=False)
    # What the rules proposed; `flag` differs from it only after a hand edit by the town (with its reason).
    proposed_flag = models.CharField("评选建议", max_length=6, choices=Flag.choices, blank=True)
    adjusted_reason = models.CharField("调整原因", max_length=200, blank=True)
    adjusted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="调整人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    adjusted_at = models.DateTimeField("调整时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "village__code"]
        constraints = [models.UniqueConstraint(fields=["round", "village"], name="flag_entry_unique")]
        indexes = [models.Index(fields=["village", "flag"], name="flag_entry_village_flag")]

    @property
    def adjusted(self) -> bool:
        return self.flag != self.proposed_flag


class FlagEvent(models.Model):
    """One step of a flag round (proposed, a village's flag changed by hand with its reason, confirmed, published):
    who, when, what. Kept when the town asks for a new proposal of the same period."""

    class Action(models.TextChoices):
        PROPOSE = "propose", "生成评选建议"
        ADJUST = "adjust", "手工调整"
        CONFIRM = "confirm", "确认"
        PUBLISH = "publish", "发布"

    scope_via = "round__town__"

    round = models.ForeignKey(FlagRound, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    village = models.ForeignKey(OrgUnit, verbose_name="村（社区）", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.CharField("说明", max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "红黑旗评选记录"
        verbose_name_plural = "红黑旗评选记录"
        ordering = ["at", "id"]
