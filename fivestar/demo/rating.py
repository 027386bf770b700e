"""Rating history and work in progress for 庆祖镇, matching the seed.

- 2022年度评星: recognised, with 2 五星 and 8 四星 branches (the rest spread over fewer stars), one
  objection filed during the notice and dismissed;
- 2023年第一次动态评星: under way, with branches in every state (not started, in progress, submitted,
  returned, town-approved, county-approved), evidence photos, and one star withdrawn by a veto event.

Runs only once: if the 2022 round exists, nothing is done (loading twice gives the same data).
"""

import datetime
import io
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from fivestar.orgs.models import Level, OrgUnit
from fivestar.rating import services
from fivestar.rating.models import Assessment, Round, RoundResult, StarHolding, Status
from fivestar.rating.services.evaluation import evaluate_assessment, indicators_for
from fivestar.standards.models import FrameworkVersion

TOWN_CODE = "410928103"
ANNUAL_NAME = "2022年度“五星”支部评星"
INTERIM_NAME = "2023年第一次动态评星"
FIVE = ["西辛庄村", "后郑寨村"]
FOUR = ["庆南村", "常寨村", "东台上村", "张榆林头村", "潘家村", "张贾村", "太平村", "郎寨村"]
WITHDRAWN = "太平村"  # a 四星 village that loses 平安法治星 to a veto event
# 2023 interim round: the state each named village is left in; the rest are spread deterministically.
STATES = {
    "西辛庄村": Status.IN_PROGRESS,
    "后郑寨村": Status.COUNTY_APPROVED,
    "庆南村": Status.COUNTY_APPROVED,
    "常寨村": Status.TOWN_APPROVED,
    "东台上村": Status.SUBMITTED,
    "张榆林头村": Status.RETURNED,
}
SPREAD = [Status.NOT_STARTED] * 5 + [Status.IN_PROGRESS] * 4 + [Status.SUBMITTED] * 3 + [Status.RETURNED] * 2 + [Status.TOWN_APPROVED] * 2 + [Status.COUNTY_APPROVED] * 1


def _photo(text: str, seed: int) -> bytes:
    rng = random.Random(seed)
    img = Image.new("RGB", (960, 640), (rng.randint(120, 200), rng.randint(140, 200), rng.randint(120, 180)))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.randint(0, 900), rng.randint(0, 600)
        draw.rectangle([x, y, x + rng.randint(40, 200), y + rng.randint(30, 120)], fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)))
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


def _target_stars(name: str, framework, rank: int, income_ok: bool) -> set[str]:
    others = [s.code for s in framework.stars if s.code != "zbgy"]
    if name in FIVE:
        return {s.code for s in framework.stars}
    if name in FOUR:
        return set(others)
    count = [3, 2, 3, 1, 2, 3, 0, 2][rank % 8]
    pool = [c for c in others if income_ok or c != "cyxw"]
    return set(pool[:count])


