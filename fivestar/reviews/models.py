"""Review packs (a person's year, computed from the records), their adjustments, a unit's scoring settings, exports."""

from django.conf import settings
from django.db import models

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit
from fivestar.people.models import Person


class PackKind(models.TextChoices):
    SECRETARY = "secretary", "村党支部书记"
    CADRE = "cadre", "包村（包片）干部"


class Grade(models.TextChoices):
    GOOD = "好", "好"
    FAIRLY_GOOD = "较好", "较好"
    AVERAGE = "一般", "一般"
    POOR = "差", "差"


class ReviewSettings(models.Model):
    """A town's or a county's scoring items (weights) and grade thresholds; a town without its own reads its county's,
    and without either the defaults in scoring.py apply."""

    unit = models.OneToOneField(OrgUnit, verbose_name="单位", on_delete=models.CASCADE, related_name="review_settings")
    weights = models.JSONField("评分项目权重", default=dict)
    thresholds = models.JSONField("等次分数线", default=dict)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "unit__"

    class Meta:
        verbose_name = "述职考核设置"
        verbose_name_plural = "述职考核设置"

    def __str__(self):
        return f"{self.unit.display_name}述职考核设置"


class ReviewPack(models.Model):
    """One person's review for a year: the computed snapshot (figures per item), score, computed grade, and the final
    grade after a reviewer's adjustment. Recomputing replaces the snapshot and keeps the adjustment."""

    town = models.ForeignKey(OrgUnit, verbose_name="乡镇", on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, verbose_name="所在单位", on_delete=models.CASCADE, related_name="review_packs")
    person = models.ForeignKey(Person, verbose_name="述职人", on_delete=models.CASCADE, related_name="review_packs")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("类别", max_length=10, choices=PackKind.choices)
    villages = models.JSONField("联系村（社区）", default=list)
    snapshot = models.JSONField("计算结果", default=dict)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, default=0)
    computed_grade = models.CharField("计算等次", max_length=4, choices=Grade.choices)
    grade = models.CharField("最终等次", max_length=4, choices=Grade.choices)
    rank = models.PositiveSmallIntegerField("镇内名次", null=True)
    comment = models.TextField("考核意见", blank=True)
    adjusted_level = models.PositiveSmallIntegerField("调整人层级", null=True, blank=True)
    computed_at = models.DateTimeField("计算时间")
    version = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()
    scope_via = "org_unit__"

    class Meta:
        verbose_name = "述职考核材料"
        verbose_name_plural = "述职考核材料"
        ordering = ["town_id", "year", "kind", "rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["person", "year", "kind"], name="review_pack_unique")]
        indexes = [models.Index(fields=["town", "year", "kind", "rank"])]

    def __str__(self):
        return f"{self.person.name}{self.year}年度述职考核"

    @property
    def adjusted(self) -> bool:
        return self.grade != self.computed_grade


class ReviewAdjustment(models.Model):
    """A reviewer's comment and grade change with its reason; every one is kept."""

    pack = models.ForeignKey(ReviewPack, on_delete=models.CASCADE, related_name="adjustments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="考核人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)
    level = models.PositiveSmallIntegerField("考核人层级")
    from_grade = models.CharField("原等次", max_length=4)
    to_grade = models.CharField("调整后等次", max_length=4)
    reason = models.CharField("调整理由", max_length=500, blank=True)
    comment = models.TextField("考核意见", blank=True)
    score = models.DecimalField("当时得分", max_digits=6, decimal_places=2, default=0)

    class Meta:
        verbose_name = "述职考核调整"
        verbose_name_plural = "述职考核调整"
        ordering = ["-at", "-pk"]


class ReviewExport(models.Model):
    """A town's packs as Word or PDF for the review meeting, made in the background (resumable: see exports_jobs.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    class Kind(models.TextChoices):
        DOCX = "docx", "Word 文档"
        PDF = "pdf", "PDF 文档"

    unit = models.ForeignKey(OrgUnit, verbose_name="乡镇", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("格式", max_length=8, choices=Kind.choices)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("总步数", default=0)
    done = models.PositiveIntegerField("已完成步数", default=0)
    file = models.FileField("文件", upload_to="review-exports/", max_length=300, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("后台任务最近进展", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "unit__"

    class Meta:
        verbose_name = "述职考核材料导出"
        verbose_name_plural = "述职考核材料导出"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="review_export_active")]

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
