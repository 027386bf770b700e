"""When a reviewer last looked at an assessment: what they saw then, so the page can mark what changed since."""

from django.conf import settings
from django.db import models

from .assessment import Assessment


class ReviewSeen(models.Model):
    """One row per reviewer and assessment, moved forward each time they open its review page.

    `seen_version` is the assessment's `version` and `seen_event` the id of its latest event at that moment:
    a rule changed since is one whose `rule_versions` entry is above `seen_version` or that has an event above
    `seen_event` by someone else."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="查看人", on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(Assessment, verbose_name="评星申报", on_delete=models.CASCADE, related_name="seen_by")
    seen_at = models.DateTimeField("查看时间")
    seen_version = models.PositiveIntegerField("查看时版本")
    seen_event = models.PositiveBigIntegerField("查看时最新记录", default=0)

    class Meta:
        verbose_name = "审核查看记录"
        verbose_name_plural = "审核查看记录"
        constraints = [models.UniqueConstraint(fields=["user", "assessment"], name="review_seen_unique")]

    def __str__(self):
        return f"{self.user_id} · {self.assessment_id} · v{self.seen_version}"
