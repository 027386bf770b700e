"""Projects villages publish for investment (项目推介), other villages' interest, agreements recorded by the town
(optionally at a 项目推介会), stage history, yearly returns per participating village (which flow into that
village's collective income), and the town/county incentive policy (rating → priority, funds, honours)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit


class Stage(models.TextChoices):
    PLANNED = "planned", "规划中"
    AGREED = "agreed", "已签约"
    BUILDING = "building", "在建"
    OPERATING = "operating", "运营中"


class Project(models.Model):
    village = models.ForeignKey(OrgUnit, verbose_name="发布村", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("项目名称", max_length=60)
    industry = models.CharField("产业（一村一品）", max_length=30)
    investment = models.DecimalField("所需投资（元）", max_digits=14, decimal_places=2)
    expected_return = models.DecimalField("预计年收益（元）", max_digits=14, decimal_places=2, default=0)
    stage = models.CharField("阶段", max_length=10, choices=Stage.choices, default=Stage.PLANNED)
    description = models.TextField("项目简介", blank=True)
    # Demo rows whose figures were invented are marked so pages say 示例.
    example = models.BooleanField("示例数据", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("发布时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = ScopedQuerySet.as_manager()
    scope_via = "village__"

    class Meta:
        verbose_name = "推介项目"
        verbose_name_plural = "推介项目"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["stage", "industry"], name="project_stage_industry")]

    def __str__(self):
        return self.name

    def org_path_for_audit(self) -> str:
        return self.village.path


class ProjectFile(models.Model):
    """A photo or document of a project, stored through rating's evidence store (type by content, EXIF stripped)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="files")
    evidence = models.ForeignKey("rating.Evidence", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["project", "evidence"], name="project_file_unique")]


class Interest(models.Model):
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="interests")
    village = models.ForeignKey(OrgUnit, verbose_name="意向投资村", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("拟投资金额（元）", max_digits=14, decimal_places=2)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ScopedQuerySet.as_manager()
    scope_via = "village__"

    class Meta:
        verbose_name = "投资意向"
        verbose_name_plural = "投资意向"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["project", "village"], name="interest_one_per_village")]

    def org_path_for_audit(self) -> str:
        return self.village.path


class Agreement(models.Model):
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="agreements")
    meeting = models.ForeignKey("meetings.Meeting", verbose_name="推介会", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    signed_on = models.DateField("签约日期")
    start_on = models.DateField("开工日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ScopedQuerySet.as_manager()
    scope_via = "project__village__"

    class Meta:
        verbose_name = "签约协议"
        verbose_name_plural = "签约协议"
        ordering = ["-signed_on", "-id"]

    def org_path_for_audit(self) -> str:
        return self.project.village.path


class Participant(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="participants")
    village = models.ForeignKey(OrgUnit, verbose_name="参与村", on_delete=models.PROTECT, related_name="+")
    share = models.DecimalField("股份比例（%）", max_digits=5, decimal_places=2)
    amount = models.DecimalField("出资金额（元）", max_digits=14, decimal_places=2, default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-share", "id"]
        constraints = [models.UniqueConstraint(fields=["agreement", "village"], name="participant_once")]

    def org_path_for_audit(self) -> str:
        return self.village.path


class ProjectReturn(models.Model):
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="returns")
    village = models.ForeignKey(OrgUnit, verbose_name="收益村", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("收益（元）", max_digits=14, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ScopedQuerySet.as_manager()
    scope_via = "village__"

    class Meta:
        verbose_name = "项目收益"
        verbose_name_plural = "项目收益"
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "village", "year"], name="return_once_per_year")]

    def org_path_for_audit(self) -> str:
        return self.village.path


class StageEvent(models.Model):
    """The project's history: published, interest, agreement, stage moves, returns — who and when."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    what = models.CharField("事项", max_length=200)
    stage = models.CharField("阶段", max_length=10, choices=Stage.choices, blank=True)
    date = models.DateField("日期")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]


class IncentivePolicy(models.Model):
    """A town's or county's 激励政策: per star rating, its priority in project support, funds and honours.

    `rules` maps the number of stars held ("0".."5") to {"priority": int (1 first), "funds": str, "honours": str}.
    A village follows its town's policy, else its county's."""

    org_unit = models.OneToOneField(OrgUnit, verbose_name="乡镇/县", on_delete=models.CASCADE, related_name="+")
    rules = models.JSONField("规则", default=dict)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "激励政策"
        verbose_name_plural = "激励政策"

    def org_path_for_audit(self) -> str:
        return self.org_unit.path
