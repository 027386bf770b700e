"""Kept counts of open and overdue problems, so lists and boards never count problem rows per request."""

from django.db import models

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import Area, OrgUnit

from .team import SupervisionTeam


class ProblemStats(models.Model):
    """One row per village, town, county, city and province (unit), per area (area) and per team (team): exactly
    one of the three is set. Updated in the transaction of the change that moves the figures; rebuilt by
    `fivestar rebuild-problem-stats`."""

    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(SupervisionTeam, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Counts by status ({"pending": 3, ...}) and of open problems past their deadline.
    by_status = models.JSONField(default=dict)
    open = models.PositiveIntegerField("未销号", default=0)
    overdue = models.PositiveIntegerField("逾期", default=0)
    total = models.PositiveIntegerField("合计", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "unit__"

    class Meta:
        verbose_name = "督导问题统计"
        verbose_name_plural = "督导问题统计"
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=models.Q(unit__isnull=False), name="problem_stats_unit"),
            models.UniqueConstraint(fields=["area"], condition=models.Q(area__isnull=False), name="problem_stats_area"),
            models.UniqueConstraint(fields=["team"], condition=models.Q(team__isnull=False), name="problem_stats_team"),
        ]
