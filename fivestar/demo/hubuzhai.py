"""户部寨镇, a second town of 濮阳县 (a neighbour of 庆祖镇), whose current round can be recognised today.

庆祖镇's current round is under way with its deadlines ahead, so in that town nobody reaches 认定 in the
demo. 户部寨镇 is one step further: in the interim round of the period containing today every branch
self-assessed and was approved by the town and the county, the notice ran its full 7 days and ended
yesterday, one objection was filed and dismissed — so the county administrator can press 认定 today.

The town and its 49 village-level units (47 villages, 2 communities) come from the official division
codes; every branch takes part in its rounds (opening a round takes every active branch of the town).
People are generated example names (`names.NameMaker`, fixed seed), never real people: for each village a
secretary, a director, a village cadre and a few Party members with 包户 duties, and town cadres with
包村 duties. Each village's secretary has an account so the self-assessment is attributed to them; those
accounts have no password (nobody logs in as them), except 户部寨村's (`hubuzhaicun`).

History: the annual round of the last complete year, recognised in December of that year (a few 四星 and
one 五星 branch, the rest spread over fewer stars). Collective income is recorded for the last two
complete years. Every step runs through the public services and is dated when it happened
(`clock.Stamper`); rounds are created only when missing, so loading twice gives the same data.
"""

import datetime
import hashlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.indicators.models import CollectiveIncome
from fivestar.indicators.services import IncomeValues, refresh_ratings, save_income
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Duty, Person, Position, Responsibility, RoleAssignment
from fivestar.rating import services
from fivestar.rating.models import Assessment, Objection, Round, Status

from .clock import Stamper, at, last_complete_year
from .qingzu import QingzuDemo
from .rating import NOTICE_DAYS, RatingDemo, _answers_for, _photo, annual_name

TOWN_CODE = "410928107"
TOWN_ADMIN = "hubuzhai"
REVIEWER = "hubuzhai-dudao"
VILLAGE_ACCOUNT = "hubuzhaicun"
FEATURED = "户部寨村"  # has a listed account; 四星 last year, it gains 支部过硬星 in the current round
FIVE = ["许集村"]
FOUR = ["户部寨村", "李道期村", "王新寨村", "大屯村"]
SPREAD = [3, 2, 3, 1, 2, 3, 0, 2, 3, 1]  # stars of the other branches, by rank
OBJECTED = "王新寨村"
OBJECTION = ("王新寨村村东主干道的路灯坏了一个多月没修，生态宜居星是否达标请核实。",
             "经镇村两级现场核实，该路段路灯已修复，有维修记录和现场照片，不影响生态宜居星认定，异议不成立。")
TOWN_CADRES = 8


class HubuzhaiPeople(QingzuDemo):
    """户部寨镇's people, duties and accounts (reuses 庆祖镇's helpers for persons and accounts)."""

    def __init__(self, seed: str = "hubuzhai-2025"):
        super().__init__(seed)

    @transaction.atomic
    def load(self):
        self.town = OrgUnit.objects.get(code=TOWN_CODE)
        self.villages = list(OrgUnit.objects.filter(parent=self.town, level=Level.VILLAGE).order_by("code"))
        cadres = [self._person(self.town, Position.TOWN_CADRE) for _ in range(TOWN_CADRES)]
        for i, village in enumerate(self.villages):
            Responsibility.objects.get_or_create(duty=Duty.VILLAGE, person=cadres[i % len(cadres)], org_unit=village)
        for village in self.villages:
            self._village(village)
        self._accounts()

    def _village(self, village: OrgUnit):
        rng = self.names.rng
        secretary = self._person(village, Position.SECRETARY)
        self._person(village, Position.DIRECTOR)
        self._person(village, Position.VILLAGE_CADRE, party=rng.random() < 0.7)
        for _ in range(3 + int(village.code[-2:]) % 3):
            member = self._person(village, Position.PARTY_MEMBER)
            Responsibility.objects.get_or_create(duty=Duty.HOUSEHOLDS, person=member, org_unit=village,
                                                 defaults={"household_count": rng.randint(5, 15)})
        if village.display_name != FEATURED:
            self._secretary_account(village, secretary)

    def _secretary_account(self, village: OrgUnit, secretary: Person):
        """An account without a password: the self-assessment is the secretary's, and nobody logs in as them."""
        User = get_user_model()
        username = f"hbz-{village.code[-3:]}"
        user = User.objects.filter(username=username).first() or User.objects.create_user(username=username, password=None)
        RoleAssignment.objects.get_or_create(user=user, role=Role.VILLAGE_CADRE, org_unit=village, area=None)
        if secretary.user_id != user.id:
            secretary.user = user
            secretary.save()

    def _accounts(self):
        featured = next(v for v in self.villages if v.display_name == FEATURED)
        self._account(TOWN_ADMIN, Role.TOWN_ADMIN, self.town, person=self._person(self.town, Position.TOWN_CADRE, note="镇党委组织委员"))
        self._account(REVIEWER, Role.SUPERVISOR, self.town, person=self._person(self.town, Position.TOWN_CADRE, note="督导组成员，负责镇级初审"))
        self._account(VILLAGE_ACCOUNT, Role.VILLAGE_CADRE, featured, person=Person.objects.get(org_unit=featured, position=Position.SECRETARY))


