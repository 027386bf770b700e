"""The deadline panel of the round page (截止处理, counts of 未按期完成) and the closure panel of the reviewer's
page (why a branch was closed, and the county's 撤销截止处理 form)."""

import datetime

from django import template
from django.utils import timezone

from fivestar.core.roles import Action

from ..models import Assessment, AssessmentEvent, Round, Status
from ..selectors_history import person_name
from ..selectors_stats import sum_rows, viewer_rows
from ..services.access import can_act
from ..services.deadlines import DEFAULT_EXTENSION_DAYS, MAX_EXTENSION_DAYS, overdue

register = template.Library()
OVERDUE_COUNT_LIMIT = 3000  # about a large county's branches


def _user(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@register.inclusion_tag("rating/deadlines/_round_panel.html", takes_context=True)
def deadline_panel(context, rnd: Round):
    user = _user(context)
    data = {"rnd": rnd, "show": False, "csrf_token": context.get("csrf_token")}
    if user is None or rnd.phase in (Round.Phase.DRAFT, Round.Phase.OPENING):
        return data
    today = timezone.localdate()
    # 未按期完成 from the kept figures of what the user sees (a few rows); a user with no whole town (包片) counts
    # their own few branches.
    mine = viewer_rows(user, [rnd.pk]).get(rnd.pk, [])
    kept = sum_rows(mine) if mine else None
    closed = kept["by_status"].get(Status.EXPIRED, 0) if kept else Assessment.objects.filter(round=rnd, status=Status.EXPIRED).visible_to(user).count()
    managed = rnd.phase == Round.Phase.OPEN and Assessment.objects.filter(round=rnd).visible_to(user, Action.MANAGE_ROUNDS).exists()
    can_close = managed and today > rnd.self_deadline
    # Which branches are past their own deadline is decided per branch (return level, a county's later date):
    # counted here only over a bounded number of branches; beyond that the 截止处理 page lists them.
    countable = kept is None or kept["total"] <= OVERDUE_COUNT_LIMIT
    data.update(
        show=True, today=today, closed=closed,
        past_self_deadline=today > rnd.self_deadline, can_close=can_close,
        overdue=(len(overdue(rnd, today, user)) if countable else None) if can_close else 0,
        can_close_early=rnd.phase == Round.Phase.OPEN and Assessment.objects.filter(round=rnd).visible_to(user, Action.REVIEW_COUNTY).exists(),
    )
    return data


@register.inclusion_tag("rating/deadlines/_closure_panel.html", takes_context=True)
def closure_panel(context, a: Assessment):
    user = _user(context)
    data = {"a": a, "show": False, "csrf_token": context.get("csrf_token")}
    if user is None or (a.status != Status.EXPIRED and not a.deadline_override):
        return data
    event = (AssessmentEvent.objects.filter(assessment=a, action__in=[AssessmentEvent.Action.EXPIRE, AssessmentEvent.Action.RESTORE])
             .select_related("user", "user__person").order_by("-at", "-id").first())
    today = timezone.localdate()
    data.update(
        show=True, expired=a.status == Status.EXPIRED, event=event, by=person_name(event.user) if event and event.user_id else "系统（到期自动处理）",
        closed_from=Status(a.closed_from).label if a.closed_from in Status.values else "",
        can_restore=a.status == Status.EXPIRED and a.round.phase in (Round.Phase.OPEN, Round.Phase.NOTICE) and can_act(user, a, "county"),
        default_until=today + datetime.timedelta(days=DEFAULT_EXTENSION_DAYS), min_until=today,
        max_until=today + datetime.timedelta(days=MAX_EXTENSION_DAYS),
    )
    return data
