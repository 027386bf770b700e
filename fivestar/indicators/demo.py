"""Demo collective income for 庆祖镇's 54 villages, matching the seed (DOMAIN.md §3).

The seed's year is 2023: all 54 villages have income, 35 are above 50,000 yuan, 庆南村 earns 6.8
million. Income is recorded for every year from 2022 up to the last complete year (the year before
today): 2022 a little lower than 2023, later years within ±3% of 2023, so every year from 2023 on keeps
the seed's proportions (35 above 50,000, none on the line). Each year's figures are dated early in the
following year, when village accounts close. Amounts are derived from the village code through a hash,
so every load gives the same numbers; a second load changes nothing (no new history rows either).
"""

import datetime
import hashlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fivestar.orgs.models import BranchType, Level, OrgUnit

from .models import CollectiveIncome
from .services import IncomeValues, refresh_ratings, save_income

TOWN_CODE = "410928103"
QINGNAN = "庆南村"
# Named in the seed: the lead and sprint villages (same lists as fivestar/demo/qingzu.py).
LEAD = ["西辛庄村", "庆南村", "后郑寨村", "常寨村"]
SPRINT = ["东台上村", "张榆林头村", "潘家村", "张贾村", "太平村", "郎寨村", "前武陵村", "庆中村", "庆北村", "东辛庄村", "前郑寨村", "水屯村"]
BASE = ["翟砦村"]  # the one 强基村: never among the villages above 50,000
PILOTS = LEAD + SPRINT[:7]  # 11 provincial collective-economy pilot villages
ABOVE_TARGET = 35
NOTE_PILOT = "省级村级集体经济发展试点村"
SEED_YEAR = 2023  # the year of the seed's figures
FIRST_YEAR = SEED_YEAR - 1
PREVIOUS_YEAR_SHARE = (Decimal("0.82"), Decimal("0.95"))  # 2022 is a little lower
LATER_YEAR_SHARE = (Decimal("0.97"), Decimal("1.03"))  # later years move a little around 2023


def _fraction(code: str, salt: str) -> Decimal:
    """A stable number in [0, 1) from the code."""
    digest = hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()
    return Decimal(int(digest[:8], 16)) / Decimal(16**8)


def _hundreds(value: Decimal) -> Decimal:
    """Rounded to whole hundreds of yuan, as village accounts report."""
    return (value / 100).quantize(Decimal(1)) * 100


def _between(code: str, salt: str, low: int, high: int) -> Decimal:
    return _hundreds(Decimal(low) + (Decimal(high - low) * _fraction(code, salt)))


def plan_amounts(villages: list[OrgUnit]) -> dict[str, Decimal]:
    """Total income per village code for the main year (deterministic)."""
    named = {QINGNAN: Decimal("6800000")}
    others = [v for v in villages if v.display_name not in LEAD + SPRINT]
    # Enough of the remaining villages join the lead/sprint ones above 50,000 to make 35.
    strong = {v.display_name for v in villages if v.display_name in LEAD + SPRINT}
    ranked = sorted(others, key=lambda v: (v.display_name in BASE, -_fraction(v.code, "rank")))
    above_others = {v.code for v in ranked[: max(ABOVE_TARGET - len(strong), 0)]}
    amounts = {}
    for v in villages:
        name, code = v.display_name, v.code
        if name in named:
            amounts[code] = named[name]
        elif name in LEAD:
            amounts[code] = _between(code, "lead", 800_000, 1_600_000)
        elif name in SPRINT:
            amounts[code] = _between(code, "sprint", 120_000, 520_000)
        elif code in above_others:
            amounts[code] = _between(code, "improve", 52_000, 118_000)
        else:
            amounts[code] = _between(code, "base", 12_000, 46_000)
    return amounts


def year_amount(code: str, seed_amount: Decimal, year: int) -> Decimal:
    """One village's total for `year`, from its seed-year total."""
    if year == SEED_YEAR:
        return seed_amount
    low, high = PREVIOUS_YEAR_SHARE if year < SEED_YEAR else LATER_YEAR_SHARE
    salt = "prev" if year == FIRST_YEAR else f"year{year}"
    return _hundreds(seed_amount * (low + (high - low) * _fraction(code, salt)))


def _split(code: str, total: Decimal, year: int) -> tuple[Decimal, Decimal]:
    share = Decimal("0.55") + Decimal("0.35") * _fraction(code, f"split{year}")
    operating = _hundreds(total * share)
    return operating, total - operating


@transaction.atomic
def load_demo_income(until: int | None = None, today: datetime.date | None = None) -> dict:
    """Record income for every rural village of 庆祖镇 for each year from 2022 to `until` (default: the
    last complete year before `today`). Idempotent: unchanged rows are left alone."""
    from fivestar.demo.clock import Stamper, at, last_complete_year

    today = today or timezone.localdate()
    until = max(until or last_complete_year(today), SEED_YEAR)
    years = list(range(FIRST_YEAR, until + 1))
    villages = list(
        OrgUnit.objects.filter(parent__code=TOWN_CODE, level=Level.VILLAGE, branch_type=BranchType.RURAL).order_by("code")
    )
    amounts = plan_amounts(villages)
    existing = {
        (r.org_unit_id, r.year): r
        for r in CollectiveIncome.objects.filter(org_unit__in=villages, year__in=years)
    }
    stamper = Stamper()
    now = timezone.now() if today == timezone.localdate() else at(today, 12)
    written = 0
    for year in years:
        # A year's accounts close in January of the next year: that is when its figures are recorded.
        with stamper.step(min(at(datetime.date(year + 1, 1, 20), 10), now)):
            for v in villages:
                note = NOTE_PILOT if v.display_name in PILOTS else ""
                operating, other = _split(v.code, year_amount(v.code, amounts[v.code], year), year)
                _, status = save_income(None, v, IncomeValues(year, operating, other, note), existing.get((v.pk, year)),
                                        check=False, lookup=False, refresh=False)
                written += status != "unchanged"
    if written:
        refresh_ratings(None, [v.pk for v in villages], years)
    above = sum(1 for a in amounts.values() if a > 50000)
    return {"villages": len(villages), "above_50000": above, "written": written, "year": SEED_YEAR, "years": years}
