"""Reads for the 截止处理 page: the branches the county may close early, and those closed, with why and by whom.
A fixed number of queries whatever the number of branches."""

from fivestar.core.roles import Action
from fivestar.core.selectors_history import actor_labels

from .models import Assessment, AssessmentEvent, Round, Status
from .services.deadlines import deadline_for, early_closable, overdue, stage_of

ROW_FIELDS = ("id", "status", "return_comments", "deadline_override", "closed_from", "progress_done", "progress_total", "version",
              "round_id", "town_id", "org_unit_id", "org_unit__code", "org_unit__display_name", "org_unit__branch_type",
              "org_unit__parent_id", "org_unit__parent__code", "org_unit__parent__display_name")


def _rows(qs):
    return list(qs.select_related("org_unit", "org_unit__parent").only(*ROW_FIELDS).order_by("org_unit__parent__path", "org_unit__code"))


def towns(rnd: Round, user) -> list[dict]:
    """The towns of the round's branches the user sees (for the filter), with how many are still with the village."""
    from django.db.models import Count, Q

    return list(
        Assessment.objects.filter(round=rnd).visible_to(user).order_by("org_unit__parent__path")
        .values("org_unit__parent__code", "org_unit__parent__display_name")
        .annotate(n=Count("id"), expired=Count("id", filter=Q(status=Status.EXPIRED)))
    )


def early_rows(rnd: Round, user, town_code: str = "") -> list[dict]:
    """Branches still with the village that the user (county authority) may close before their deadline."""
    qs = early_closable(rnd, user)
    if town_code:
        qs = qs.filter(org_unit__parent__code=town_code)
    out = []
    for a in _rows(qs):
        stage, _ = stage_of(rnd, a.status, a.return_comments)
        out.append({"a": a, "stage": stage, "deadline": deadline_for(rnd, a)})
    return out


def closed_rows(rnd: Round, user, town_code: str = "") -> list[dict]:
    """Branches closed as 未按期完成 the user sees, each with its latest closure: reason, by whom (or the system), when."""
    qs = Assessment.objects.filter(round=rnd, status=Status.EXPIRED).visible_to(user)
    if town_code:
        qs = qs.filter(org_unit__parent__code=town_code)
    rows = _rows(qs)
    latest: dict[int, AssessmentEvent] = {}
    events = (AssessmentEvent.objects.filter(assessment_id__in=[a.pk for a in rows], action=AssessmentEvent.Action.EXPIRE)
              .only("id", "assessment_id", "user_id", "level", "reason", "at").order_by("assessment_id", "at", "id"))
    for e in events:
        latest[e.assessment_id] = e
    labels = actor_labels({e.user_id for e in latest.values() if e.user_id})
    out = []
    for a in rows:
        e = latest.get(a.pk)
        by = (labels.get(e.user_id, "") if e.user_id else "系统（到期自动处理）") if e else ""
        out.append({"a": a, "event": e, "by": by, "closed_from": Status(a.closed_from).label if a.closed_from in Status.values else ""})
    return out


def overdue_count(rnd: Round, user) -> int:
    if not Assessment.objects.filter(round=rnd).visible_to(user, Action.MANAGE_ROUNDS).exists():
        return 0
    return len(overdue(rnd, None, user))
