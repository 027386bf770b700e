from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.people.models import Person

from .base import UnitRecord


class Award(UnitRecord):
    """评优评先: a person of the village named e.g. 好媳妇, 最美邻里, 致富能手 in a year."""

    CATEGORIES = ["好媳妇", "好婆婆", "最美邻里", "致富能手", "优秀党员", "五好家庭", "孝老爱亲"]

    person = models.ForeignKey(Person, verbose_name="人员", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    person_name = models.CharField("姓名", max_length=30)
    category = models.CharField("评选类别", max_length=30)
    year = models.PositiveSmallIntegerField("年度")
    note = models.CharField("备注", max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = "评优评先"
        verbose_name_plural = "评优评先"
        ordering = ["-year", "org_unit__path", "category", "id"]
        indexes = [models.Index(fields=["org_unit", "year"], name="act_award_unit_year")]

    def __str__(self):
        return f"{self.year}年 {self.category} {self.person_name}"


class Honour(UnitRecord):
    """An honour held by a village (全国文明村, 省级森林乡村…), with the certificate scan as evidence."""

    class Level(models.TextChoices):
        NATIONAL = "national", "国家级"
        PROVINCIAL = "provincial", "省级"
        CITY = "city", "市级"
        COUNTY = "county", "县级"

    title = models.CharField("荣誉称号", max_length=100)
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    issuer = models.CharField("授予单位", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    certificate = models.ForeignKey("rating.Evidence", verbose_name="证书扫描件", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("备注", max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = "村级荣誉"
        verbose_name_plural = "村级荣誉"
        ordering = ["-year", "org_unit__path", "id"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "title", "year"], name="honour_unique_title_year")]

    def __str__(self):
        return f"{self.title}（{self.get_level_display()}，{self.year}）"
