"""The figures of a meeting's briefing, read from live data for the meeting's unit since the series' previous
meeting (a monthly summary: the month), in a fixed number of grouped queries whatever the number of villages:
supervision problems, the current round's progress, ledger tasks, earlier decisions, star holdings gained and lost,
commitments not posted, and (monthly) shortfalls against the targets. The answer is plain JSON, kept with the
briefing so the Word, PDF and phone views show the same numbers."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from fivestar.orgs.models import Level, OrgUnit
from fivestar.planning.models import Commitment, LedgerStats, LedgerTask
from fivestar.planning.models.ledger import OPEN_TASK_STATUSES, TaskStatus
from fivestar.planning.services import StarCatalog, progress_for
from fivestar.rating.models import Round, RoundUnitStats, StarHolding
from fivestar.rating.models.assessment import Status as AStatus
from fivestar.supervision.models import Problem, ProblemStats
from fivestar.supervision.models.problem import OPEN_STATUSES

from ..models import MeetingKind
from .meetings import previous_decisions, previous_meeting

LIST = 30  # rows of each list printed in the briefing
TASK_LABEL = dict(TaskStatus.choices)
SELF_DONE = {AStatus.SUBMITTED, AStatus.TOWN_APPROVED, AStatus.COUNTY_APPROVED, AStatus.CITY_APPROVED,
             AStatus.PROVINCE_APPROVED, AStatus.RECOGNISED}
REVIEWED = SELF_DONE - {AStatus.SUBMITTED}


def period(meeting) -> tuple[datetime.date, datetime.date]:
    until = meeting.date
    if meeting.kind == MeetingKind.MONTHLY:
        return until.replace(day=1), until
    last = previous_meeting(meeting)
    return (last.date + datetime.timedelta(days=1) if last else until - datetime.timedelta(days=7)), until


def _name(path_names: dict, village_id) -> str:
    return path_names.get(village_id, "")


def problems(unit, since, until, names) -> dict:
    inside = Problem.objects.filter(org_unit__path__startswith=unit.path)
    counts = inside.aggregate(
        new=Count("id", filter=Q(found_on__gte=since, found_on__lte=until)),
        closed=Count("id", filter=Q(closed_at__date__gte=since, closed_at__date__lte=until)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, overdue=True)))
    kept = ProblemStats.objects.filter(unit=unit).values("open", "total").first() or {"open": 0, "total": 0}
    worst = (inside.filter(status__in=OPEN_STATUSES, overdue=True).values("org_unit_id")
             .annotate(n=Count("id")).order_by("-n", "org_unit_id")[:LIST])
    return {**counts, "open": kept["open"], "total": kept["total"],
            "overdue_by_village": [{"village": _name(names, r["org_unit_id"]), "count": r["n"]} for r in worst]}


def round_progress(unit) -> dict | None:
    row = (RoundUnitStats.objects.filter(unit=unit, round__phase=Round.Phase.OPEN).select_related("round")
           .order_by("-round__period_start", "-round_id").first())
    if row is None:
        row = RoundUnitStats.objects.filter(unit=unit).select_related("round").order_by("-round__period_start", "-round_id").first()
    if row is None:
        return None
    by = row.by_status or {}
    total = row.total or 0
    submitted = sum(by.get(s, 0) for s in SELF_DONE)
    reviewed = sum(by.get(s, 0) for s in REVIEWED)
    label = dict(AStatus.choices)
    return {"round": row.round.name, "total": total, "submitted": submitted, "reviewed": reviewed,
            "not_started": by.get(AStatus.NOT_STARTED, 0) + by.get(AStatus.IN_PROGRESS, 0),
            "returned": by.get(AStatus.RETURNED, 0),
            "by_status": [{"status": label.get(k, k), "count": v} for k, v in by.items() if v]}


def ledger(unit, since, until, names) -> dict:
    year = until.year
    kept = LedgerStats.objects.filter(unit=unit, year=year).values("open", "overdue", "total").first() or {"open": 0, "overdue": 0, "total": 0}
    soon = until + datetime.timedelta(days=7)
    base = LedgerTask.objects.filter(org_unit__path__startswith=unit.path, status__in=OPEN_TASK_STATUSES)
    rows = (base.filter(Q(overdue=True) | Q(deadline__lte=soon)).select_related("responsible")
            .order_by("-overdue", "deadline", "id")[:LIST])
    counts = base.aggregate(due=Count("id", filter=Q(overdue=False, deadline__lte=soon)))
    done = LedgerTask.objects.filter(org_unit__path__startswith=unit.path, status=TaskStatus.DONE,
                                     completed_on__gte=since, completed_on__lte=until).count()
    return {**kept, "due_soon": counts["due"], "done_in_period": done,
            "tasks": [{"village": _name(names, t.org_unit_id), "title": t.title, "owner": getattr(t.responsible, "name", ""),
                       "deadline": t.deadline.isoformat(), "status": "已逾期" if t.overdue else TASK_LABEL[t.status]} for t in rows]}


def decisions(meeting, names) -> list[dict]:
    out = []
    rows = previous_decisions(meeting, open_only=False).filter(
        Q(meeting__date__gte=_decisions_since(meeting)) | Q(task__status__in=OPEN_TASK_STATUSES))
    for d in rows[:LIST * 2]:
        status = d.task.status if d.task else ""
        out.append({"meeting": d.meeting.title, "text": d.text, "owner": d.owner.name, "deadline": d.deadline.isoformat(),
                    "village": _name(names, d.village_id),
                    "status": ("已逾期" if d.task and d.task.overdue else TASK_LABEL.get(status, "未建任务"))})
    return out


def _decisions_since(meeting) -> datetime.date:
    """Open decisions of any earlier meeting of the series, plus everything decided at the last one."""
    last = previous_meeting(meeting)
    return last.date if last else meeting.date


def _bounds(since, until) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as local-time instants: the start of `since` and the end of `until`."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=zone)
    return start, datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)


def _held(gained_at, lost_at, instant) -> bool:
    return gained_at < instant and (lost_at is None or lost_at >= instant)


def stars_moved(unit, since, until, names) -> dict:
    """Villages that moved up or down by stars held: the stars a village held when the period began against those it
    holds at its end (a star lost and won back inside the period is no move; one gained while another was withdrawn
    leaves the village level, listed with both). One query: the holdings of the villages whose stars changed."""
    start, end = _bounds(since, until)
    inside = StarHolding.objects.filter(org_unit__path__startswith=unit.path)
    changed = inside.filter(Q(gained_at__gte=start, gained_at__lt=end) | Q(lost_at__gte=start, lost_at__lt=end)).values("org_unit_id")
    rows = (inside.filter(org_unit_id__in=changed, gained_at__lt=end).filter(Q(lost_at__isnull=True) | Q(lost_at__gte=start))
            .order_by("org_unit_id", "star_code", "gained_at").values_list("org_unit_id", "star_code", "star_name", "gained_at", "lost_at"))
    before, after, label = {}, {}, {}
    for vid, code, star, gained_at, lost_at in rows:
        label[code] = star
        before.setdefault(vid, set())
        after.setdefault(vid, set())
        if _held(gained_at, lost_at, start):
            before[vid].add(code)
        if _held(gained_at, lost_at, end):
            after[vid].add(code)
    up, down, level = [], [], []
    for vid in sorted(before, key=lambda v: names.get(v, "")):
        gained = sorted(after[vid] - before[vid])
        lost = sorted(before[vid] - after[vid])
        if not gained and not lost:
            continue
        parts = (["获得" + "、".join(label[c] for c in gained)] if gained else []) + (["失去" + "、".join(label[c] for c in lost)] if lost else [])
        row = {"village": _name(names, vid), "before": len(before[vid]), "after": len(after[vid]), "stars": "；".join(parts)}
        (up if row["after"] > row["before"] else down if row["after"] < row["before"] else level).append(row)
    return {"up": up[:LIST], "down": down[:LIST], "level": level[:LIST], "up_count": len(up), "down_count": len(down)}


def commitments(unit, until, villages: list[int], names) -> dict:
    month = until.replace(day=1)
    posted = set(Commitment.objects.filter(org_unit__path__startswith=unit.path, month=month)
                 .values_list("org_unit_id", flat=True).distinct())
    missing = [v for v in villages if v not in posted]
    return {"month": f"{month:%Y年%-m月}", "villages": len(villages), "posted": len(villages) - len(missing),
            "missing": len(missing), "missing_villages": [_name(names, v) for v in missing[:LIST]]}


def shortfalls(unit, year, villages: list[int], names) -> dict:
    first = OrgUnit.objects.filter(pk=villages[0]).first() if villages else None
    star_names = StarCatalog(first).names() if first is not None else {}
    progress = progress_for(villages, year, names=star_names)
    by_star: dict[str, int] = {}
    rows = []
    for vid, p in progress.items():
        if not p["has_target"] or p["reached"]:
            continue
        for code in p["missing_stars"]:
            by_star[code] = by_star.get(code, 0) + 1
        rows.append({"village": _name(names, vid), "target": p["target_rating"], "current": p["current_rating"],
                     "missing": "、".join(p["missing_names"])})
    with_target = sum(1 for p in progress.values() if p["has_target"])
    return {"with_target": with_target, "reached": with_target - len(rows), "short": len(rows),
            "by_star": [{"star": star_names.get(c, c), "count": n} for c, n in sorted(by_star.items(), key=lambda x: -x[1])],
            "villages": rows[:LIST * 2]}


def collect(meeting) -> dict:
    unit = meeting.org_unit
    since, until = period(meeting)
    villages = dict(OrgUnit.objects.filter(path__startswith=unit.path, level=Level.VILLAGE, active=True)
                    .order_by("code").values_list("id", "name"))
    data = {"title": meeting.title, "unit": unit.display_name, "kind": meeting.get_kind_display(),
            "date": meeting.date.isoformat(), "since": since.isoformat(), "until": until.isoformat(),
            "generated_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"), "villages": len(villages),
            "problems": problems(unit, since, until, villages), "round": round_progress(unit),
            "ledger": ledger(unit, since, until, villages), "decisions": decisions(meeting, villages),
            "stars": stars_moved(unit, since, until, villages),
            "commitments": commitments(unit, until, list(villages), villages)}
    if meeting.kind == MeetingKind.MONTHLY:
        data["shortfalls"] = shortfalls(unit, until.year, list(villages), villages)
    return data
