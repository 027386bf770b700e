"""庆祖镇's supervision (督导) since 1 January of the current year, lived day by day through the services.

Two teams (第一督导组, 第二督导组), each led by a 包片领导 with town cadres as members (`dudao` is in the first), the
town's villages split between them by code; the town's settings (each village visited at least every 3 weeks) and
the weekly plan. Every week up to last week each team inspects that week's planned villages (Tuesday, Thursday) and
records what it finds, with photos; the village secretary starts the rectification and submits the measures with a
photo of the result; the team re-inspects within days and signs it off (销号), or rejects it once (退回) and signs it
off after the village's second try. Some villages are late: their problems go overdue and escalate (包村干部 →
包片领导 → 镇级管理员) by the daily job, run for every day as the scheduled job would have, before they are signed off;
a few are still open, overdue and escalated. Last week's problems are pending, being rectified, or waiting for
re-inspection. The open problems of 西辛庄村, 东台上村 and 常寨村 name a rule of the current round's framework, so
the review page's 督导 section shows them.

Every step runs with the clock pinned to its moment (`clock.pinned`): the services decide by today's date (overdue,
the daily job), so the story is lived in order instead of stamped afterwards. Photos are small generated JPEGs
labelled 示例照片. Loaded once: a town that already has supervision teams is left as it is.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.inbox.models import Notification
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Duty, Person, Position, Responsibility, RoleAssignment
from fivestar.rating.models import Assessment, Round
from fivestar.rating.services.evidence import store_evidence
from fivestar.standards.models import FrameworkVersion
from fivestar.supervision import services as sv
from fivestar.supervision.models import Inspection, Problem, ProblemEvent, SupervisionTeam
from fivestar.supervision.models.problem import OPEN_STATUSES, ProblemStatus

from .clock import InterimPeriod, at, pinned
from .photos import example_upload
from .qingzu import TOWN_CODE

D = datetime.timedelta
FEATURED = {"西辛庄村": "rectifying", "东台上村": "checking", "常寨村": "pending"}  # open, linked to a current-round rule
STUCK = ["西辛庄村", "潘家村", "水屯村"]  # never rectified in time: open, overdue, escalated
# (description, star, rule, severity): what a weekly visit finds; rules of the shipped rural framework.
FINDINGS = [
    ("村内主干道两侧柴草堆、垃圾堆未清理到位", "stjy", "stjy-01-01", "minor"),
    ("村西废弃坑塘边残垣断壁未拆除", "stjy", "stjy-03-01", "general"),
    ("垃圾收集点满溢，保洁员未按时清运", "stjy", "stjy-05-02", "minor"),
    ("“三会一课”会议记录不完整，缺本月支委会记录", "zbgy", "zbgy-04-01", "general"),
    ("党费收缴台账未及时登记", "zbgy", "zbgy-03-01", "minor"),
    ("党群服务中心代办事项未公开上墙", "zbgy", "zbgy-05-02", "minor"),
    ("本月矛盾纠纷排查台账未建立", "paf", "paf-02-01", "general"),
    ("村综治中心无人值守", "paf", "paf-03-01", "general"),
    ("村内电线私拉乱接，存在安全隐患", "paf", "paf-05-01", "serious"),
    ("村规民约修订后未公示", "wmxf", "wmxf-01-01", "minor"),
    ("文化广场健身器材损坏未维修", "wmxf", "wmxf-05-01", "minor"),
    ("集体土地流转合同未备案", "cyxw", "cyxw-06-01", "general"),
    ("村务公开栏内容未按季度更新", "", "", "minor"),
    ("村委会院内户外广告牌破损，有坠落隐患", "", "", "serious"),
]
MEASURES = ["已组织人员清理整改到位，落实专人负责，附整改后照片。", "已补齐相关台账和记录，支委会专题研究，建立长效机制。",
            "已完成维修并张贴公示，安排网格员每周巡查。"]
REJECT = "现场复查仍有部分未整改到位，请继续整改并补充整改后照片。"
ACCEPT = "现场复查已整改到位，同意销号。"


@dataclass
class Story:
    """One problem's planned life (days); what falls on or after today has not happened yet."""
    start: datetime.date | None = None
    submit: datetime.date | None = None
    review: datetime.date | None = None
    reject: bool = False
    resubmit: datetime.date | None = None
    final: datetime.date | None = None


