"""庆祖镇's Party-building record (fivestar.activities), matching the seed, every date before today:

- 导师帮带: 10 "李连成式" secretaries of leading villages each mentor the secretary of a weaker village;
- a year of weekly voluntary labour (Saturdays) and the Thursday night school (夜校) of every village, the last 52
  weeks up to last week, with attendance by list (Party members at labour, cadres at night school);
- 评优评先 (好媳妇, 最美邻里, 致富能手) per village for last year and this year — generated names, noted 示例姓名;
- village honours: 后郑寨 全国十大最美乡村, 常寨 全国文明村 and 河南省民主法治建设示范村, 郎寨 and 前武陵 省级森林乡村,
  and 11 省级试点村;
- monthly 三零 risk checks, a few minor petitions and one accident proposing a veto for the town to confirm;
- the four campaign projects (残垣断壁清零, 户厕改造, 坑塘整治, 村庄绿化) of every village this year, funded by
  镇政府奖、村委会筹、社会捐赠.

Written with bulk_create (history rows for all but the sessions and their attendance) in seconds. Loaded once: a town whose villages have
activity sessions is left as it is.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from fivestar.activities.models import (ActivitySession, Attendance, Award, CampaignProject, Funding, Honour, Incident,
                                        MentoringPair, RiskCheck)
from fivestar.activities.models.sessions import new_token
from fivestar.activities.services.kinds import kinds_for
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person

from .names import NameMaker
from .qingzu import TOWN_CODE

D = datetime.timedelta
HONOURS = [("后郑寨", "全国十大最美乡村", "national", "农业农村部", 2019), ("常寨", "全国文明村", "national", "中央精神文明建设指导委员会", 2020),
           ("常寨", "河南省民主法治建设示范村", "provincial", "河南省司法厅", 2021), ("郎寨", "省级森林乡村", "provincial", "河南省林业局", 2021),
           ("前武陵", "省级森林乡村", "provincial", "河南省林业局", 2021)]
PILOTS = 11
PROJECTS = ["残垣断壁清零", "户厕改造", "坑塘整治", "村庄绿化"]
CATEGORIES = ["好媳妇", "最美邻里", "致富能手"]
CADRES = {"secretary", "director", "village_cadre"}


class ActivitiesDemo:
    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.town = OrgUnit.objects.get(code=TOWN_CODE)
        self.rng = random.Random(f"qingzu-activities-{self.today.year}")
        self.counts: dict[str, int] = {}

    def summary(self) -> str:
        c = self.counts
        return (f"导师帮带 {c['pairs']} 对，活动 {c['sessions']} 次（签到 {c['attendance']} 人次），评优评先 {c['awards']} 人，"
                f"荣誉 {c['honours']} 项，三零排查 {c['checks']} 次，专项项目 {c['projects']} 个")

    def load(self) -> int:
        villages = list(OrgUnit.objects.filter(parent=self.town, level=Level.VILLAGE, active=True).order_by("code"))
        if not villages or ActivitySession.objects.filter(org_unit__in=villages).exists():
            return 0
        self.user = get_user_model().objects.filter(username="qingzu").first()
        people: dict[int, list[Person]] = {}
        for p in Person.objects.filter(org_unit__in=villages, active=True).order_by("pk"):
            people.setdefault(p.org_unit_id, []).append(p)
        with transaction.atomic():
            self._pairs(villages, people)
            self._sessions(villages, people)
            self._awards(villages)
            self._honours(villages)
            self._safety(villages)
            self._projects(villages)
        return sum(self.counts.values())

    def _bulk(self, model, rows, key):
        for row in rows:
            row.recorded_by = self.user
        bulk_create_with_history(rows, model, batch_size=2000, default_user=self.user)
        self.counts[key] = self.counts.get(key, 0) + len(rows)

    def _pairs(self, villages, people):
        secretary = {v.pk: next((p for p in people.get(v.pk, []) if p.position == "secretary"), None) for v in villages}
        strong = [v for v in villages if v.category in ("lead", "sprint") and secretary[v.pk]][:10]
        weak = [v for v in villages if v.category not in ("lead", "sprint") and secretary[v.pk]][:10]
        start = datetime.date(self.today.year - 1, 3, 1)
        kinds = [MentoringPair.Kind.SECRETARY] * 5 + [MentoringPair.Kind.STRONG_WEAK] * 3 + [MentoringPair.Kind.OLD_NEW] * 2
        rows = [MentoringPair(org_unit=w, mentor=secretary[s.pk], mentee=secretary[w.pk], kind=k, start=start,
                              meetings_held=self.rng.randint(12, 30), note="“李连成式”好书记帮带")
                for s, w, k in zip(strong, weak, kinds)]
        self._bulk(MentoringPair, rows, "pairs")

    def _sessions(self, villages, people):
        kinds = {k.code: k for k in kinds_for(self.town)}
        # Thursdays (夜校) and Saturdays (义务劳动) of the last 52 weeks, up to last week.
        first = self.today - D(weeks=52)
        thursday = first + D(days=(3 - first.weekday()) % 7)
        weeks = [thursday + D(weeks=i) for i in range(53) if thursday + D(weeks=i, days=2) < self.today - D(days=3)]
        sessions, plan = [], []
        for v in villages:
            crowd = people.get(v.pk, [])
            cadres = [p for p in crowd if p.position in CADRES]
            members = [p for p in crowd if p.is_party_member] or crowd
            for day in weeks:
                for kind, date, pool, title in ((kinds["night_school"], day, cadres, "周四夜校：政策学习与经验交流"),
                                                (kinds["labour"], day + D(days=2), members, "党员义务劳动：清理街巷、整治环境")):
                    came = [p for p in pool if self.rng.random() < 0.88]
                    sessions.append(ActivitySession(org_unit=v, kind=kind, date=date, title=title, expected=len(pool),
                                                    attended=len(came), qr_token=new_token(), location=f"{v.name[:6]}党群服务中心"))
                    plan.append(came)
        for session in sessions:
            session.recorded_by = self.user
        # Eleven thousand sessions and a hundred thousand ticks: plain bulk inserts (no history rows) keep the step
        # to a few seconds; the records written by hand afterwards are kept in history as usual.
        ActivitySession.objects.bulk_create(sessions, batch_size=5000)
        self.counts["sessions"] = len(sessions)
        attendance = [Attendance(session=s, person=p, method=Attendance.Method.LIST, recorded_by=self.user) for s, came in zip(sessions, plan) for p in came]
        Attendance.objects.bulk_create(attendance, batch_size=10000)
        self.counts["attendance"] = len(attendance)

    def _awards(self, villages):
        names = NameMaker(f"qingzu-awards-{self.today.year}")
        rows = []
        for year in (self.today.year - 1, self.today.year):
            for v in villages:
                for category in CATEGORIES:
                    gender = "F" if category == "好媳妇" else None
                    rows.append(Award(org_unit=v, person_name=names.person(gender)[0], category=category, year=year, note="示例姓名"))
        self._bulk(Award, rows, "awards")

    def _honours(self, villages):
        def find(prefix):
            return next((v for v in villages if v.name.startswith(prefix)), None)

        rows, named = [], set()
        for prefix, title, level, issuer, year in HONOURS:
            v = find(prefix)
            if v is not None:
                rows.append(Honour(org_unit=v, title=title, level=level, issuer=issuer, year=year))
                named.add(v.pk)
        pilots = [v for v in villages if v.category in ("lead", "sprint")][:PILOTS]
        rows += [Honour(org_unit=v, title="省级试点村", level=Honour.Level.PROVINCIAL, issuer="中共河南省委组织部", year=2023) for v in pilots]
        self._bulk(Honour, rows, "honours")

    def _safety(self, villages):
        checks = []
        for v in villages:
            month = datetime.date(self.today.year - 1, 1, 10)
            while month < self.today:
                checks.append(RiskCheck(org_unit=v, date=month, checker="镇综治中心、村两委", findings="矛盾纠纷排查，未发现重大隐患",
                                        risks_found=self.rng.choice([0, 0, 0, 1])))
                month = (month.replace(day=1) + D(days=32)).replace(day=10)
        self._bulk(RiskCheck, checks, "checks")
        recent = self.today - D(days=20)
        incidents = [Incident(org_unit=villages[i], date=recent - D(days=7 * i), kind=Incident.Kind.PETITION, severity=Incident.Severity.MINOR,
                              description="宅基地边界纠纷（示例）", outcome="村调解委员会调解，双方达成协议") for i in (3, 17, 29) if i < len(villages)]
        if len(villages) > 40:
            incidents.append(Incident(org_unit=villages[40], date=self.today - D(days=6), kind=Incident.Kind.ACCIDENT, severity=Incident.Severity.SERIOUS,
                                      description="村办加工厂安全生产事故（示例）", outcome="已停产整顿", veto_status=Incident.Veto.PROPOSED,
                                      veto_rule_code="paf-01-02"))
        self._bulk(Incident, incidents, "incidents")

    def _projects(self, villages):
        projects = [CampaignProject(org_unit=v, name=name, year=self.today.year, target=f"{name}全覆盖", progress=self.rng.choice([60, 80, 100, 100]),
                                    budget=Decimal(self.rng.choice([80000, 120000, 200000])))
                    for v in villages for name in PROJECTS]
        funding = []
        for p in projects:
            parts = [(Funding.Source.TOWN_AWARD, Decimal("0.4")), (Funding.Source.VILLAGE, Decimal("0.4")), (Funding.Source.DONATION, Decimal("0.2"))]
            for i, (source, share) in enumerate(parts):
                day = datetime.date(self.today.year, 3 + 2 * i, 15)
                if day < self.today:
                    funding.append(Funding(project=p, source=source, amount=(p.budget * share).quantize(Decimal("1")), date=day))
            p.funded = sum((f.amount for f in funding if f.project is p), Decimal(0))
        self._bulk(CampaignProject, projects, "projects")
        self._bulk(Funding, funding, "funding")
