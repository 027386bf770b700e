"""A meeting series' page (/meetings/series/<pk>/): its defaults, default attendees, latest meetings and history, and
for those who may change it (scope and rank) the edit form and 停用 / 重新启用. Another unit's series is 404."""

from django.contrib.auth.decorators import login_required
from django.db.models import Value
from django.db.models import CharField
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fivestar.core.models import AuditEvent
from fivestar.core.selectors_history import entries
from fivestar.people.models import Person

from .models import MeetingKind, MeetingSeries
from .models.meetings import WEEKDAYS
from .services import MeetingError, can_manage, outranked, save_series, set_series_active

MAX_PEOPLE = 300
HISTORY = 30


def _series(user, pk) -> MeetingSeries:
    return get_object_or_404(MeetingSeries.objects.visible_to(user).select_related("org_unit", "created_by"), pk=pk)


def series_history(series, limit: int = HISTORY) -> list[dict]:
    """The series' 操作记录 (created, changed, stopped, attendees) in words, newest first, in a fixed number of queries."""
    rows = (AuditEvent.objects.filter(model="meetings.meetingseries", object_id=str(series.pk))
            .annotate(src=Value("a", output_field=CharField())).values("src", "id", "at").order_by("-at", "-id")[:limit])
    return entries(rows)


@login_required
def detail(request, pk):
    user = request.user
    s = _series(user, pk)
    manage = can_manage(user, s.org_unit)
    above = outranked(user, s) if manage else None
    editable = manage and above is None
    people = []
    if editable:
        people = list(Person.objects.filter(org_unit__path__startswith=s.org_unit.path, active=True)
                      .select_related("org_unit").order_by("org_unit__level", "name")[:MAX_PEOPLE])
    return render(request, "meetings/series.html", {
        "page_title": s.name, "s": s, "can_manage": manage, "editable": editable, "above": above,
        "attendees": list(s.attendees.select_related("org_unit").order_by("name")), "people": people,
        "chosen": set(s.attendees.values_list("pk", flat=True)) if editable else set(),
        "meetings": list(s.meetings.order_by("-date", "-id")[:10]), "kinds": MeetingKind.choices, "weekdays": WEEKDAYS,
        "history": series_history(s), "error": request.GET.get("error", "")[:200]})


def _back(s, error=""):
    url = reverse("meetings:series", kwargs={"pk": s.pk})
    return redirect(f"{url}?error={error}" if error else url)


@login_required
@require_POST
def edit(request, pk):
    s = _series(request.user, pk)
    p = request.POST
    ids = [v for v in p.getlist("attendees") if v.isdigit() and len(v) < 19]
    people = list(Person.objects.filter(pk__in=ids))
    try:
        if len(people) != len(set(ids)) or len(ids) != len(p.getlist("attendees")):
            raise MeetingError("所选参会人员不存在。")
        save_series(request.user, unit=s.org_unit, series=s, kind=p.get("kind", ""), name=p.get("name", ""),
                    weekday=p.get("weekday", ""), place=p.get("place", ""), attendees=people)
    except MeetingError as exc:
        return _back(s, exc.message)
    return _back(s)


@login_required
@require_POST
def active(request, pk):
    s = _series(request.user, pk)
    try:
        set_series_active(request.user, s, request.POST.get("active") == "1")
    except MeetingError as exc:
        return _back(s, exc.message)
    return _back(s)