class SupervisionDemo:
    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.now = timezone.now() if self.today == timezone.localdate() else at(self.today, 12)
        self.town = OrgUnit.objects.get(code=TOWN_CODE)
        self.villages = list(OrgUnit.objects.filter(parent=self.town, level=Level.VILLAGE).order_by("code"))
        self.rng = random.Random(f"qingzu-supervision-{self.today.year}")
        self.agenda: dict[datetime.date, list] = defaultdict(list)
        self.photo_seed = 0
        self.stuck: set[str] = set()
        self.job_days: set[datetime.date] = set()  # days the daily job may have something to do

    # --- set-up: accounts, settings, teams, plan ------------------------------------------------------------

    @staticmethod
    def _accounts(wanted: list[tuple[str, str, OrgUnit, Person]]) -> dict[int, object]:
        """Passwordless accounts (nobody logs in as them) for people who take steps in the story, in bulk:
        (username, role, unit, person) → person id → account."""
        User = get_user_model()
        existing = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
        fresh = [User(username=name, password=make_password(None)) for name, *_ in wanted if name not in existing]
        existing |= {u.username: u for u in User.objects.bulk_create(fresh)}
        RoleAssignment.objects.bulk_create([RoleAssignment(user=existing[name], role=role, org_unit=unit)
                                            for name, role, unit, _ in wanted], ignore_conflicts=True)
        for name, _, _, person in wanted:
            if person.user_id is None:
                Person.objects.filter(pk=person.pk).update(user=existing[name])
                person.user = existing[name]
        return {person.pk: person.user for *_, person in wanted}

    def _people(self):
        User = get_user_model()
        self.admin = User.objects.get(username="qingzu")
        dudao = User.objects.get(username="dudao")
        cadres = list(Person.objects.filter(org_unit=self.town, position=Position.TOWN_CADRE, note="").order_by("pk"))
        leaders = {r.area.name: r.person for r in Responsibility.objects.filter(duty=Duty.AREA, org_unit=self.town).select_related("area", "person")}
        second = leaders["郑寨片区"]
        self.teams_people = [(leaders["还城片区"], [dudao.person, *cadres[0:2]]), (second, cadres[2:4])]
        secretaries = list(Person.objects.filter(org_unit__in=self.villages, position=Position.SECRETARY).select_related("org_unit", "user"))
        wanted = [("qz-dudao2", Role.SUPERVISOR, self.town, second)]
        wanted += [(f"qz-{p.org_unit.code[-3:]}", Role.VILLAGE_CADRE, p.org_unit, p) for p in secretaries if p.user_id is None]
        accounts = self._accounts(wanted)
        self.recorders = [dudao, accounts[second.pk]]
        self.village_users = {p.org_unit_id: p.user or accounts[p.pk] for p in secretaries}

    def _rules(self) -> dict[int, tuple[set[str], set[str]]]:
        """village id → (rule codes of its framework, stars it applied for) in the current round (none outside it)."""
        period = InterimPeriod.containing(self.today)
        rnd = Round.objects.filter(scope=self.town, name=period.name).first()
        rows = list(Assessment.objects.filter(round=rnd).values_list("org_unit_id", "framework_id", "applied_stars"))
        frameworks = {f.pk: set(f.compiled().rules_by_code) for f in FrameworkVersion.objects.filter(pk__in={f for _, f, _ in rows})}
        return {unit: (frameworks[f], set(applied or ())) for unit, f, applied in rows}

    def _setup(self, start_week: datetime.date):
        with pinned(at(start_week - D(days=3), 9)):
            sv.save_settings(self.admin, self.town, visit_within_weeks=3, reminder_days_before=2,
                             deadline_days={"minor": 15, "general": 10, "serious": 5}, escalation_days=[1, 3, 7])
            half = (len(self.villages) + 1) // 2
            self.teams = [
                sv.save_team(self.admin, unit=self.town, name=name, leader=leader, members=members, villages=villages,
                             note=note)
                for name, (leader, members), villages, note in zip(
                    ["第一督导组", "第二督导组"], self.teams_people, [self.villages[:half], self.villages[half:]],
                    ["每周二督导，负责庆祖中心片区", "每周四督导，负责还城、郑寨、武陵片区"])
            ]
            weeks = (sv.monday(self.today) - start_week).days // 7 + 3
            for team, user in zip(self.teams, self.recorders):
                for first in range(0, weeks, 52):
                    sv.generate_plan(team, user, start_week + D(weeks=first), min(52, weeks - first))

    # --- the story ---------------------------------------------------------------------------------------------

    def load(self) -> int:
        """Build the story if the town has no teams yet; returns the number of problems recorded."""
        if SupervisionTeam.objects.filter(org_unit=self.town).exists():
            return 0
        start = datetime.date(self.today.year, 1, 1)
        if (self.today - start).days < 56:  # early in January: show the last eight weeks instead
            start = self.today - D(days=56)
        start_week = sv.monday(start)
        last_week = sv.monday(self.today) - D(weeks=1)
        with transaction.atomic():
            self._people()
            self.rules = self._rules()
            self._setup(start_week)
            inspections = {}
            week = start_week
            while week <= last_week:
                for offset, team, user in ((1, self.teams[0], self.recorders[0]), (3, self.teams[1], self.recorders[1])):
                    if week + D(days=offset) >= start:
                        inspections[week + D(days=offset)] = (team, user)
                week += D(weeks=1)
            self.last_inspections = sorted(inspections)[-2:]
            day = start
            while day <= self.today:
                if day in self.job_days and self._job_has_work(day):
                    with pinned(min(at(day, 7), self.now)):
                        sv.run_daily(day)
                if day in inspections and day < self.today:
                    self._inspect(day, *inspections[day])
                for hour, minute, step in sorted(self.agenda.pop(day, []), key=lambda s: s[:2]):
                    if day < self.today:
                        with pinned(at(day, hour, minute)):
                            step()
                day += D(days=1)
            # What reached people more than a week ago has been read.
            Notification.objects.filter(url__startswith="/supervision/", org_unit__path__startswith=self.town.path,
                                        created_at__lt=at(self.today - D(days=7), 0), read_at__isnull=True
                                        ).update(read_at=F("created_at") + D(hours=3))
        return Problem.objects.filter(org_unit__parent=self.town).count()

    def summary(self) -> str:
        """What the story left, in words, for load_demo."""
        problems = Problem.objects.filter(org_unit__parent=self.town)
        label = dict(ProblemStatus.choices)
        counts = "、".join(f"{label[s]} {problems.filter(status=s).count()}" for s in ProblemStatus.values)
        inspections = Inspection.objects.filter(org_unit=self.town).count()
        return f"2 个督导组，{inspections} 次督导，{problems.count()} 个问题（{counts}；逾期 {problems.filter(overdue=True, status__in=OPEN_STATUSES).count()}）"

    def _job_has_work(self, day) -> bool:
        """Whether the daily job has anything to do on `day`: a reminder not yet sent, an open problem past its
        deadline not yet marked, an escalation step due (1, 3 and 7 days past). On other days it changes nothing,
        so it is not run for them."""
        open_ = Problem.objects.filter(org_unit__parent=self.town, status__in=OPEN_STATUSES)
        remind = (Q(status__in=["pending", "rectifying"], deadline__range=(day, day + D(days=2)))
                  & ~Q(pk__in=ProblemEvent.objects.filter(action="remind").values("problem_id")))
        late = Q(overdue=False, deadline__lt=day)
        escalate = Q(escalation_step=0, deadline__lte=day - D(days=1)) | Q(escalation_step=1, deadline__lte=day - D(days=3)) \
            | Q(escalation_step=2, deadline__lte=day - D(days=7))
        return open_.filter(remind | late | escalate).exists()

    def _inspect(self, day, team, user):
        planned = set(team.plan.filter(week_start=sv.monday(day)).values_list("village_id", flat=True))
        villages = [v for v in self.villages if v.pk in planned]
        final = day in self.last_inspections
        if len(villages) > 3 and not final and self.rng.random() < 0.2:  # now and then a planned village is missed
            villages.pop(self.rng.randrange(len(villages)))
        if final:  # the featured villages are visited in the last week, whatever the plan
            villages += [v for v in self.villages if v.display_name in FEATURED and v not in villages
                         and team.villages.filter(pk=v.pk).exists()]
        if not villages:
            return
        with pinned(at(day, 9)):
            inspection = sv.record_inspection(
                user, team, date=day, kind="routine", villages=villages,
                notes=f"{team.name}对{len(villages)}个村（社区）开展常态化周督导，现场查看人居环境、阵地建设和台账资料。",
                photos=[self._store(self.town, user, f"{team.name}-现场")] if day.isocalendar().week % 4 == 1 else ())
        minute = 30
        for village in villages:
            found = self._findings(village, day, final)
            for description, star, rule, severity, story in found:
                with pinned(at(day, 10 + minute // 60, minute % 60)):
                    problem = sv.create_problem(
                        user, village, description=description, severity=severity, star_code=star, rule_code=rule,
                        inspection=inspection, photos=[self._store(village, user, "问题")] if self.rng.random() < 0.5 else ())
                minute += 7
                self._schedule(problem, story, user)
                self.job_days |= {problem.deadline + D(days=n) for n in (-2, -1, 0, 1, 3, 7)}

    def _findings(self, village, day, final) -> list[tuple]:
        """What the visit finds in one village, each with its story."""
        rules, applied = self.rules.get(village.pk, (set(), set()))
        name = village.display_name
        weeks_ago = (self.today - day).days // 7
        out = []
        if final and name in FEATURED:
            out.append(self._featured(village, day, rules, applied))
        elif name in STUCK and 4 <= weeks_ago <= 6 and name not in self.stuck:
            self.stuck.add(name)
            description, star, rule, severity = FINDINGS[STUCK.index(name) + 3]
            out.append((description, star if rule in rules else "", rule if rule in rules else "", severity,
                        Story(start=day + D(days=3)) if name != "水屯村" else Story()))
        elif self.rng.random() < 0.06:
            description, star, rule, severity = self.rng.choice(FINDINGS)
            if rule and village.branch_type != "rural":
                star = rule = ""
            out.append((description, star, rule, severity, self._story(day, severity, final)))
        return out

    def _featured(self, village, day, rules, applied) -> tuple:
        """An open problem on a rule of a star the village applied for (or any of its rules), for the review page."""
        state = FEATURED[village.display_name]
        choices = [f for f in FINDINGS if f[2] in rules and f[1] in applied] or [f for f in FINDINGS if f[2] in rules] or FINDINGS[-2:]
        description, star, rule, _ = choices[len(village.display_name) % len(choices)]
        story = {"pending": Story(), "rectifying": Story(start=day + D(days=1)),
                 "checking": Story(start=day + D(days=1), submit=min(day + D(days=2), self.today - D(days=1)))}[state]
        return description, star, rule, "minor", story

    def _story(self, found, severity, final) -> Story:
        rng = self.rng
        deadline = found + D(days={"minor": 15, "general": 10, "serious": 5}[severity])
        if final:  # last week's problems: still open, in each state in turn
            kind = rng.choice(["pending", "rectifying", "checking"])
            return {"pending": Story(), "rectifying": Story(start=found + D(days=1)),
                    "checking": Story(start=found + D(days=1), submit=found + D(days=2))}[kind]
        # Most villages fix it and submit at once; some report starting first (整改中).
        start = found + D(days=rng.randint(1, 2)) if rng.random() < 0.4 else None
        roll = rng.random()
        if roll < 0.12:  # late: submitted after the deadline, overdue and escalated meanwhile
            submit = deadline + D(days=rng.randint(2, 9))
            return Story(start=start, submit=submit, review=submit + D(days=rng.randint(1, 2)))
        begun = start or found + D(days=1)
        submit = begun + D(days=rng.randint(1, max(1, (deadline - begun).days - (3 if roll < 0.8 else 1))))
        review = submit + D(days=rng.randint(1, max(1, min(3, (deadline - submit).days))))
        if roll < 0.30:  # rejected once, then signed off after the second try
            resubmit = review + D(days=rng.randint(2, 4))
            return Story(start=start, submit=submit, review=review, reject=True, resubmit=resubmit,
                         final=resubmit + D(days=rng.randint(1, 2)))
        return Story(start=start, submit=submit, review=review)

    def _schedule(self, problem, story: Story, supervisor):
        village_user = self.village_users[problem.org_unit_id]
        village = problem.org_unit

        def submit(p=problem):
            evidence = [self._store(village, village_user, "整改后")] if self.rng.random() < 0.5 else ()
            sv.submit_rectification(p, village_user, self.rng.choice(MEASURES), evidence=evidence)

        plan = [(story.start, 15, 0, lambda p=problem: sv.start_rectification(p, village_user, "已安排专人整改。")),
                (story.submit, 16, 30, submit),
                (story.review, 10, 20, (lambda p=problem: sv.reject(p, supervisor, REJECT, photos=[self._store(village, supervisor, "复查")]))
                 if story.reject else (lambda p=problem: sv.accept(p, supervisor, ACCEPT))),
                (story.resubmit, 16, 40, submit),
                (story.final, 10, 40, lambda p=problem: sv.accept(p, supervisor, ACCEPT))]
        for day, hour, minute, step in plan:
            if day is not None:
                self.agenda[day].append((hour, minute + problem.pk % 10, step))

    def _store(self, unit, user, label):
        self.photo_seed += 1
        return store_evidence(unit, user, example_upload(f"{unit.display_name}-{label}", self.photo_seed), "photo")
