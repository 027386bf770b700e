"""Rating history and work in progress for 庆祖镇, matching the seed, dated honestly against today.

History (finished, every date inside its own year):
- 2022年度“五星”支部评星: recognised in December 2022 with 2 五星 and 8 四星 branches (the rest spread
  over fewer stars), one objection filed during the notice and dismissed;
- 2023年第一次动态评星 (January–February 2023): recognised in March 2023, results as in 2022 (it reads
  2022's income, the last year complete when it ran);
- the annual round of the last complete year (2025 when today is in 2026), if after 2023: recognised in
  December of that year; it reached the 2023 plan — 领航 villages 五星, 冲刺 四星, 提升 三星.
Now:
- the interim round (动态评星, every two months) of the period containing today, e.g. 2026年第六次动态评星
  for November–December 2026: opened on the first day of the period, self-assessment due a few days
  after today, town and county review after that; branches in every state (not started, in progress,
  submitted, returned, town-approved, county-approved), evidence photos, and one star withdrawn by a veto
  event (太平村, 平安法治星) dated inside the period, before today. Its 年度 is today's year; its
  指标数据年度 (`Round.indicator_year`) is the last complete year, whose collective income it reads.

Every step runs through the public services and is then dated when it happened (see `clock.Stamper`).
Each round is created only if it is missing, so loading twice gives the same data; `today` (default:
the real date) decides the current period.
"""

import datetime
import io
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from fivestar.core.append_only import unlocked
from fivestar.orgs.models import Level, OrgUnit
from fivestar.rating import services
from fivestar.rating.models import Assessment, Round, Status, VetoEvent
from fivestar.rating.models.round import default_indicator_year
from fivestar.rating.services.evaluation import evaluate_assessment, indicators_for
from fivestar.standards.models import FrameworkVersion

from .clock import InterimPeriod, Stamper, at, last_complete_year
from .qingzu import BASE, LEAD, SPRINT

TOWN_CODE = "410928103"
ANNUAL_NAME = "2022年度“五星”支部评星"
INTERIM_NAME = "2023年第一次动态评星"
SEED_YEAR = 2023
FIVE = ["西辛庄村", "后郑寨村"]
FOUR = ["庆南村", "常寨村", "东台上村", "张榆林头村", "潘家村", "张贾村", "太平村", "郎寨村"]
NOTICE_DAYS = 7  # every demo round's public notice (公示) lasts a week
WITHDRAWN = "太平村"  # a 四星 village that loses 平安法治星 to a veto event
# The current round: the state each named village is left in; the rest are spread deterministically.
STATES = {
    "西辛庄村": Status.IN_PROGRESS,
    "后郑寨村": Status.COUNTY_APPROVED,
    "庆南村": Status.COUNTY_APPROVED,
    "常寨村": Status.TOWN_APPROVED,
    "东台上村": Status.SUBMITTED,
    "张榆林头村": Status.RETURNED,
}
SPREAD = [Status.NOT_STARTED] * 5 + [Status.IN_PROGRESS] * 4 + [Status.SUBMITTED] * 3 + [Status.RETURNED] * 2 + [Status.TOWN_APPROVED] * 2 + [Status.COUNTY_APPROVED] * 1


