"""庆祖镇's meetings of the current year (周调度、月总结), lived through the services with the clock pinned to each
meeting, so decisions' deadlines follow the meeting and their ledger tasks move in the past:

- a weekly dispatch series (every Thursday, 镇政府三楼会议室, the town's leaders and cadres as attendees): every
  Thursday of the year up to today is held (attendance with someone on leave or absent now and then, agenda, minutes,
  two decisions each, owned by the village's 包村干部 or secretary); next Thursday is planned;
- the decisions' tasks end in every state: most past ones done, some under way, a few left to go overdue (the daily
  job marks them), one cancelled with its reason, the recent ones not started;
- a monthly leadership summary (月总结) at the end of last month, held, with a decision;
- the briefings of the last dispatch meeting and of the monthly summary generated (Word and PDF) from the live data.

Loaded once: a town with a meeting series is left as it is.
"""

import datetime
import logging
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fivestar.meetings.models import Briefing, Decision, Meeting, MeetingKind, MeetingSeries
from fivestar.meetings.services import add_decision, create_meeting, save_meeting, save_series, set_attendance
from fivestar.meetings.services.briefing_job import generate
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person, Position
from fivestar.planning import services as ps
from fivestar.planning.models.ledger import TaskStatus

from .clock import at, pinned
from .qingzu import TOWN_CODE

log = logging.getLogger(__name__)
D = datetime.timedelta
MAX_MEETINGS = 60
AGENDA = "一、各包村干部汇报本周创建进展；二、通报督导问题整改和创建台账完成情况；三、研究解决存在的问题；四、安排下周重点工作。"
MINUTES = ["会议听取了各包村干部关于五星支部创建的进展汇报，通报了本周督导发现的问题。会议要求对逾期问题逐项销号。",
           "会议通报了创建台账推进情况，对进度滞后的村进行了点名。会议强调要对照差距清单，倒排工期、挂图作战。",
           "会议研究了人居环境整治和集体经济项目推进中的困难，明确了责任人和完成时限。",
           "会议传达了县委关于五星支部创建的部署要求，安排了自评申报和迎检准备工作。"]
DECISIONS = [("stjy", "集中清理{v}残垣断壁和坑塘垃圾"), ("cyxw", "推进{v}集体经济合作社项目签约"), ("paf", "完成{v}矛盾纠纷排查并建立台账"),
             ("wmxf", "组织{v}移风易俗宣传并评选文明家庭"), ("zbgy", "规范{v}“三会一课”记录"), ("stjy", "完成{v}主干道路灯安装")]


