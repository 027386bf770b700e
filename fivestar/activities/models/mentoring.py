from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.people.models import Person

from .base import UnitRecord


class MentoringPair(UnitRecord):
    """导师帮带制: a mentor secretary paired with a mentee (the mentee's village owns the record)."""

    class Kind(models.TextChoices):
        SECRETARY = "secretary", "支书带支书"
        STRONG_WEAK = "strong_weak", "强带弱"
        OLD_NEW = "old_new", "老带新"

    mentor = models.ForeignKey(Person, verbose_name="导师", on_delete=models.PROTECT, related_name="+")
    mentee = models.ForeignKey(Person, verbose_name="帮带对象", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("帮带方式", max_length=20, choices=Kind.choices, default=Kind.SECRETARY)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    meetings_held = models.PositiveIntegerField("帮带次数", default=0)
    note = models.CharField("备注", max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = "导师帮带结对"
        verbose_name_plural = "导师帮带结对"
        ordering = ["org_unit__path", "-start", "id"]

    def __str__(self):
        return f"{self.mentor} → {self.mentee}"
