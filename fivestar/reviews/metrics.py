"""A year's figures per village of a town, read from the records in a fixed number of grouped queries, and the people
reviewed with the villages each answers for (a secretary: the village; a 包村 cadre: the village; a 包片 cadre: the
area's villages). A person's figures are the sums over their villages."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, F, Q
from django.utils import timezone

from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Duty, Person, Position, Responsibility

EMPTY = {"villages": 0, "held": 0, "target": 0, "reached": 0, "gained": 0, "lost": 0, "problems": 0, "problems_closed": 0,
         "problems_closed_on_time": 0, "problems_open_overdue": 0, "closing_days_sum": 0, "tasks": 0, "tasks_done": 0,
         "tasks_on_time": 0, "commitments": 0, "commitments_graded": 0, "commitments_kept": 0, "observations": 0,
         "observation_rank_sum": 0, "observation_size_sum": 0, "observation_pct_sum": 0.0, "red_flags": 0, "black_flags": 0}
SUMMED = [k for k in EMPTY if k != "villages"]


def year_end(year: int) -> datetime.datetime:
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    return min(end, timezone.now())


def village_figures(town, year: int) -> dict[int, dict]:
    """{village id: figures} for every active village of the town (8 queries whatever the town's size)."""
    from fivestar.observation.models import FlagEntry, FlagRound, ObservationEvent, RankingEntry
    from fivestar.planning.models import Commitment, LedgerTask, VillageTarget
    from fivestar.planning.models.ledger import TaskStatus
    from fivestar.rating.models import RoundResult, StarHolding
    from fivestar.supervision.models import Problem
    from fivestar.supervision.models.problem import ProblemStatus

    from .scoring import KEPT_GRADES

    villages = list(OrgUnit.objects.filter(parent=town, level=Level.VILLAGE, active=True).values_list("pk", flat=True))
    figs = {pk: dict(EMPTY, villages=1) for pk in villages}
    end = year_end(year)
    start = timezone.make_aware(datetime.datetime(year, 1, 1))

    held = (StarHolding.objects.filter(org_unit__parent=town, gained_at__lt=end).filter(Q(lost_at__isnull=True) | Q(lost_at__gte=end))
            .values("org_unit_id").annotate(n=Count("pk")))
    for row in held:
        if row["org_unit_id"] in figs:
            figs[row["org_unit_id"]]["held"] = row["n"]
    for vid, rating in VillageTarget.objects.filter(org_unit__parent=town, year=year).values_list("org_unit_id", "target_rating"):
        if vid in figs:
            figs[vid]["target"] = rating or 0
    for vid, gained, lost in RoundResult.objects.filter(org_unit__parent=town, recognised_at__gte=start, recognised_at__lt=end) \
            .values_list("org_unit_id", "gained", "lost"):
        if vid in figs:
            figs[vid]["gained"] += len(gained or [])
            figs[vid]["lost"] += len(lost or [])
    today = timezone.localdate()
    for vid, status, deadline, closed_at, found_on in Problem.objects.filter(org_unit__parent=town, found_on__year=year) \
            .values_list("org_unit_id", "status", "deadline", "closed_at", "found_on"):
        f = figs.get(vid)
        if f is None:
            continue
        f["problems"] += 1
        if status == ProblemStatus.CLOSED and closed_at:
            closed_on = timezone.localdate(closed_at)
            f["problems_closed"] += 1
            f["closing_days_sum"] += max(0, (closed_on - found_on).days)
            if closed_on <= deadline:
                f["problems_closed_on_time"] += 1
        elif deadline < today:
            f["problems_open_overdue"] += 1
    tasks = (LedgerTask.objects.filter(org_unit__parent=town, year=year).exclude(status=TaskStatus.CANCELLED)
             .values("org_unit_id").annotate(n=Count("pk"), done=Count("pk", filter=Q(status=TaskStatus.DONE)),
                                             on_time=Count("pk", filter=Q(status=TaskStatus.DONE, completed_on__lte=F("deadline")))))
    for row in tasks:
        if row["org_unit_id"] in figs:
            figs[row["org_unit_id"]].update(tasks=row["n"], tasks_done=row["done"], tasks_on_time=row["on_time"])
    commitments = (Commitment.objects.filter(org_unit__parent=town, month__year=year).values("org_unit_id")
                   .annotate(n=Count("pk"), graded=Count("pk", filter=~Q(grade="")), kept=Count("pk", filter=Q(grade__in=KEPT_GRADES))))
    for row in commitments:
        if row["org_unit_id"] in figs:
            figs[row["org_unit_id"]].update(commitments=row["n"], commitments_graded=row["graded"], commitments_kept=row["kept"])
    events = ObservationEvent.objects.filter(org_unit=town, date__year=year, status=ObservationEvent.Status.PUBLISHED)
    sizes = dict(RankingEntry.objects.filter(event__in=events, rank__isnull=False).values("event_id").annotate(n=Count("pk"))
                 .values_list("event_id", "n"))
    for vid, event_id, rank in RankingEntry.objects.filter(event__in=events, rank__isnull=False).values_list("village_id", "event_id", "rank"):
        f = figs.get(vid)
        if f is None:
            continue
        size = sizes.get(event_id, 1)
        f["observations"] += 1
        f["observation_rank_sum"] += rank
        f["observation_size_sum"] += size
        f["observation_pct_sum"] += 1.0 if size <= 1 else (size - rank) / (size - 1)
    flags = (FlagEntry.objects.filter(round__town=town, round__status=FlagRound.Status.PUBLISHED, round__period_start__year=year)
             .exclude(flag="").values("village_id").annotate(red=Count("pk", filter=Q(flag="red")), black=Count("pk", filter=Q(flag="black"))))
    for row in flags:
        if row["village_id"] in figs:
            figs[row["village_id"]].update(red_flags=row["red"], black_flags=row["black"])
    for f in figs.values():
        f["reached"] = 1 if f["target"] and f["held"] >= f["target"] else 0
    return figs


def people(town) -> list[dict]:
    """The people reviewed in a town: each village's secretary and every cadre with a 包村 or 包片 duty there
    (2 queries): [{"person": Person, "kind": ..., "unit": OrgUnit, "villages": [ids], "duties": [text]}]."""
    from .models import PackKind

    out = []
    secretaries = (Person.objects.filter(org_unit__parent=town, org_unit__level=Level.VILLAGE, org_unit__active=True,
                                         position=Position.SECRETARY, active=True).select_related("org_unit").order_by("org_unit__code", "pk"))
    seen = set()
    for p in secretaries:
        if p.org_unit_id in seen:  # one secretary per village; a stray second record is not reviewed twice
            continue
        seen.add(p.org_unit_id)
        out.append({"person": p, "kind": PackKind.SECRETARY, "unit": p.org_unit, "villages": [p.org_unit_id],
                    "duties": [f"{p.org_unit.display_name}党支部书记"]})
    area_villages = defaultdict(list)
    for pk, area_id in OrgUnit.objects.filter(parent=town, level=Level.VILLAGE, active=True, area__isnull=False).values_list("pk", "area_id"):
        area_villages[area_id].append(pk)
    duties = (Responsibility.objects.filter(duty__in=[Duty.VILLAGE, Duty.AREA], person__active=True)
              .filter(Q(org_unit=town) | Q(org_unit__parent=town)).select_related("person", "person__org_unit", "org_unit", "area")
              .order_by("person_id", "pk"))
    cadres: dict[int, dict] = {}
    for r in duties:
        entry = cadres.setdefault(r.person_id, {"person": r.person, "kind": PackKind.CADRE, "unit": r.person.org_unit,
                                                "villages": [], "duties": []})
        if r.duty == Duty.AREA and r.area_id:
            entry["villages"] += [v for v in area_villages.get(r.area_id, []) if v not in entry["villages"]]
            entry["duties"].append(f"包片：{r.area.name}")
        elif r.duty == Duty.VILLAGE and r.org_unit.level == Level.VILLAGE and r.org_unit.parent_id == town.pk:
            if r.org_unit_id not in entry["villages"]:
                entry["villages"].append(r.org_unit_id)
            entry["duties"].append(f"包村：{r.org_unit.display_name}")
    out += [c for c in cadres.values() if c["villages"]]
    return out


def aggregate(village_figs: dict[int, dict], village_ids: list[int]) -> dict:
    total = dict(EMPTY)
    for vid in village_ids:
        f = village_figs.get(vid)
        if f is None:
            continue
        total["villages"] += 1
        for key in SUMMED:
            total[key] += f[key]
    obs = total["observations"]
    total["observation_percentile"] = round(total["observation_pct_sum"] / obs, 4) if obs else None
    total["observation_avg_rank"] = round(total["observation_rank_sum"] / obs, 1) if obs else None
    total["closing_days_avg"] = round(total["closing_days_sum"] / total["problems_closed"], 1) if total["problems_closed"] else None
    total["observation_pct_sum"] = round(total["observation_pct_sum"], 4)
    return total