class RatingDemo:
    def __init__(self):
        User = get_user_model()
        self.town = OrgUnit.objects.get(code=TOWN_CODE)
        self.county = self.town.parent
        self.town_admin = User.objects.get(username="qingzu")
        self.county_admin = User.objects.get(username="puyangxian")
        self.secretary = User.objects.get(username="xixinzhuang")
        self.villages = list(OrgUnit.objects.filter(parent=self.town, level=Level.VILLAGE).order_by("code"))

    def load(self) -> bool:
        if Round.objects.filter(scope=self.town, name=ANNUAL_NAME).exists():
            return False
        with transaction.atomic():
            annual = self._annual_2022()
            self._interim_2023(annual)
        return True

    def _round(self, name, kind, year, start, end, deadlines, previous=None):
        rnd = services.create_round(
            self.town_admin, scope=self.town, name=name, kind=kind, year=year, period_start=start, period_end=end,
            rural_framework=_framework("rural"), community_framework=_framework("community"),
            self_deadline=deadlines[0], town_deadline=deadlines[1], county_deadline=deadlines[2], notice_days=7, previous=previous,
        )
        Round.objects.filter(pk=rnd.pk).update(phase=Round.Phase.OPENING, opened_by=self.town_admin)
        services.populate_round(rnd.pk)
        rnd.refresh_from_db()
        return rnd

    def _annual_2022(self) -> Round:
        d = datetime.date
        rnd = self._round(ANNUAL_NAME, Round.Kind.ANNUAL, 2022, d(2022, 1, 1), d(2022, 12, 31), (d(2022, 12, 10), d(2022, 12, 20), d(2022, 12, 28)))
        for rank, a in enumerate(Assessment.objects.filter(round=rnd).select_related("org_unit", "framework", "round")):
            framework = a.framework.compiled()
            indicators = indicators_for(a)
            income_ok = indicators.get("collective_income", 0) >= 50000
            wanted = _target_stars(a.org_unit.display_name, framework, rank, income_ok)
            a.answers = _answers_for(framework, wanted)
            a.applied_stars = sorted(wanted)
            evaluate_assessment(a, indicators, framework=framework)
            a.status = Status.COUNTY_APPROVED
            a.submitted_at = timezone.make_aware(datetime.datetime(2022, 12, 8, 10))
            a.save()
        rnd = services.start_notice(rnd, self.county_admin, today=d(2023, 1, 5))
        target = Assessment.objects.get(round=rnd, org_unit__display_name="常寨村", org_unit__parent=self.town)
        objection = services.file_objection(rnd, target, "常寨村去年有一处残垣断壁未清理，生态宜居星是否达标请核实。", "", "demo-client", today=d(2023, 1, 6))
        services.resolve_objection(objection, self.county_admin, upheld=False, resolution="经镇村两级现场核实，该处已于2022年11月清理完毕，异议不成立。")
        services.recognise(rnd, self.county_admin, today=rnd.notice_end)
        when = timezone.make_aware(datetime.datetime(2023, 1, 15, 9))
        Round.objects.filter(pk=rnd.pk).update(recognised_at=when)
        RoundResult.objects.filter(round=rnd).update(recognised_at=when)
        StarHolding.objects.filter(gained_round=rnd).update(gained_at=when)
        return rnd

    def _interim_2023(self, annual: Round) -> Round:
        today = timezone.localdate()
        rnd = self._round(INTERIM_NAME, Round.Kind.INTERIM, 2023, datetime.date(2023, 1, 1), datetime.date(2023, 2, 28),
                          (today + datetime.timedelta(days=7), today + datetime.timedelta(days=14), today + datetime.timedelta(days=21)), previous=annual)
        spread = iter(SPREAD * 4)
        for i, a in enumerate(Assessment.objects.filter(round=rnd).select_related("org_unit", "framework", "round").order_by("org_unit__code")):
            state = STATES.get(a.org_unit.display_name) or next(spread)
            self._advance(a, state, seed=i)
        veto_rule = next(r.code for r in _framework("rural").compiled().stars_by_code["paf"].rules if r.veto)
        village = next(v for v in self.villages if v.display_name == WITHDRAWN)
        services.record_veto(village, self.town_admin, veto_rule, today - datetime.timedelta(days=3), "村内发生一起盗窃刑事案件，已由公安机关立案侦查。")
        return rnd

    def _advance(self, a: Assessment, state: str, seed: int):
        if state == Status.NOT_STARTED:
            Assessment.objects.filter(pk=a.pk).update(status=Status.NOT_STARTED)
            return
        secretary = self.secretary if a.org_unit.display_name == "西辛庄村" else None
        actor = secretary or get_user_model().objects.get(username="admin")
        a = services.confirm_carried(a, actor, list(a.to_confirm)[: (len(a.to_confirm) // 2 if state == Status.IN_PROGRESS else None)])
        if state == Status.IN_PROGRESS and secretary is None:
            return
        self._photos(a, actor, seed)
        if state == Status.IN_PROGRESS:
            return
        a = services.submit(a, actor, list(a.awarded) or [a.framework.compiled().stars[-1].code])
        if state == Status.SUBMITTED:
            return
        if state == Status.RETURNED:
            code = next(iter(a.evidence), "")
            services.return_for_changes(a, self.town_admin, "town", "请补充本季度主题党日活动照片，并核实村集体经济收入台账。", {code: "照片不清晰，请重新拍摄"} if code else None)
            return
        a = services.approve(a, self.town_admin, "town")
        if state == Status.COUNTY_APPROVED:
            services.approve(a, self.county_admin, "county")

    def _photos(self, a: Assessment, actor, seed: int):
        framework = a.framework.compiled()
        needing = [r.code for r in framework.rules_by_code.values() if r.evidence and r.evidence.min_count]
        for k, (label, kind) in enumerate([("meeting", "photo"), ("site", "photo"), ("ledger", "ledger")]):
            upload = SimpleUploadedFile(f"{a.org_unit.display_name}-{['会议', '现场', '台账'][k]}.jpg", _photo(label, seed * 10 + k), "image/jpeg")
            item = services.store_evidence(a.org_unit, actor, upload, kind)
            a = services.attach(a, actor, item, needing)