def _photo(text: str, seed: int, size: tuple[int, int] = (960, 640)) -> bytes:
    rng = random.Random(seed)
    width, height = size
    img = Image.new("RGB", size, (rng.randint(120, 200), rng.randint(140, 200), rng.randint(120, 180)))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.randint(0, width - 60), rng.randint(0, height - 40)
        draw.rectangle([x, y, x + rng.randint(40, 200 * width // 960), y + rng.randint(30, 120 * height // 640)], fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)))
    draw.text((20, 20), text.encode("ascii", "ignore").decode() or "photo", fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=70)
    return out.getvalue()


def _framework(branch_type: str) -> FrameworkVersion:
    return FrameworkVersion.objects.latest_published(branch_type)


def _answers_for(framework, wanted: set[str]) -> dict:
    """Full marks, then one required rule failed in each star that should not be awarded."""
    values = {}
    for rule in framework.rules_by_code.values():
        if rule.indicator:
            continue
        values[rule.code] = rule.value_for_points(rule.best_points)
    for star in framework.stars:
        if star.code in wanted:
            continue
        rule = next((r for r in star.rules if (r.required or r.veto) and not r.indicator), None) or star.rules[0]
        values[rule.code] = rule.value_for_points(0) if rule.kind != "deduction" else int(rule.max / rule.per_occurrence) + 1
    return values


def annual_name(year: int) -> str:
    return f"{year}年度“五星”支部评星"


def _target_stars(name: str, framework, rank: int, income_ok: bool, plan: bool = False) -> set[str]:
    """The stars a branch reaches: the 2022 result (2 五星, 8 四星), or with `plan` the 2023 plan
    (领航 villages 五星, 冲刺 四星, 提升 三星)."""
    others = [s.code for s in framework.stars if s.code != "zbgy"]
    pool = [c for c in others if income_ok or c != "cyxw"]
    if plan:
        if name in LEAD:
            return {s.code for s in framework.stars}
        if name in SPRINT:
            return set(others)
        return set(pool[: 2 if name in BASE else 3])
    if name in FIVE:
        return {s.code for s in framework.stars}
    if name in FOUR:
        return set(others)
    count = [3, 2, 3, 1, 2, 3, 0, 2][rank % 8]
    return set(pool[:count])


class RatingDemo:
    def __init__(self, today: datetime.date | None = None, town_code: str = TOWN_CODE, town_admin: str = "qingzu"):
        User = get_user_model()
        self.today = today or timezone.localdate()
        # "Now" for the story: the real time, or noon of `today` when loading for another day.
        self.now = timezone.now() if self.today == timezone.localdate() else at(self.today, 12)
        self.period = InterimPeriod.containing(self.today)
        if self.period.start.year <= SEED_YEAR:
            raise ValueError("演示数据的当前周期应晚于 2023 年。")
        self.town = OrgUnit.objects.get(code=town_code)
        self.county = self.town.parent
        self.town_admin = User.objects.get(username=town_admin)
        self.county_admin = User.objects.get(username="puyangxian")
        self.secretary = User.objects.get(username="xixinzhuang")
        self.admin = User.objects.get(username="admin")
        self.villages = list(OrgUnit.objects.filter(parent=self.town, level=Level.VILLAGE).order_by("code"))
        self.stamper = Stamper()

    def _existing(self, name: str) -> Round | None:
        return Round.objects.filter(scope=self.town, name=name).first()

    def load(self) -> list[str]:
        """Create the rounds that are missing; returns their names."""
        made = []
        with transaction.atomic():
            previous = self._existing(ANNUAL_NAME)
            if previous is None:
                previous = self._annual_2022()
                made.append(previous.name)
            interim = self._existing(INTERIM_NAME)
            if interim is None:
                interim = self._interim_2023(previous)
                made.append(interim.name)
            previous = interim
            year = last_complete_year(self.today)
            if year > SEED_YEAR:
                annual = self._existing(annual_name(year))
                if annual is None:
                    annual = self._annual_plan(year, previous)
                    made.append(annual.name)
                previous = annual
            if self._existing(self.period.name) is None:
                made.append(self._current(previous).name)
        return made

    # --- building blocks ---------------------------------------------------------------------------

    def _targets(self, a: Assessment, framework, rank: int, income_ok: bool, plan: bool) -> set[str]:
        """The stars a branch reaches in a historic round (the seed's, for 庆祖镇)."""
        return _target_stars(a.org_unit.display_name, framework, rank, income_ok, plan=plan)

    def _round(self, name, kind, year, start, end, deadlines, previous=None, indicator_year=None):
        # The indicator year is given, never left to the service's default: that one counts from the real
        # date, and the demo may be loaded as of another day.
        rnd = services.create_round(
            self.town_admin, scope=self.town, name=name, kind=kind, year=year, period_start=start, period_end=end,
            rural_framework=_framework("rural"), community_framework=_framework("community"),
            self_deadline=deadlines[0], town_deadline=deadlines[1], county_deadline=deadlines[2], notice_days=NOTICE_DAYS, previous=previous,
            indicator_year=indicator_year or default_indicator_year(end),
        )
        Round.objects.filter(pk=rnd.pk).update(phase=Round.Phase.OPENING, opened_by=self.town_admin)
        services.populate_round(rnd.pk)
        rnd.refresh_from_db()
        return rnd

    def _finished(self, name, kind, year, start, end, opened_on, previous=None, plan=False, objection=None) -> Round:
        """A historic round, opened on `opened_on` and recognised before `end` + 15 days, in its year:
        every branch reaches its target stars and is approved by the county; notice; recognition."""
        d = datetime.timedelta
        self_deadline, town_deadline, county_deadline = end - d(days=10), end - d(days=5), end
        if end.month == 12:  # an annual round: reviewed in December, noticed and recognised before the year ends
            self_deadline, town_deadline, county_deadline = end - d(days=31), end - d(days=21), end - d(days=16)
        notice_on = county_deadline + d(days=1)
        recognised_on = notice_on + d(days=10)
        with self.stamper.step(at(opened_on, 9), read=True):
            rnd = self._round(name, kind, year, start, end, (self_deadline, town_deadline, county_deadline), previous=previous)
        with self.stamper.step(at(county_deadline, 16), read=True):
            for rank, a in enumerate(Assessment.objects.filter(round=rnd).select_related("org_unit", "framework", "round").order_by("org_unit__code")):
                framework = a.framework.compiled()
                indicators = indicators_for(a)
                income_ok = indicators.get("collective_income", 0) >= 50000
                wanted = self._targets(a, framework, rank, income_ok, plan)
                a.answers = _answers_for(framework, wanted)
                a.to_confirm = []
                a.applied_stars = sorted(wanted)
                evaluate_assessment(a, indicators, framework=framework)
                a.status = Status.COUNTY_APPROVED
                a.submitted_at = at(self_deadline - d(days=3), 10)
                a.save()
        # Services save whole rows: always hand them the row as stamped, never a copy from before.
        rnd.refresh_from_db()
        with self.stamper.step(at(notice_on, 9), read=True):
            rnd = services.start_notice(rnd, self.county_admin, today=notice_on)
        if objection:
            village, reason, resolution = objection
            target = Assessment.objects.get(round=rnd, org_unit__display_name=village, org_unit__parent=self.town)
            with self.stamper.step(at(notice_on + d(days=2), 15), read=True):
                filed = services.file_objection(rnd, target, reason, "", "demo-client", today=notice_on + d(days=2))
            filed.refresh_from_db()
            with self.stamper.step(at(notice_on + d(days=5), 10), read=True):
                services.resolve_objection(filed, self.county_admin, upheld=False, resolution=resolution)
        rnd.refresh_from_db()
        with self.stamper.step(at(recognised_on, 10), read=True):
            services.recognise(rnd, self.county_admin, today=recognised_on)
        rnd.refresh_from_db()
        return rnd

    # --- the rounds --------------------------------------------------------------------------------

    def _annual_2022(self) -> Round:
        return self._finished(
            ANNUAL_NAME, Round.Kind.ANNUAL, 2022, datetime.date(2022, 1, 1), datetime.date(2022, 12, 31), datetime.date(2022, 10, 10),
            objection=("常寨村", "常寨村去年有一处残垣断壁未清理，生态宜居星是否达标请核实。", "经镇村两级现场核实，该处已于2022年11月清理完毕，异议不成立。"),
        )

    def _interim_2023(self, annual: Round) -> Round:
        return self._finished(INTERIM_NAME, Round.Kind.INTERIM, 2023, datetime.date(2023, 1, 1), datetime.date(2023, 2, 28),
                              datetime.date(2023, 1, 3), previous=annual)

    def _annual_plan(self, year: int, previous: Round) -> Round:
        return self._finished(annual_name(year), Round.Kind.ANNUAL, year, datetime.date(year, 1, 1), datetime.date(year, 12, 31),
                              datetime.date(year, 10, 10), previous=previous, plan=True)

    def _when(self, share: float, hour: int) -> datetime.datetime:
        """A moment `share` of the way from the period's start to today (never after now)."""
        span = (self.today - self.period.start).days
        day = self.period.start + datetime.timedelta(days=round(span * share))
        return min(at(day, hour), self.now)

    def _current(self, previous: Round) -> Round:
        """The interim round of today's period, under way. It reads the last complete year's income."""
        d = datetime.timedelta
        self_deadline = self.today + d(days=5)
        deadlines = (self_deadline, self_deadline + d(days=5), self_deadline + d(days=10))
        with self.stamper.step(self._when(0, 8)):
            rnd = self._round(self.period.name, Round.Kind.INTERIM, self.today.year, self.period.start, self.period.end,
                              deadlines, previous=previous, indicator_year=last_complete_year(self.today))
        rows = list(Assessment.objects.filter(round=rnd).select_related("org_unit", "framework", "round").order_by("org_unit__code"))
        spread = iter(SPREAD * 4)
        plan = [(a, STATES.get(a.org_unit.display_name) or next(spread)) for a in rows]
        not_started = [a.pk for a, state in plan if state == Status.NOT_STARTED]
        Assessment.objects.filter(pk__in=not_started).update(status=Status.NOT_STARTED)
        work = [(i, a, state) for i, (a, state) in enumerate(plan) if state != Status.NOT_STARTED]
        after_submit = {Status.SUBMITTED, Status.RETURNED, Status.TOWN_APPROVED, Status.COUNTY_APPROVED}
        with self.stamper.step(self._when(0.3, 10)):
            work = [(self._fill(a, state, seed=i), state) for i, a, state in work]
        with self.stamper.step(self._when(0.5, 11)):
            work = [(self._submit(a) if state in after_submit else a, state) for a, state in work]
        with self.stamper.step(self._when(0.7, 15)):
            work = [(self._town_review(a, state), state) for a, state in work]
        with self.stamper.step(self._when(0.8, 16)):
            for a, state in work:
                if state == Status.COUNTY_APPROVED:
                    services.approve(a, self.county_admin, "county")
        self._veto()
        return rnd

    def _submit(self, a: Assessment) -> Assessment:
        return services.submit(a, self._actor(a), list(a.awarded) or [a.framework.compiled().stars[-1].code])

    def _town_review(self, a: Assessment, state: str) -> Assessment:
        if state == Status.RETURNED:
            code = next(iter(a.evidence), "")
            return services.return_for_changes(a, self.town_admin, "town", "请补充本季度主题党日活动照片，并核实村集体经济收入台账。",
                                               {code: "照片不清晰，请重新拍摄"} if code else None)
        if state in (Status.TOWN_APPROVED, Status.COUNTY_APPROVED):
            return services.approve(a, self.town_admin, "town")
        return a

    def _veto(self):
        """太平村 loses 平安法治星: a criminal case recorded inside the current period, before today."""
        veto_rule = next(r.code for r in _framework("rural").compiled().stars_by_code["paf"].rules if r.veto)
        village = next(v for v in self.villages if v.display_name == WITHDRAWN)
        span = (self.today - self.period.start).days
        day = self.period.start + datetime.timedelta(days=round(span * 0.9))
        day = max(self.period.start, min(day, self.today - datetime.timedelta(days=1)))
        occurred = min(at(day, 17), self.now)
        if VetoEvent.objects.filter(org_unit=village, rule_code=veto_rule, occurred_on__range=(self.period.start, self.period.end)).exists():
            return
        with self.stamper.step(occurred):
            # The service refuses a date after the real today; when loading for a later `today`, record
            # it on the real date and move it to its day afterwards.
            event = services.record_veto(village, self.town_admin, veto_rule, min(day, timezone.localdate()),
                                         "村内发生一起盗窃刑事案件，已由公安机关立案侦查。")
        if event.occurred_on != day:
            VetoEvent.objects.filter(pk=event.pk).update(occurred_on=day)
            with unlocked():  # the demo dates its own history row (fivestar/core/append_only.py)
                VetoEvent.history.filter(id=event.pk).update(occurred_on=day)

    def _actor(self, a: Assessment):
        return self.secretary if a.org_unit.display_name == "西辛庄村" else self.admin

    def _fill(self, a: Assessment, state: str, seed: int) -> Assessment:
        """The village's work before submitting: confirm what is carried forward, add photos."""
        secretary = a.org_unit.display_name == "西辛庄村"
        actor = self._actor(a)
        a = services.confirm_carried(a, actor, list(a.to_confirm)[: (len(a.to_confirm) // 2 if state == Status.IN_PROGRESS else None)])
        if state == Status.IN_PROGRESS and not secretary:
            return a
        return self._photos(a, actor, seed)

    def _photos(self, a: Assessment, actor, seed: int) -> Assessment:
        framework = a.framework.compiled()
        needing = [r.code for r in framework.rules_by_code.values() if r.evidence and r.evidence.min_count]
        for k, (label, kind) in enumerate([("meeting", "photo"), ("site", "photo"), ("ledger", "ledger")]):
            upload = SimpleUploadedFile(f"{a.org_unit.display_name}-{['会议', '现场', '台账'][k]}.jpg", _photo(label, seed * 10 + k), "image/jpeg")
            item = services.store_evidence(a.org_unit, actor, upload, kind)
            a = services.attach(a, actor, item, needing)
        return a
