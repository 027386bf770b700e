"""Demo collective income for 庆祖镇's 54 villages, matching the seed (DOMAIN.md §3).

All 54 villages have income; 35 are above 50,000 yuan; 庆南村 earns about 6.8 million. Amounts are
derived from the village code through a hash, so every load gives the same numbers; a second load
changes nothing (no new history rows either).
"""

import hashlib
from decimal import Decimal

from django.db import transaction

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
PREVIOUS_YEAR_SHARE = (Decimal("0.82"), Decimal("0.95"))  # 2022 is a little lower


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


def _split(code: str, total: Decimal, year: int) -> tuple[Decimal, Decimal]:
    share = Decimal("0.55") + Decimal("0.35") * _fraction(code, f"split{year}")
    operating = _hundreds(total * share)
    return operating, total - operating


@transaction.atomic
def load_demo_income(year: int = 2023) -> dict:
    """Record `year` and `year - 1` income for every rural village of 庆祖镇 (idempotent)."""
    villages = list(
        OrgUnit.objects.filter(parent__code=TOWN_CODE, level=Level.VILLAGE, branch_type=BranchType.RURAL).order_by("code")
    )
    amounts = plan_amounts(villages)
    existing = {
        (r.org_unit_id, r.year): r
        for r in CollectiveIncome.objects.filter(org_unit__in=villages, year__in=[year, year - 1])
    }
    written = 0
    for v in villages:
        note = NOTE_PILOT if v.display_name in PILOTS else ""
        low, high = PREVIOUS_YEAR_SHARE
        previous = _hundreds(amounts[v.code] * (low + (high - low) * _fraction(v.code, "prev")))
        for y, total in ((year, amounts[v.code]), (year - 1, previous)):
            operating, other = _split(v.code, total, y)
            _, status = save_income(None, v, IncomeValues(y, operating, other, note), existing.get((v.pk, y)),
                                    check=False, lookup=False, refresh=False)
            written += status != "unchanged"
    if written:
        refresh_ratings(None, [v.pk for v in villages], [year, year - 1])
    above = sum(1 for a in amounts.values() if a > 50000)
    return {"villages": len(villages), "above_50000": above, "written": written, "year": year}
