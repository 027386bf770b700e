"""Meetings of a town or county (周调度、月总结、季观摩、专题会): recurring series with their defaults, each meeting
with attendance, minutes and decisions (each decision a creation-ledger task), the briefing prepared from live data,
and every change kept as a MeetingEvent."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import OrgUnit
from fivestar.people.models import Person


class MeetingKind(models.TextChoices):
    DISPATCH = "dispatch", "周调度会"
    MONTHLY = "monthly", "月总结会"
    OBSERVATION = "observation", "季观摩会"
    SPECIAL = "special", "专题会议"
    PROMOTION = "promotion", "项目推介会"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "待召开"
    HELD = "held", "已召开"


WEEKDAYS = [(0, "星期一"), (1, "星期二"), (2, "星期三"), (3, "星期四"), (4, "星期五"), (5, "星期六"), (6, "星期日")]


class MeetingSeries(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name="召开单位", on_delete=models.PROTECT, related_name="meeting_series")
    kind = models.CharField("类型", max_length=12, choices=MeetingKind.choices, default=MeetingKind.DISPATCH)
    name = models.CharField("名称", max_length=100)
    weekday = models.PositiveSmallIntegerField("默认星期", choices=WEEKDAYS, default=3)
    place = models.CharField("默认地点", max_length=100, blank=True)
    attendees = models.ManyToManyField(Person, verbose_name="默认参会人员", blank=True, related_name="+")
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    # Who set up, changed or stopped a series is kept (操作记录); attendees are logged by the service.
    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "会议系列"
        verbose_name_plural = "会议系列"
        ordering = ["org_unit_id", "kind", "id"]

    def __str__(self):
        return self.name

    def org_path_for_audit(self) -> str:
        return self.org_unit.path


class Meeting(models.Model):
    series = models.ForeignKey(MeetingSeries, verbose_name="会议系列", null=True, blank=True, on_delete=models.PROTECT, related_name="meetings")
    org_unit = models.ForeignKey(OrgUnit, verbose_name="召开单位", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField("类型", max_length=12, choices=MeetingKind.choices, default=MeetingKind.SPECIAL)
    title = models.CharField("会议名称", max_length=120)
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    agenda = models.TextField("议程", blank=True)
    minutes = models.TextField("会议纪要", blank=True)
    status = models.CharField("状态", max_length=8, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["org_unit", "date"], name="meeting_unit_date"),
                   models.Index(fields=["series", "date"], name="meeting_series_date")]

    def __str__(self):
        return self.title

    def org_path_for_audit(self) -> str:
        return self.org_unit.path


class Attendance(models.Model):
    class State(models.TextChoices):
        PRESENT = "present", "出席"
        ABSENT = "absent", "缺席"
        LEAVE = "leave", "请假"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="+")
    state = models.CharField("出席情况", max_length=8, choices=State.choices, default=State.PRESENT)

    objects = ScopedQuerySet.as_manager()
    scope_via = "meeting__org_unit__"

    class Meta:
        verbose_name = "出席情况"
        verbose_name_plural = "出席情况"
        ordering = ["meeting_id", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once")]


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField("议定事项", max_length=200)
    owner = models.ForeignKey(Person, verbose_name="责任人", on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField("完成时限")
    village = models.ForeignKey(OrgUnit, verbose_name="落实村（社区）", on_delete=models.PROTECT, related_name="+")
    star_code = models.CharField("所属星", max_length=10)
    task = models.OneToOneField("planning.LedgerTask", verbose_name="台账任务", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "meeting__org_unit__"

    class Meta:
        verbose_name = "会议决定"
        verbose_name_plural = "会议决定"
        ordering = ["meeting_id", "id"]

    def __str__(self):
        return self.text


class Briefing(models.Model):
    """The briefing of one meeting, generated in the background (resumable) into a Word and a PDF file."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已生成"
        FAILED = "failed", "生成失败"

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="briefing")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED)
    step = models.PositiveSmallIntegerField("已完成步骤", default=0)
    steps = models.PositiveSmallIntegerField("步骤数", default=3)
    since = models.DateField("统计起始日", null=True, blank=True)
    until = models.DateField("统计截止日", null=True, blank=True)
    data = models.JSONField("简报数据", null=True, blank=True)
    docx = models.FileField("Word 文件", upload_to="briefings/", max_length=300, blank=True)
    pdf = models.FileField("PDF 文件", upload_to="briefings/", max_length=300, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "meeting__org_unit__"

    class Meta:
        verbose_name = "会议简报"
        verbose_name_plural = "会议简报"


class MeetingEvent(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("操作", max_length=20)
    detail = models.CharField("说明", max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_via = "meeting__org_unit__"

    class Meta:
        verbose_name = "会议记录"
        verbose_name_plural = "会议记录"
        ordering = ["at", "id"]
