"""庆祖镇's planning for the current year (创建目标、目标责任书、创建台账、月度承诺), lived through the services.

- Targets: the seed's 2023 plan shape — the 4 领航村 aim at 五星, the 12 冲刺村 at 四星, the 37 提升村 at 三星; the
  town has 55 villages (54 rural and 1 community), so the two left (强基村 翟砦村 and 龙鑫苑社区) aim at 二星. The
  town plan is 4 / 12 / 37 plus those 2 二星, which the plan's note says; per star it is the sum of the targets, so
  the plan check shows no warning.
- Letters (目标责任书): generated for every village (rows marked generated; the zip is the batch's, not the
  demo's), signed with a scanned copy (a generated example picture labelled 示例照片) by all but four villages.
- Creation ledger: every village turns its 差距清单 into tasks (one click each; a village already reaching its
  target stars gets one task by hand to keep them); some villages'
  deadlines have passed (overdue), the others fall after today; villages move their tasks: under way, completed
  (completion dates in the past), one cancelled by the town with its reason; one task comes from an open
  supervision problem. The daily job runs on the days after the past deadlines, so overdue tasks are marked.
- Commitments: a dozen villages' secretaries post commitments at the start of each month of this year; results
  at each past month's end (a few missing), graded by the town early the next month (the last month not yet).

Every step runs with the clock pinned to its moment (`clock.pinned`), so what the services stamp is dated in the
past and their date rules (deadline not before today, results only for the current month…) hold. Loaded once: a
town with targets for this year is left as it is.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fivestar.orgs.models import Category, Level, OrgUnit
from fivestar.people.models import Person, Position
from fivestar.planning import services as ps
from fivestar.planning.models import Commitment, LedgerTask, ResponsibilityLetter, VillageTarget
from fivestar.planning.models.ledger import TaskStatus
from fivestar.planning.services.letters import letter_for
from fivestar.rating.models import Evidence
from fivestar.rating.services.evidence import store_evidence
from fivestar.supervision.models import Problem
from fivestar.supervision.models.problem import OPEN_STATUSES

from .clock import at, pinned
from .photos import example_upload
from .qingzu import TOWN_CODE

D = datetime.timedelta
RATING_BY_CATEGORY = {Category.LEAD: 5, Category.SPRINT: 4, Category.IMPROVE: 3}
PLAN_NOTE = ("按种子文件 2023 年计划：4 个五星、12 个四星、37 个三星；全镇 55 个村（社区），"
             "强基村翟砦村和龙鑫苑社区目标为二星，计入计划的 2 个二星。")
PENDING_LETTERS = 4
COMMITTING_VILLAGES = 12
PROMISES = ["完成村内主干道路灯安装并投入使用", "召开党员大会，落实“三会一课”并规范记录", "组织人居环境集中整治一次，清理残垣断壁",
            "推进村集体经济合作社土地流转项目签约", "开展矛盾纠纷排查，建立排查台账", "组织移风易俗宣传，评选文明家庭"]
RESULTS = ["已按时完成，附现场照片。", "基本完成，剩余部分下月继续推进。", "已完成并在村务公开栏公示。"]


def _clamp(moment: datetime.datetime, now: datetime.datetime) -> datetime.datetime:
    return min(moment, now - D(minutes=5))


class PlanningDemo:
    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.now = timezone.now() if self.today == timezone.localdate() else at(self.today, 12)
        self.year = self.today.year
        self.town = OrgUnit.objects.get(code=TOWN_CODE)
        self.villages = list(OrgUnit.objects.filter(parent=self.town, level=Level.VILLAGE, active=True).order_by("code"))
        self.rng = random.Random(f"qingzu-planning-{self.year}")
        start = datetime.date(self.year, 1, 1) + D(days=6)
        self.start = start if (self.today - start).days >= 40 else self.today - D(days=40)

    def step(self, day: datetime.date, hour: int = 9, minute: int = 0):
        return pinned(_clamp(at(day, hour, minute), self.now))

    # --- targets and plan -----------------------------------------------------------------------------------

    def _targets(self) -> list[dict]:
        catalog = ps.StarCatalog(self.town)
        progress = ps.progress_for(self.villages, self.year)
        rows = []
        for n, village in enumerate(self.villages):
            rating = RATING_BY_CATEGORY.get(village.category, 2)
            stars = list(catalog.stars(village.branch_type))
            if rating < len(stars):  # the first star (支部过硬星) needs all the others: aim at the others first,
                held = set((progress.get(village.pk) or {}).get("assessed_stars") or ())  # those not yet reached first
                others = stars[1:]
                turn = n % len(others)
                others = others[turn:] + others[:turn]
                chosen = set(([c for c in others if c not in held] + [c for c in others if c in held])[:rating])
                stars = [c for c in stars if c in chosen]
            rows.append({"village": village, "category": village.category, "target_rating": rating, "target_stars": stars})
        return rows

    def _plan(self, rows):
        ratings, stars = {}, {}
        for row in rows:
            ratings[str(row["target_rating"])] = ratings.get(str(row["target_rating"]), 0) + 1
            for code in row["target_stars"]:
                stars[code] = stars.get(code, 0) + 1
        plan = ps.save_plan(self.admin, self.town, self.year, ratings, stars)
        plan.note = PLAN_NOTE
        plan.save(update_fields=["note"])

    # --- letters --------------------------------------------------------------------------------------------

    def _letters(self, generated: datetime.date):
        with self.step(generated, 10):
            now = timezone.now()
            for village in self.villages:
                ResponsibilityLetter.objects.update_or_create(year=self.year, org_unit=village, defaults={"generated_at": now})
        pending = set(self.rng.sample(range(len(self.villages)), PENDING_LETTERS))
        span = max(1, (self.today - generated).days - 2)
        for n, village in enumerate(self.villages):
            if n in pending:
                continue
            day = generated + D(days=1 + n % min(span, 20))
            with self.step(day, 15, n % 50):
                scan = store_evidence(village, self.admin, example_upload(f"{village.display_name}目标责任书签字页", 500 + n),
                                      Evidence.Kind.DOCUMENT, "目标责任书签字扫描件")
                ps.mark_signed(letter_for(village, self.year), self.admin, day, scan)

    # --- ledger ---------------------------------------------------------------------------------------------

    def _ledger(self, day: datetime.date) -> list[datetime.date]:
        """Gap lists to tasks on `day`; a third of the villages with deadlines already past. Returns those deadlines."""
        past = sorted({day + D(days=14 + 7 * k) for k in range(3) if day + D(days=14 + 7 * k) < self.today - D(days=1)})
        future = self.today + D(days=20)
        with self.step(day, 11):
            for n, village in enumerate(self.villages):
                deadline = past[n % len(past)] if past and n % 3 == 0 else future
                if not ps.tasks_from_gaps(self.admin, village, self.year, deadline=deadline):
                    self._manual(village, deadline)
        return past

    def _manual(self, village, deadline):
        """A village whose current assessment already reaches its target stars keeps them: one task by hand."""
        target = VillageTarget.objects.get(year=self.year, org_unit=village)
        star = (target.target_stars or [""])[-1]
        names = ps.StarCatalog(self.town).names()
        ps.save_task(self.admin, village=village, year=self.year, star_code=star, deadline=deadline,
                     title=f"巩固{names.get(star, '')}创建成果，完善佐证材料和工作台账",
                     description="差距清单中目标星均已达标，按年度计划巩固提升。")

    def _moves(self, day: datetime.date):
        """Villages move some of their tasks; the town cancels one."""
        users = self.village_users
        tasks = list(LedgerTask.objects.filter(org_unit__parent=self.town, year=self.year).select_related("org_unit")
                     .order_by("org_unit__code", "deadline", "id"))
        by_village: dict[int, list] = {}
        for t in tasks:
            by_village.setdefault(t.org_unit_id, []).append(t)
        span = max(2, (self.today - day).days - 1)
        for n, (village_id, items) in enumerate(sorted(by_village.items())):
            user = users.get(village_id) or self.admin
            for k, task in enumerate(items[:5]):
                when = day + D(days=1 + (n + k) % (span - 1))
                if k == 0 and n % 4 != 3:  # every fourth village has not started yet
                    with self.step(when, 14, k):
                        ps.set_task_status(task, user, TaskStatus.DOING)
                    finished = min(when + D(days=3), self.today - D(days=1))
                    if n % 2 == 0 and finished >= when:
                        with self.step(finished, 16, k):
                            ps.set_task_status(task, user, TaskStatus.DONE, completed_on=finished)
                elif k == 1 and n % 3 != 0:
                    with self.step(when, 15, k):
                        ps.set_task_status(task, user, TaskStatus.DOING)
        # The town cancels one task not yet started (the county carries it out for every village).
        task = LedgerTask.objects.filter(org_unit__parent=self.town, year=self.year, status=TaskStatus.TODO).order_by("-deadline", "-id").first()
        if task is not None:
            with self.step(day + D(days=2), 10):
                ps.set_task_status(task, self.admin, TaskStatus.CANCELLED, reason="该细则已由县级统一实施，本村不再单列任务")

    def _from_problem(self):
        problem = (Problem.objects.filter(org_unit__parent=self.town, status__in=OPEN_STATUSES, found_on__year=self.year)
                   .select_related("org_unit").order_by("deadline", "pk").first())
        if problem is not None:
            with self.step(max(problem.found_on, self.today - D(days=2)), 8):
                ps.task_from_problem(self.admin, problem)

    def _daily(self, deadlines):
        for deadline in deadlines:
            with self.step(deadline + D(days=1), 7):
                ps.run_planning_daily(deadline + D(days=1))

    # --- commitments ----------------------------------------------------------------------------------------

    def _commitments(self):
        month = ps.month_start(self.start)
        current = self.today.replace(day=1)
        committing = [v for v in self.villages if v.pk in self.village_users][:COMMITTING_VILLAGES]
        secretaries = {p.org_unit_id: p for p in Person.objects.filter(org_unit__in=committing, position=Position.SECRETARY, active=True)}
        while month <= current:
            first = max(month, self.start) + D(days=1)
            if first >= self.today:
                first = self.today - D(days=1) if self.today - D(days=1) >= month else self.today
            for n, village in enumerate(committing):
                person, user = secretaries.get(village.pk), self.village_users[village.pk]
                if person is None:
                    continue
                made = []
                for k in range(1 + n % 2):
                    with self.step(first, 8 + k, n):
                        made.append(ps.post_commitment(user, village, month, person, PROMISES[(n + k + month.month) % len(PROMISES)]))
                if month == current:
                    continue
                end = ps.month_end(month)
                for k, c in enumerate(made):
                    if (n + month.month + k) % 5 == 0:  # some results missing
                        continue
                    with self.step(end, 17, n):
                        ps.post_result(c, user, RESULTS[(n + k) % len(RESULTS)])
                    if ps.add_months(month, 1) < current:
                        with self.step(ps.add_months(month, 1) + D(days=4), 10, n):
                            ps.grade_commitment(c, self.admin, ["优秀", "良好", "良好", "一般"][(n + k) % 4], "按期兑现，继续保持。")
            month = ps.add_months(month, 1)

    # --- the whole story ------------------------------------------------------------------------------------

    def load(self) -> int:
        if VillageTarget.objects.filter(year=self.year, org_unit__parent=self.town).exists():
            return 0
        User = get_user_model()
        self.admin = User.objects.get(username="qingzu")
        self.village_users = {p.org_unit_id: p.user for p in Person.objects.filter(
            org_unit__in=self.villages, position=Position.SECRETARY, user__isnull=False).select_related("user")}
        with transaction.atomic():
            rows = self._targets()
            with self.step(self.start, 9):
                ps.save_targets(self.admin, self.year, rows)
                self._plan(rows)
            deadlines = self._ledger(self.start + D(days=2))
            self._letters(self.start + D(days=4))
            self._moves(self.start + D(days=5))
            self._from_problem()
            self._daily(deadlines)
            self._commitments()
        return LedgerTask.objects.filter(org_unit__parent=self.town, year=self.year).count()

    def summary(self) -> str:
        tasks = LedgerTask.objects.filter(org_unit__parent=self.town, year=self.year)
        label = dict(TaskStatus.choices)
        counts = "、".join(f"{label[s]} {tasks.filter(status=s).count()}" for s in TaskStatus.values)
        letters = ResponsibilityLetter.objects.filter(year=self.year, org_unit__parent=self.town)
        signed = letters.filter(status=ResponsibilityLetter.Status.SIGNED).count()
        commitments = Commitment.objects.filter(org_unit__parent=self.town, month__year=self.year)
        return (f"{len(self.villages)} 个村的 {self.year} 年度目标（计划 4 五星/12 四星/37 三星/2 二星），"
                f"责任书已签 {signed}/{letters.count()}，创建台账 {tasks.count()} 项（{counts}；逾期 {tasks.filter(overdue=True).count()}），"
                f"月度承诺 {commitments.count()} 条（已亮业绩 {commitments.exclude(result='').count()}，已点评 {commitments.exclude(grade='').count()}）")