def _fraction(code: str, salt: str) -> Decimal:
    return Decimal(int(hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()[:8], 16)) / Decimal(16**8)


def _hundreds(value: Decimal) -> Decimal:
    return (value / 100).quantize(Decimal(1)) * 100


def income_amount(unit: OrgUnit, year: int) -> Decimal:
    """A stable total for one branch and year: the named strong villages well above 50,000 yuan, about half
    of the others above it, the rest between 15,000 and 48,000; each year a little above the one before."""
    strong = unit.display_name in FIVE + FOUR
    low, high = (180_000, 600_000) if strong else (52_000, 130_000) if _fraction(unit.code, "rank") < 0.5 else (15_000, 48_000)
    base = Decimal(low) + Decimal(high - low) * _fraction(unit.code, "hbz-income")
    return _hundreds(base * (Decimal("0.97") + Decimal("0.06") * _fraction(unit.code, f"hbz-{year}")))


@transaction.atomic
def load_income(today: datetime.date | None = None) -> list[int]:
    """Collective income of every branch of 户部寨镇 for the last two complete years, dated when each year's
    accounts closed (January of the following year). Unchanged rows are left alone."""
    today = today or timezone.localdate()
    last = last_complete_year(today)
    years = [last - 1, last]
    units = list(OrgUnit.objects.filter(parent__code=TOWN_CODE, level=Level.VILLAGE).order_by("code"))
    existing = {(r.org_unit_id, r.year): r for r in CollectiveIncome.objects.filter(org_unit__in=units, year__in=years)}
    stamper = Stamper()
    now = timezone.now() if today == timezone.localdate() else at(today, 12)
    written = 0
    for year in years:
        with stamper.step(min(at(datetime.date(year + 1, 1, 20), 10), now)):
            for unit in units:
                total = income_amount(unit, year)
                operating = _hundreds(total * (Decimal("0.6") + Decimal("0.3") * _fraction(unit.code, f"split{year}")))
                _, status = save_income(None, unit, IncomeValues(year, operating, total - operating), existing.get((unit.pk, year)),
                                        check=False, lookup=False, refresh=False)
                written += status != "unchanged"
    if written:
        refresh_ratings(None, [u.pk for u in units], years)
    return years


