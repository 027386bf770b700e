"""Read side of planning: scoped querysets for lists (one query per page whatever the size) and kept counts.
Every list is narrowed in SQL to the user's org subtree (`visible_to`)."""

import datetime

from django.db.models import F, FilteredRelation, Q
from django.utils import timezone

from fivestar.orgs.models import Level, OrgUnit

from .models import Commitment, LedgerStats, LedgerTask
from .models.ledger import OPEN_TASK_STATUSES

TASK_RELATED = ("org_unit", "org_unit__parent", "responsible")


def _as_list(value):
    if value in (None, "", [], ()):
        return []
    return [value] if isinstance(value, str) else list(value)


def tasks_for(user, unit=None, area=None, status=None, star=None, overdue=None, responsible=None, q=None, year=None,
              source=None, today: datetime.date | None = None):
    """The ledger tasks `user` may see, filtered; ordered by deadline. `overdue` is read from the date (open and
    past the deadline, Asia/Shanghai), so the list is right before the daily job has run. `responsible`: a Person
    (or its id)."""
    qs = LedgerTask.objects.visible_to(user).select_related(*TASK_RELATED)
    if unit is not None:
        qs = qs.filter(org_unit__path__startswith=unit.path)
    if area is not None:
        qs = qs.filter(org_unit__area=area)
    if year:
        qs = qs.filter(year=year)
    if statuses := _as_list(status):
        qs = qs.filter(status__in=statuses)
    if stars := _as_list(star):
        qs = qs.filter(star_code__in=stars)
    if sources := _as_list(source):
        qs = qs.filter(source__in=sources)
    if responsible is not None:
        qs = qs.filter(responsible_id=getattr(responsible, "pk", responsible))
    if overdue is not None:
        late = Q(status__in=OPEN_TASK_STATUSES, deadline__lt=today or timezone.localdate())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if q := (q or "").strip():
        qs = qs.filter(Q(title__contains=q) | Q(org_unit__display_name__contains=q) | Q(org_unit__name__contains=q)
                       | Q(responsible__name__contains=q) | Q(rule_code__startswith=q))
    return qs.order_by("deadline", "id")


def task_for(user, pk):
    """One task the user may see (None otherwise: the caller answers 404)."""
    return LedgerTask.objects.visible_to(user).select_related(*TASK_RELATED, "created_by", "problem").filter(pk=pk).first()


def task_history(task):
    return task.events.select_related("user", "user__person").order_by("at", "id")


def targets_for(user, unit, year):
    """The villages under `unit` the user may see, each with its target for `year` (one query, left join):
    `target_id` (None without a target), `target_category`, `target_rating`, `target_stars`; ordered by code."""
    return _villages(user, unit).annotate(
        year_target=FilteredRelation("targets", condition=Q(targets__year=year)),
    ).annotate(target_id=F("year_target__id"), target_category=F("year_target__category"),
               target_rating=F("year_target__target_rating"), target_stars=F("year_target__target_stars"),
               target_updated_at=F("year_target__updated_at")).select_related("parent", "area").order_by("code")


def _villages(user, unit):
    qs = OrgUnit.objects.visible_to(user).filter(level=Level.VILLAGE, active=True)
    return qs.filter(path__startswith=unit.path) if unit is not None else qs


def commitments_for(user, village=None, month=None, unit=None, person=None):
    """The commitments `user` may see (of one village, one month, under a unit, of one person), newest month first."""
    qs = Commitment.objects.visible_to(user).select_related("org_unit", "person", "task", "graded_by")
    if village is not None:
        qs = qs.filter(org_unit=village)
    if unit is not None:
        qs = qs.filter(org_unit__path__startswith=unit.path)
    if month is not None:
        from .services.commitments import month_start

        qs = qs.filter(month=month_start(month))
    if person is not None:
        qs = qs.filter(person_id=getattr(person, "pk", person))
    return qs.order_by("-month", "org_unit__code", "person_id", "id")


EMPTY = {"total": 0, "open": 0, "overdue": 0, "by_status": {}}


def _figures(row) -> dict:
    if row is None:
        return dict(EMPTY, by_status={})
    return {"total": row.total, "open": row.open, "overdue": row.overdue,
            "by_status": {k: v for k, v in (row.by_status or {}).items() if v}}


def ledger_stats_for(year, *, unit=None, area=None) -> dict:
    """Kept ledger counts of one unit or area for a year ({"total", "open", "overdue", "by_status"}); zeros when none."""
    filters = {"unit": unit} if unit is not None else {"area": area}
    return _figures(LedgerStats.objects.filter(year=year, **filters).first())


def ledger_stats_by(kind: str, ids, year) -> dict[int, dict]:
    """Kept counts for many units or areas at once (`kind` "unit" or "area"): id → figures."""
    ids = [i for i in ids if i]
    rows = {getattr(r, f"{kind}_id"): r for r in LedgerStats.objects.filter(year=year, **{f"{kind}_id__in": ids})}
    return {i: _figures(rows.get(i)) for i in ids}
