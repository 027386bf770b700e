"""The administrative hierarchy: province → city → county → town → village/community → villager group."""

from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.core.scoping import ScopedQuerySet

from .naming import COMMUNITY, RURAL, branch_type_for, display_name, pinyin_full, pinyin_initials


class Level(models.IntegerChoices):
    PROVINCE = 1, "省"
    CITY = 2, "市"
    COUNTY = 3, "县（区）"
    TOWN = 4, "乡镇（街道）"
    VILLAGE = 5, "村（社区）"
    GROUP = 6, "村民小组"


# Official statistical code length per level; villager groups extend their village's code by 3 digits.
CODE_LENGTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWN: 9, Level.VILLAGE: 12, Level.GROUP: 15}


class BranchType(models.TextChoices):
    RURAL = RURAL, "农村"
    COMMUNITY = COMMUNITY, "社区"


class Category(models.TextChoices):
    LEAD = "lead", "领航村"
    SPRINT = "sprint", "冲刺村"
    IMPROVE = "improve", "提升村"
    BASE = "base", "强基村"


class OrgUnitQuerySet(ScopedQuerySet):
    def under(self, unit: "OrgUnit", include_self: bool = True):
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        if text.isascii():
            text = text.lower()
            return self.filter(models.Q(pinyin__startswith=text) | models.Q(pinyin_full__startswith=text) | models.Q(code__startswith=text))
        return self.filter(models.Q(display_name__contains=text) | models.Q(name__contains=text))


class OrgUnit(models.Model):
    scope_via = ""

    code = models.CharField("代码", max_length=15, unique=True)
    name = models.CharField("名称", max_length=100)
    display_name = models.CharField("简称", max_length=100)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices, db_index=True)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField("路径", max_length=120, unique=True)
    branch_type = models.CharField("支部类型", max_length=12, choices=BranchType.choices, blank=True)
    branch_type_overridden = models.BooleanField("支部类型已手工指定", default=False)
    category = models.CharField("创建类别", max_length=12, choices=Category.choices, blank=True)
    area = models.ForeignKey("orgs.Area", verbose_name="片区", null=True, blank=True, on_delete=models.SET_NULL, related_name="villages")
    pinyin = models.CharField("拼音首字母", max_length=100, db_index=True, blank=True)
    pinyin_full = models.CharField("全拼", max_length=400, blank=True)
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["pinyin", "pinyin_full", "created_at", "updated_at"])
    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = "组织单位"
        verbose_name_plural = "组织单位"
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "code"]), models.Index(fields=["level", "path"])]

    def __str__(self):
        return self.display_name

    @property
    def is_branch(self) -> bool:
        return self.level == Level.VILLAGE

    @staticmethod
    def path_for(parent_path: str, code: str) -> str:
        return f"{parent_path or '/'}{code}/"

    def fill_derived(self):
        """Compute display name, pinyin and (unless overridden) branch type from the name."""
        if not self.display_name:
            self.display_name = display_name(self.name)
        self.pinyin = pinyin_initials(self.display_name)
        self.pinyin_full = pinyin_full(self.display_name)
        if self.level == Level.VILLAGE and not self.branch_type_overridden:
            self.branch_type = branch_type_for(self.name)
        if self.level != Level.VILLAGE:
            self.branch_type = ""
        self.path = self.path_for(self.parent.path if self.parent_id else "/", self.code)

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    @staticmethod
    def paths_above(path: str) -> list[str]:
        """`/41/4109/410928/` → ['/41/', '/41/4109/', '/41/4109/410928/'] (the unit itself included)."""
        codes = path.strip("/").split("/")
        return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]

    def ancestors(self):
        codes = [c for c in self.path.strip("/").split("/")][:-1]
        return OrgUnit.objects.filter(code__in=codes).order_by("level")

    def org_path_for_audit(self) -> str:
        return self.path


class Area(models.Model):
    """片区: a named group of one town's villages, owned by a section-level cadre (包片)."""

    scope_via = "town__"

    town = models.ForeignKey(OrgUnit, verbose_name="乡镇", on_delete=models.CASCADE, related_name="areas", limit_choices_to={"level": Level.TOWN})
    name = models.CharField("片区名称", max_length=50)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "片区"
        verbose_name_plural = "片区"
        ordering = ["town", "name"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="area_unique_name_per_town")]

    def __str__(self):
        return self.name

    def org_path_for_audit(self) -> str:
        return self.town.path
