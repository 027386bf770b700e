"""The weekly visit plan (周督导计划): every village a team is assigned is visited at least once in every cycle of
N weeks (N = its town's `visit_within_weeks`), villages spread evenly over the weeks of a cycle.

Weeks are numbered from a fixed Monday, so the plan does not depend on which week it was generated from:
generating again (any range) gives the same rows, keeps the rows the team moved by hand (`adjusted`) and the
rows already visited, and a cycle that holds such a row needs no generated visit."""

import datetime
from collections import defaultdict

from django.db import IntegrityError, transaction

from ..models import VisitPlan
from .access import can_manage, can_supervise
from .audit import record
from .errors import SupervisionError
from .settings import settings_for, town_of

EPOCH = datetime.date(2001, 1, 1)  # a Monday


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_number(day: datetime.date) -> int:
    return (monday(day) - EPOCH).days // 7


def _week(number: int) -> datetime.date:
    return EPOCH + datetime.timedelta(weeks=number)


def _every(villages) -> dict[int, int]:
    """village id → N, from each village's town settings (one query per town)."""
    by_town, out = {}, {}
    for village in villages:
        town = town_of(village)
        key = getattr(town, "pk", None)
        if key not in by_town:
            by_town[key] = max(1, settings_for(town or village).visit_within_weeks or 1)
        out[village.pk] = by_town[key]
    return out


def desired_rows(villages, first: int, last: int, kept: dict[int, set[int]]) -> set[tuple[int, int]]:
    """(village id, week number) the plan wants in weeks first..last: per village a slot week per cycle, unless
    that cycle already holds a kept visit."""
    every = _every(villages)
    rank = defaultdict(int)
    out = set()
    for village in sorted(villages, key=lambda v: v.code):
        n = every[village.pk]
        slot = rank[n] % n
        rank[n] += 1
        kept_cycles = {(w - slot) // n for w in kept.get(village.pk, ())}
        for w in range(first, last + 1):
            if (w - slot) % n == 0 and (w - slot) // n not in kept_cycles:
                out.add((village.pk, w))
    return out


def generate_plan(team, user, start_week: datetime.date, weeks: int) -> int:
    """(Re)generate the team's plan for `weeks` weeks from the week of `start_week`; returns the rows created.
    Idempotent; rows moved by hand and rows already visited are kept."""
    if not (can_manage(user, team.org_unit) or can_supervise(user, team.org_unit)):
        raise SupervisionError(f"您无权为督导组「{team.name}」制定督导计划。")
    if not 1 <= int(weeks) <= 53:
        raise SupervisionError("计划周数应在 1 到 53 之间。")
    villages = list(team.villages.select_related("parent").all())
    first, last = week_number(start_week), week_number(start_week) + int(weeks) - 1
    horizon = max(_every(villages).values(), default=1)
    with transaction.atomic():
        rows = list(VisitPlan.objects.select_for_update().filter(
            team=team, week_start__range=(_week(first - horizon), _week(last + horizon))))
        kept = defaultdict(set)
        for row in rows:
            if row.adjusted or row.inspection_id:
                kept[row.village_id].add(week_number(row.week_start))
        want = desired_rows(villages, first, last, kept)
        have = {(r.village_id, week_number(r.week_start)): r for r in rows}
        stale = [r.pk for key, r in have.items() if first <= key[1] <= last and key not in want
                 and not r.adjusted and not r.inspection_id]
        VisitPlan.objects.filter(pk__in=stale).delete()
        fresh = [VisitPlan(team=team, village_id=v, week_start=_week(w), updated_by=user) for v, w in sorted(want) if (v, w) not in have]
        VisitPlan.objects.bulk_create(fresh, ignore_conflicts=True)
        if fresh or stale:
            record(user, team, team.org_unit, summary=f"生成督导计划：自 {_week(first):%Y-%m-%d} 起 {int(weeks)} 周，"
                                                       f"新增 {len(fresh)} 条，移除 {len(stale)} 条")
    return len(fresh)


def move_visit(plan_row, user, week_start: datetime.date) -> VisitPlan:
    """Move one planned visit to another week (the row is then kept by later generations)."""
    team = plan_row.team
    if not (can_manage(user, team.org_unit) or can_supervise(user, team.org_unit)):
        raise SupervisionError(f"您无权调整督导组「{team.name}」的督导计划。")
    if not isinstance(week_start, datetime.date):
        raise SupervisionError("请选择要调整到的周。")
    week_start = monday(week_start)
    try:
        with transaction.atomic():
            row = VisitPlan.objects.select_for_update(of=("self",)).select_related("village").get(pk=plan_row.pk)
            if row.inspection_id:
                raise SupervisionError("该村本周已督导，不能再调整。")
            if row.week_start == week_start:
                return row
            old = row.week_start
            row.week_start, row.adjusted, row.updated_by = week_start, True, user
            row.save(update_fields=["week_start", "adjusted", "updated_by", "updated_at"])
            record(user, team, team.org_unit, changes=[{"field": "week_start", "label": f"{row.village.display_name}督导周",
                                                        "old": f"{old:%Y-%m-%d}", "new": f"{week_start:%Y-%m-%d}"}])
    except IntegrityError:
        raise SupervisionError(f"该村在 {week_start:%Y-%m-%d} 这一周已有督导计划。") from None
    return row


def add_visit(team, user, village, week_start: datetime.date) -> VisitPlan:
    """Add a visit by hand (kept by later generations)."""
    if not (can_manage(user, team.org_unit) or can_supervise(user, team.org_unit)):
        raise SupervisionError(f"您无权调整督导组「{team.name}」的督导计划。")
    if not team.villages.filter(pk=village.pk).exists():
        raise SupervisionError(f"「{village.display_name}」不是督导组「{team.name}」负责的村。")
    row, created = VisitPlan.objects.get_or_create(team=team, village=village, week_start=monday(week_start),
                                                   defaults={"adjusted": True, "updated_by": user})
    if created:
        record(user, team, team.org_unit, summary=f"增加督导计划：{village.display_name}，{row.week_start:%Y-%m-%d} 这一周")
    return row
