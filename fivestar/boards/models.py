"""Kept board figures (挂图作战) per year and unit, from towns up to the province, and the towns waiting for a refresh."""

from django.db import models

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit


class BoardStats(models.Model):
    """One year's board figures of one unit (town, county, city or province).

    A town's row is computed from its villages (a few grouped queries per batch of towns), each row above as the sum
    of its children's rows (fivestar/boards/figures.py), when a change marked the town dirty, by the scheduler's pass,
    or by `fivestar rebuild-board-stats`: boards read these rows and never count villages per request."""

    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField("层级")
    # The unit's parent (None for the province): a unit's children are one indexed lookup.
    parent = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    figures = models.JSONField(default=dict)
    updated_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()
    scope_via = "unit__"

    class Meta:
        verbose_name = "挂图作战统计"
        verbose_name_plural = "挂图作战统计"
        constraints = [models.UniqueConstraint(fields=["year", "unit"], name="board_stats_unique")]
        indexes = [models.Index(fields=["year", "parent"], name="board_stats_children")]

    def __str__(self):
        return f"{self.year}/{self.unit_id}"


class BoardDirty(models.Model):
    """A town whose figures a committed change moved and no refresh has picked up yet. `version` grows with every
    mark, so a refresh removes the row only if nothing marked it again while it was computing."""

    town = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(default=1)
    marked_at = models.DateTimeField()
    # When a refresh last reported progress while this town waited (its heartbeat): a town marked long ago that no
    # refresh has worked on for JOB_STALL_SECONDS is stalled (a killed worker), and the worker's watchdog queues one.
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "待刷新的乡镇"
        verbose_name_plural = "待刷新的乡镇"
