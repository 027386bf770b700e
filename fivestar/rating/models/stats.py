"""Kept figures of a round per org unit, at every level from the round's scope down to its towns."""

from django.db import models

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit

from .round import Round


class RoundUnitStats(models.Model):
    """One round's figures for one unit (town, county, city or province inside the round's scope).

    A town's row counts its branches; every row above is the sum of its children's rows. Both are updated in
    the transaction of the change that moves them (fivestar/rating/stats.py) and rebuilt by
    `fivestar rebuild-round-stats`, so no page sums towns or villages per request.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="unit_stats")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField("层级")
    # The unit's parent inside the round (None for the round's scope): a unit's children are one indexed lookup.
    parent = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    by_status = models.JSONField(default=dict)
    by_rating = models.JSONField(default=dict)
    # Branches by 创建类别 (lead, sprint, improve, base; "" when not set) and how many are communities.
    by_category = models.JSONField(default=dict)
    community = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "unit__"

    class Meta:
        verbose_name = "评星统计"
        verbose_name_plural = "评星统计"
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="round_unit_stats_unique")]
        indexes = [models.Index(fields=["round", "parent"], name="round_unit_stats_children")]

    def __str__(self):
        return f"{self.round_id}/{self.unit_id}"

    FIGURES = ("by_status", "by_rating", "by_category", "community", "total")

    def figures(self) -> dict:
        return {name: getattr(self, name) for name in self.FIGURES}
