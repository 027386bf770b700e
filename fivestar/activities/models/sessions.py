import secrets

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit
from fivestar.people.models import Person

from .base import UnitRecord


class ActivityKind(models.Model):
    """A town's kinds of activity (a town setting). `code` ties a kind to the indicators that count it."""

    class Code(models.TextChoices):
        LABOUR = "labour", "志愿劳动"
        NIGHT_SCHOOL = "night_school", "夜校"
        PARTY_DAY = "party_day", "主题党日"
        OTHER = "other", "其他"

    town = models.ForeignKey(OrgUnit, verbose_name="乡镇", on_delete=models.CASCADE, related_name="activity_kinds")
    name = models.CharField("活动类型", max_length=30)
    code = models.CharField("计入指标", max_length=20, choices=Code.choices, default=Code.OTHER)
    active = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope_via = "town__"

    class Meta:
        verbose_name = "活动类型"
        verbose_name_plural = "活动类型"
        ordering = ["town_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="activity_kind_unique_name")]

    def __str__(self):
        return self.name

    def org_path_for_audit(self) -> str:
        return self.town.path


def new_token() -> str:
    return secrets.token_urlsafe(16)


class ActivitySession(UnitRecord):
    """One activity held by a village (a labour day, a night-school class, a themed Party day)."""

    kind = models.ForeignKey(ActivityKind, verbose_name="活动类型", on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField("活动日期")
    title = models.CharField("活动内容", max_length=100)
    location = models.CharField("地点", max_length=60, blank=True)
    expected = models.PositiveIntegerField("应到人数", default=0)
    attended = models.PositiveIntegerField("实到人数", default=0, editable=False)  # kept with each attendance
    qr_token = models.CharField("签到码", max_length=32, unique=True, default=new_token, editable=False)

    history = HistoricalRecords(excluded_fields=["created_at", "attended"])

    class Meta:
        verbose_name = "活动记录"
        verbose_name_plural = "活动记录"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["org_unit", "date"], name="act_session_unit_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def rate(self):
        return round(100 * self.attended / self.expected, 1) if self.expected else None


class Attendance(models.Model):
    class Method(models.TextChoices):
        LIST = "list", "名单登记"
        QR = "qr", "扫码签到"

    session = models.ForeignKey(ActivitySession, verbose_name="活动", on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, verbose_name="参加人", on_delete=models.PROTECT, related_name="+")
    method = models.CharField("签到方式", max_length=10, choices=Method.choices, default=Method.LIST)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["recorded_at"])
    objects = ScopedQuerySet.as_manager()
    scope_via = "session__org_unit__"

    class Meta:
        verbose_name = "活动签到"
        verbose_name_plural = "活动签到"
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="attendance_unique_person")]

    @property
    def org_unit_id(self):
        """The village the attendance belongs to, so 操作记录 scopes its history events like the session's."""
        return self.session.org_unit_id

    def org_path_for_audit(self) -> str:
        return self.session.org_unit.path
