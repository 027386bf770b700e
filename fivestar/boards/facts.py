"""What the board knows about each village of some towns for one year, read with a fixed number of grouped queries
whatever the number of villages, and the one rule that turns it into a cell's state (used by the town matrix, the
town's kept figures and the cell's detail page alike, so they always agree).

A village × star cell is:
- `held` when the village holds the star now (an active StarHolding); a held star with an open overdue problem or
  ledger task on it stays held but is `flagged`;
- else `withdrawn` when a holding of it was lost this year (摘星 by veto, or not kept at a round);
- else, when the star is among the village's target stars for the year: `at_risk` if the village's current
  assessment (its latest of the year) does not reach it, or an open overdue problem or an overdue ledger task is on
  it; otherwise `on_track`;
- else `not_targeted`.
"""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from fivestar.orgs.models import Level, OrgUnit
from fivestar.planning.models import VillageTarget
from fivestar.planning.models.ledger import OPEN_TASK_STATUSES, LedgerTask
from fivestar.rating.models import Assessment, StarHolding
from fivestar.supervision.models import Problem
from fivestar.supervision.models.problem import OPEN_STATUSES

from . import states

CACHE_SECONDS = 600  # a town's facts between two refreshes of its kept row (the key changes with every refresh)
CHUNK = 400  # towns per IN (…) list: ~25,000 villages' rows per grouped query at most


@dataclass
class VillageFacts:
    id: int
    town_id: int
    branch_type: str = "rural"
    held: set = field(default_factory=set)
    withdrawn: dict = field(default_factory=dict)  # star code → why it was lost (this year)
    has_target: bool = False
    target_rating: int = 0
    target_stars: list = field(default_factory=list)
    assessment_id: int | None = None
    awarded: list | None = None  # None: no assessment this year
    overdue_problems: dict = field(default_factory=dict)  # star code → open overdue problems
    overdue_tasks: dict = field(default_factory=dict)  # star code → overdue open ledger tasks


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def load(town_ids, year: int) -> dict[int, VillageFacts]:
    """village id → facts, for every active village of these towns (6 queries per CHUNK towns)."""
    town_ids = sorted(set(town_ids))
    out: dict[int, VillageFacts] = {}
    start, end = year_bounds(year)
    for first in range(0, len(town_ids), CHUNK):
        towns = town_ids[first:first + CHUNK]
        for pk, town_id, branch_type in (OrgUnit.objects.filter(parent_id__in=towns, level=Level.VILLAGE, active=True)
                                         .values_list("id", "parent_id", "branch_type")):
            out[pk] = VillageFacts(pk, town_id, branch_type or "rural")
        in_towns = {"org_unit__parent_id__in": towns}
        holdings = (StarHolding.objects.filter(**in_towns).filter(Q(lost_at__isnull=True) | Q(lost_at__gte=start, lost_at__lt=end))
                    .order_by("lost_at").values_list("org_unit_id", "star_code", "lost_at", "lost_reason"))
        for village_id, code, lost_at, reason in holdings:
            facts = out.get(village_id)
            if facts is None:
                continue
            if lost_at is None:
                facts.held.add(code)
            else:
                facts.withdrawn[code] = reason or "本年度失去"
        for village_id, rating, stars in (VillageTarget.objects.filter(year=year, **in_towns)
                                          .values_list("org_unit_id", "target_rating", "target_stars")):
            if village_id in out:
                facts = out[village_id]
                facts.has_target, facts.target_rating, facts.target_stars = True, rating or 0, list(stars or [])
        latest = (Assessment.objects.filter(round__year=year, **in_towns)
                  .order_by("org_unit_id", "round__period_start", "round_id")
                  .values_list("org_unit_id", "id", "awarded"))
        for village_id, pk, awarded in latest:  # the last one of each village wins
            if village_id in out:
                out[village_id].assessment_id, out[village_id].awarded = pk, list(awarded or [])
        problems = (Problem.objects.filter(status__in=OPEN_STATUSES, overdue=True, **in_towns).exclude(star_code="")
                    .order_by().values_list("org_unit_id", "star_code").annotate(n=Count("id")))
        for village_id, code, n in problems:
            if village_id in out:
                out[village_id].overdue_problems[code] = n
        tasks = (LedgerTask.objects.filter(year=year, status__in=OPEN_TASK_STATUSES, overdue=True, **in_towns)
                 .order_by().values_list("org_unit_id", "star_code").annotate(n=Count("id")))
        for village_id, code, n in tasks:
            if village_id in out:
                out[village_id].overdue_tasks[code] = n
    return out


def cell(facts: VillageFacts, code: str) -> dict:
    """The state of one cell, why (short Chinese reasons), and whether a held star carries overdue work."""
    problems, tasks = facts.overdue_problems.get(code, 0), facts.overdue_tasks.get(code, 0)
    late = []
    if problems:
        late.append(f"逾期未整改的督导问题 {problems} 个")
    if tasks:
        late.append(f"逾期未完成的台账任务 {tasks} 个")
    if code in facts.held:
        return {"state": states.HELD, "reasons": ["已获得该星", *late], "flagged": bool(late)}
    if code in facts.withdrawn:
        return {"state": states.WITHDRAWN, "reasons": [f"本年度被摘除：{facts.withdrawn[code]}"[:80]], "flagged": False}
    if code in facts.target_stars:
        reasons = []
        if facts.awarded is None:
            reasons.append("本年度尚无评星申报")
        elif code not in facts.awarded:
            reasons.append("当前申报未达到该星")
        reasons += late
        if reasons:
            return {"state": states.AT_RISK, "reasons": reasons, "flagged": False}
        return {"state": states.ON_TRACK, "reasons": ["当前申报已达到该星，无逾期问题和任务"], "flagged": False}
    return {"state": states.NOT_TARGETED, "reasons": ["未列入本年度目标"], "flagged": False}


def load_town(town_id: int, year: int, kept_at: datetime.datetime | None, dirty: bool) -> dict[int, VillageFacts]:
    """One town's facts, from the cache when nothing moved them since the town's kept figures were computed.

    A committed change marks its town dirty (BoardDirty) in its own transaction, and the refresh that clears the mark
    rewrites the kept row's `updated_at`: so facts cached under that time are exactly what the kept figures were made
    from. A dirty town, or one with no kept row yet, is read fresh and not cached."""
    if dirty or kept_at is None:
        return load([town_id], year)
    key = f"boards:facts:{town_id}:{year}:{kept_at.isoformat()}"
    known = cache.get(key)
    if known is None:
        known = load([town_id], year)
        cache.set(key, known, CACHE_SECONDS)
    return known