class HubuzhaiRating(RatingDemo):
    """户部寨镇's rounds: last complete year's annual round recognised; today's interim round ready for 认定."""

    def __init__(self, today: datetime.date | None = None):
        super().__init__(today, town_code=TOWN_CODE, town_admin=TOWN_ADMIN)
        self.reviewer = get_user_model().objects.get(username=REVIEWER)
        grants = RoleAssignment.objects.filter(org_unit__in=self.villages, role=Role.VILLAGE_CADRE).select_related("user")
        self.secretaries = {g.org_unit_id: g.user for g in grants}
        # Why the current round stops before it is ready for 认定, when it does (printed by load_demo).
        self.why_early = ""
        self.stage = ""
        self.ready = False

    def _targets(self, a: Assessment, framework, rank: int, income_ok: bool, plan: bool) -> set[str]:
        income_star = next((s.code for s in framework.stars if any(r.indicator for r in s.rules)), "")
        others = [s.code for s in framework.stars if s.code != "zbgy"]
        name = a.org_unit.display_name
        if name in FIVE:
            return {s.code for s in framework.stars}
        if name in FOUR:
            return set(others)
        pool = [c for c in others if income_ok or c != income_star]
        return set(pool[: SPREAD[rank % len(SPREAD)]])

    def _actor(self, a: Assessment):
        return self.secretaries[a.org_unit_id]

    def load(self) -> list[str]:
        made = []
        with transaction.atomic():
            year = last_complete_year(self.today)
            annual = self._existing(annual_name(year))
            if annual is None:
                annual = self._finished(annual_name(year), Round.Kind.ANNUAL, year, datetime.date(year, 1, 1),
                                        datetime.date(year, 12, 31), datetime.date(year, 10, 12))
                made.append(annual.name)
            current = self._existing(self.period.name)
            if current is None:
                current = self._current(annual)
                made.append(current.name)
            self.stage = describe(current, self.today)
            self.ready = ready_for_recognition(current, self.today)
        return made

    # --- the current round ------------------------------------------------------------------------

    def timeline(self) -> dict[str, datetime.date]:
        """The day of each step of the current round. The notice starts `NOTICE_DAYS + 1` days before today,
        so it has ended by today (recognise() accepts the day after notice_end); the work before it is spread over
        the days from the period's start. If the period began too recently for that, every step comes as
        early as it can (one day each) and only the steps dated before today are taken."""
        d = datetime.timedelta
        start = self.period.start
        notice = self.today - d(days=NOTICE_DAYS + 1)
        full = (notice - start).days >= 4
        if not full:
            notice = start + d(days=4)
            self.why_early = (f"当前周期 {start:%Y-%m-%d} 才开始，到今天不足 {NOTICE_DAYS + 5} 天，"
                              f"来不及走完自评、镇级初审、县级审核和 {NOTICE_DAYS} 天公示，只生成今天以前能完成的步骤")
        room = (notice - start).days
        submit = start + d(days=max(1, round(room * 0.35)))
        town = max(submit + d(days=1), start + d(days=round(room * 0.6)))
        county = max(town + d(days=1), start + d(days=round(room * 0.8)))
        return {"open": start, "submit": submit, "town": town, "county": county, "notice": notice,
                "objection": notice + d(days=2 if full else 1), "resolved": notice + d(days=4 if full else 2)}

    def _done(self, day: datetime.date) -> bool:
        return day < self.today

    def _current(self, previous: Round) -> Round:
        days = self.timeline()
        with self.stamper.step(min(at(days["open"], 8), self.now), read=self._done(days["notice"])):
            rnd = self._round(self.period.name, Round.Kind.INTERIM, self.today.year, self.period.start, self.period.end,
                              (days["submit"], days["town"], days["county"]), previous=previous,
                              indicator_year=last_complete_year(self.today))
        rows = list(Assessment.objects.filter(round=rnd).select_related("org_unit", "framework", "round").order_by("org_unit__code"))
        if not self._done(days["submit"]):
            return rnd
        # The villages fill in and submit over the days up to the self-assessment deadline.
        first = days["open"] + datetime.timedelta(days=1)
        spread = max((days["submit"] - first).days, 0)
        by_day: dict[datetime.date, list[Assessment]] = {}
        for i, a in enumerate(rows):
            by_day.setdefault(first + datetime.timedelta(days=i * (spread + 1) // len(rows)), []).append(a)
        submitted = []
        for day, group in sorted(by_day.items()):
            with self.stamper.step(at(day, 10), read=True):
                submitted += [self._village_work(a, seed=800 + i) for i, a in enumerate(group, start=len(submitted))]
        if self._done(days["town"]):
            with self.stamper.step(at(days["town"], 15), read=True):
                approved = [services.approve(a, self.reviewer, "town") for a in submitted]
            if self._done(days["county"]):
                with self.stamper.step(at(days["county"], 16), read=True):
                    for a in approved:
                        services.approve(a, self.county_admin, "county")
        rnd.refresh_from_db()
        if self._done(days["notice"]) and self._done(days["county"]):
            with self.stamper.step(at(days["notice"], 9)):
                rnd = services.start_notice(rnd, self.town_admin, today=days["notice"])
            self._objection(rnd, days)
            rnd.refresh_from_db()
        return rnd

    def _village_work(self, a: Assessment, seed: int) -> Assessment:
        """Confirm what is carried forward, (户部寨村) make good last year's failed rule, add photos, submit
        the stars the branch reaches."""
        actor = self._actor(a)
        a = services.confirm_carried(a, actor, list(a.to_confirm))
        framework = a.framework.compiled()
        if a.org_unit.display_name == FEATURED:
            wanted = _answers_for(framework, {s.code for s in framework.stars})
            changed = {code: value for code, value in wanted.items() if a.answers.get(code) != value}
            a = services.save_answers(a, actor, "village", values=changed, expected_version=a.version)
        applied = list(a.awarded) or [framework.stars[-1].code]
        a = self._photos(a, actor, seed, framework, applied)
        return services.submit(a, actor, applied)

    def _photos(self, a: Assessment, actor, seed: int, framework, applied: list[str]) -> Assessment:
        """Small photos for the rules of the stars applied for that ask for evidence: a meeting and a site photo
        for each, a ledger for the few asking for three items."""
        rules = [r for code in applied for r in framework.stars_by_code[code].rules if r.evidence and r.evidence.min_count]
        for k, (label, kind, least) in enumerate([("meeting", "photo", 1), ("site", "photo", 2), ("ledger", "ledger", 3)]):
            codes = [r.code for r in rules if r.evidence.min_count >= least]
            if not codes:
                continue
            name = f"{a.org_unit.display_name}-{['会议', '现场', '台账'][k]}.jpg"
            upload = SimpleUploadedFile(name, _photo(label, seed * 10 + k, size=(480, 320)), "image/jpeg")
            a = services.attach(a, actor, services.store_evidence(a.org_unit, actor, upload, kind), codes)
        return a

    def _objection(self, rnd: Round, days: dict[str, datetime.date]):
        if not self._done(days["objection"]):
            return
        target = Assessment.objects.get(round=rnd, org_unit__display_name=OBJECTED, org_unit__parent=self.town)
        reason, resolution = OBJECTION
        with self.stamper.step(at(days["objection"], 15), read=True):
            filed = services.file_objection(rnd, target, reason, "", "demo-client", today=days["objection"])
        if not self._done(days["resolved"]):
            return
        filed.refresh_from_db()
        with self.stamper.step(at(days["resolved"], 10)):
            services.resolve_objection(filed, self.county_admin, upheld=False, resolution=resolution)


def ready_for_recognition(rnd: Round, today: datetime.date) -> bool:
    """What recognise() asks of the day: in notice, the notice period over, no objection open."""
    return (rnd.phase == Round.Phase.NOTICE and today > rnd.notice_end
            and not Objection.objects.filter(round=rnd, status=Objection.Status.OPEN).exists())


def describe(rnd: Round, today: datetime.date) -> str:
    """Where the current round stands, in words, for load_demo's summary."""
    if rnd.phase == Round.Phase.RECOGNISED:
        return f"{rnd.name}已于 {timezone.localdate(rnd.recognised_at):%Y-%m-%d} 认定。"
    if rnd.phase == Round.Phase.NOTICE:
        open_objections = Objection.objects.filter(round=rnd, status=Objection.Status.OPEN).count()
        if ready_for_recognition(rnd, today):
            return (f"{rnd.name}已于 {rnd.notice_start:%Y-%m-%d} 发布公示，公示期至 {rnd.notice_end:%Y-%m-%d} 已满，异议已处理："
                    f"县级管理员今天可在该周期页面点“认定”。")
        why = f"公示期至 {rnd.notice_end:%Y-%m-%d} 结束" if today <= rnd.notice_end else f"还有 {open_objections} 条异议未处理"
        return f"{rnd.name}公示中，今天尚不能认定（{why}）。"
    label = dict(Status.choices)
    states = "、".join(label[s] for s in sorted(set(Assessment.objects.filter(round=rnd).values_list("status", flat=True)))) or "无申报"
    return f"{rnd.name}自评与审核中（{states}），今天尚不能认定。"
