"""Read side of supervision: scoped querysets for lists (one query per page whatever the size) and kept counts."""

import datetime

from django.db.models import Q
from django.utils import timezone

from fivestar.core.roles import Action
from fivestar.core.scoping import scope_q

from .models import Inspection, Problem, ProblemStats, SupervisionTeam, VisitPlan
from .models.problem import OPEN_STATUSES

LIST_RELATED = ("org_unit", "org_unit__parent", "responsible", "team")


def _as_list(value):
    if value in (None, "", [], ()):
        return []
    return [value] if isinstance(value, str) else list(value)


def problems_for(user, *, unit=None, area=None, team=None, status=None, star=None, severity=None, overdue=None,
                 period=None, q=None, today: datetime.date | None = None):
    """The problems `user` may see, filtered; ordered by deadline. `overdue` is read from the date (open and past the
    deadline, Asia/Shanghai), so the list is right before the daily job has run. `period` = (start, end) of the
    date found (either end may be None)."""
    qs = Problem.objects.visible_to(user).select_related(*LIST_RELATED)
    if unit is not None:
        qs = qs.filter(org_unit__path__startswith=unit.path)
    if area is not None:
        qs = qs.filter(org_unit__area=area)
    if team is not None:
        qs = qs.filter(team=team)
    if statuses := _as_list(status):
        qs = qs.filter(status__in=statuses)
    if stars := _as_list(star):
        qs = qs.filter(star_code__in=stars)
    if severities := _as_list(severity):
        qs = qs.filter(severity__in=severities)
    if overdue is not None:
        late = Q(status__in=OPEN_STATUSES, deadline__lt=today or timezone.localdate())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if period:
        start, end = period
        if start:
            qs = qs.filter(found_on__gte=start)
        if end:
            qs = qs.filter(found_on__lte=end)
    if q := (q or "").strip():
        qs = qs.filter(Q(description__contains=q) | Q(org_unit__display_name__contains=q) | Q(org_unit__name__contains=q)
                       | Q(responsible__name__contains=q) | Q(rule_code__startswith=q))
    return qs.order_by("deadline", "id")


def village_open_problems(village, rule_codes=None, star_codes=None):
    """A village's open problems, for the rating review page's 督导 section (optionally only those linked to some
    rules or stars). The caller has already checked the user may see the village."""
    qs = Problem.objects.filter(org_unit=village, status__in=OPEN_STATUSES).select_related("responsible", "team")
    if rule_codes is not None:
        qs = qs.filter(rule_code__in=list(rule_codes))
    if star_codes is not None:
        qs = qs.filter(star_code__in=list(star_codes))
    return qs.order_by("deadline", "id")


def problem_for(user, pk):
    """One problem the user may see (None otherwise: the caller answers 404)."""
    return (Problem.objects.visible_to(user).select_related(*LIST_RELATED, "inspection", "created_by", "closed_by")
            .filter(pk=pk).first())


def problem_history(problem):
    return problem.events.select_related("user", "user__person").order_by("at", "id")


def teams_for(user, unit=None, active=True):
    qs = SupervisionTeam.objects.visible_to(user).select_related("org_unit", "leader")
    if unit is not None:
        qs = qs.filter(org_unit__path__startswith=unit.path)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("org_unit__path", "name")


def inspections_for(user, *, team=None, village=None, period=None):
    """Inspections the user may see: those run by a unit in their scope and those naming a village in it."""
    inside = Inspection.objects.filter(scope_q(user, Action.VIEW, "villages__")).values("pk")
    qs = (Inspection.objects.filter(Q(scope_q(user, Action.VIEW, "org_unit__")) | Q(pk__in=inside))
          .select_related("org_unit", "team", "created_by"))
    if team is not None:
        qs = qs.filter(team=team)
    if village is not None:
        qs = qs.filter(villages=village)
    if period:
        start, end = period
        if start:
            qs = qs.filter(date__gte=start)
        if end:
            qs = qs.filter(date__lte=end)
    return qs.order_by("-date", "-id")


def plan_for(team, start: datetime.date, end: datetime.date):
    """The team's plan rows between two dates, with the village and the inspection that visited it."""
    return (VisitPlan.objects.filter(team=team, week_start__range=(start, end))
            .select_related("village", "inspection").order_by("week_start", "village__code"))


EMPTY = {"total": 0, "open": 0, "overdue": 0, "by_status": {}}


def _figures(row) -> dict:
    if row is None:
        return dict(EMPTY, by_status={})
    return {"total": row.total, "open": row.open, "overdue": row.overdue, "by_status": dict(row.by_status or {})}


def stats_for(*, unit=None, area=None, team=None) -> dict:
    """Kept counts of one unit, area or team ({"total", "open", "overdue", "by_status"}); zeros when none."""
    filters = {"unit": unit} if unit is not None else {"area": area} if area is not None else {"team": team}
    return _figures(ProblemStats.objects.filter(**filters).first())


def stats_by(kind: str, ids) -> dict[int, dict]:
    """Kept counts for many units / areas / teams at once (`kind` is "unit", "area" or "team"): id → figures."""
    ids = [i for i in ids if i]
    rows = {getattr(r, f"{kind}_id"): r for r in ProblemStats.objects.filter(**{f"{kind}_id__in": ids})}
    return {i: _figures(rows.get(i)) for i in ids}