class MeetingsDemo:
    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.now = timezone.now() if self.today == timezone.localdate() else at(self.today, 12)
        self.year = self.today.year
        self.town = OrgUnit.objects.get(code=TOWN_CODE)
        self.rng = random.Random(f"qingzu-meetings-{self.year}")

    def step(self, day: datetime.date, hour: int = 9, minute: int = 0):
        return pinned(min(at(day, hour, minute), self.now - D(minutes=5)))

    def _thursdays(self) -> list[datetime.date]:
        day = datetime.date(self.year, 1, 1)
        day += D(days=(3 - day.weekday()) % 7)
        out = []
        while day <= self.today:
            out.append(day)
            day += D(days=7)
        return out[-MAX_MEETINGS:]

    def _villages(self) -> list[OrgUnit]:
        return list(OrgUnit.objects.filter(parent=self.town, level=Level.VILLAGE, active=True, branch_type="rural").order_by("code")) or \
            list(OrgUnit.objects.filter(parent=self.town, level=Level.VILLAGE, active=True).order_by("code"))

    def _hold(self, series, day, decisions: int, n: int) -> Meeting:
        with self.step(day, 8, 30):
            meeting = create_meeting(self.admin, series=series, date=day, agenda=AGENDA)
        with self.step(day, 11, 30):
            people = [a.person_id for a in meeting.attendance.all()]
            states = {}
            if people and n % 3 == 1:
                states[people[n % len(people)]] = "leave"
            if len(people) > 2 and n % 5 == 2:
                states[people[(n + 1) % len(people)]] = "absent"
            if states:
                set_attendance(self.admin, meeting, states)
            save_meeting(self.admin, meeting, minutes=MINUTES[n % len(MINUTES)], held=True)
            for k in range(decisions):
                village = self.villages[(n * 2 + k) % len(self.villages)]
                star, text = DECISIONS[(n + k) % len(DECISIONS)]
                owner = ps.suggested_owner(village) or self.leader
                add_decision(self.admin, meeting, text_value=text.format(v=village.name), owner=owner,
                             deadline=day + D(days=7 + 7 * ((n + k) % 3)), village=village, star_code=star)
        return meeting

    def _move(self, decisions: list[Decision]) -> None:
        """Past decisions' tasks: done (most), under way, left to go overdue, one cancelled; recent ones stay 未开始."""
        cancelled = False
        for n, d in enumerate(decisions):
            task = d.task
            if d.deadline >= self.today:
                if n % 4 == 0 and d.meeting.date < self.today:
                    with self.step(d.meeting.date + D(days=1), 10):
                        ps.set_task_status(task, self.admin, TaskStatus.DOING)
                continue
            roll = n % 10
            if roll == 9 and not cancelled:
                with self.step(d.deadline - D(days=2), 15):
                    ps.set_task_status(task, self.admin, TaskStatus.CANCELLED, reason="经镇党委研究，并入其他任务统一推进。")
                cancelled = True
            elif roll in (3, 7):
                continue  # left open: overdue once the daily job runs
            elif roll == 5:
                with self.step(d.meeting.date + D(days=2), 10):
                    ps.set_task_status(task, self.admin, TaskStatus.DOING)
            else:
                with self.step(d.deadline - D(days=3), 10):
                    task = ps.set_task_status(task, self.admin, TaskStatus.DOING)
                with self.step(d.deadline - D(days=1), 16):
                    ps.set_task_status(task, self.admin, TaskStatus.DONE, completed_on=d.deadline - D(days=1))

    def load(self) -> int:
        if MeetingSeries.objects.filter(org_unit=self.town).exists():
            return 0
        self.admin = get_user_model().objects.get(username="qingzu")
        self.villages = self._villages()
        staff = list(Person.objects.filter(org_unit=self.town, active=True,
                                           position__in=[Position.TOWN_LEADER, Position.TOWN_CADRE]).order_by("position", "id")[:10])
        self.leader = staff[0] if staff else None
        days = self._thursdays()
        with transaction.atomic():
            with self.step(days[0] if days else self.today, 8):
                dispatch = save_series(self.admin, unit=self.town, kind=MeetingKind.DISPATCH, place="镇政府三楼会议室", attendees=staff)
                monthly = save_series(self.admin, unit=self.town, kind=MeetingKind.MONTHLY, weekday=4, place="镇党委会议室",
                                      attendees=staff[:6])
            held = [self._hold(dispatch, day, 2, n) for n, day in enumerate(days)]
            last_month = self.today.replace(day=1) - D(days=1)
            summary = None
            if last_month.year == self.year:
                summary = self._hold(monthly, last_month - D(days=(last_month.weekday() - 4) % 7), 1, 7)
            with self.step(self.today, 8):
                upcoming = create_meeting(self.admin, series=dispatch, date=self.today + D(days=(3 - self.today.weekday()) % 7 or 7),
                                          agenda=AGENDA)
            self._move(list(Decision.objects.filter(meeting__org_unit=self.town).select_related("task", "meeting").order_by("meeting__date", "id")))
            for day in sorted({d for d in Decision.objects.filter(meeting__org_unit=self.town).values_list("deadline", flat=True) if d < self.today}):
                with self.step(day + D(days=1), 7):
                    ps.run_planning_daily(day + D(days=1))
        for meeting in [m for m in (held[-1] if held else None, summary, upcoming) if m is not None]:
            self._briefing(meeting)
        return Meeting.objects.filter(org_unit=self.town).count()

    def _briefing(self, meeting) -> None:
        briefing = Briefing.objects.create(meeting=meeting, status=Briefing.Status.RUNNING, requested_by=self.admin,
                                           heartbeat_at=timezone.now())
        try:
            generate(briefing)
        except Exception:  # noqa: BLE001 — a missing PDF renderer must not stop the demo: the row says why
            log.exception("demo briefing failed")
            Briefing.objects.filter(pk=briefing.pk).update(status=Briefing.Status.FAILED, error="生成失败：请在会议页面重新生成。")

    def summary(self) -> str:
        meetings = Meeting.objects.filter(org_unit=self.town)
        decisions = Decision.objects.filter(meeting__org_unit=self.town).select_related("task")
        label = dict(TaskStatus.choices)
        counts: dict[str, int] = {}
        for d in decisions:
            counts[label[d.task.status]] = counts.get(label[d.task.status], 0) + 1
        overdue = sum(1 for d in decisions if d.task.overdue)
        return (f"周调度会 {meetings.filter(kind=MeetingKind.DISPATCH).count()} 次、月总结会 {meetings.filter(kind=MeetingKind.MONTHLY).count()} 次，"
                f"议定事项 {len(decisions)} 项（" + "、".join(f"{k} {v}" for k, v in counts.items()) + f"；逾期 {overdue}），"
                f"简报 {Briefing.objects.filter(meeting__org_unit=self.town, status=Briefing.Status.DONE).count()} 份")
