"""/meetings/: the series and meetings a user may see (filters, pages), a new series or meeting (administrators),
and a meeting's page (attendance, minutes, decisions with their task's status, the series' open decisions, the
briefing with its progress and downloads). Every lookup is scoped: another unit's meeting is 404."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fivestar.core.pagination import paginate
from fivestar.core.roles import Action
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person
from fivestar.planning.models.ledger import TaskStatus
from fivestar.supervision.views_common import framework_names

from .models import Attendance, Briefing, Decision, Meeting, MeetingKind, MeetingSeries, MeetingStatus
from .models.meetings import WEEKDAYS
from .services import (MeetingError, add_decision, can_manage, create_meeting, previous_decisions, save_meeting,
                       save_series, set_attendance, start_briefing)
from .services.briefing_job import is_stalled

PAGE_SIZE = 20
MAX_PEOPLE = 300


def _managed_units(user) -> list[OrgUnit]:
    units = OrgUnit.objects.visible_to(user, Action.MANAGE_PLANNING).filter(level__in=(Level.TOWN, Level.COUNTY), active=True)
    return list(units.order_by("level", "code")[:200])


def _date(value):
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


@login_required
def index(request):
    user = request.user
    meetings = Meeting.objects.visible_to(user).select_related("org_unit", "series").order_by("-date", "-id")
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in MeetingKind.values:
        meetings = meetings.filter(kind=kind)
    if status in MeetingStatus.values:
        meetings = meetings.filter(status=status)
    all_series = list(MeetingSeries.objects.visible_to(user).select_related("org_unit").order_by("-active", "org_unit_id", "kind", "id")[:100])
    picked = next((s for s in all_series if str(s.pk) == request.GET.get("series", "")), None)
    if picked is not None:
        meetings = meetings.filter(series=picked)
    units = _managed_units(user)
    managed = {u.pk for u in units}
    for s in all_series:
        s.can_manage = s.org_unit_id in managed
    return render(request, "meetings/index.html", {
        "page_title": "会议调度", "page": paginate(request, meetings, PAGE_SIZE), "series_list": [s for s in all_series if s.active],
        "stopped_series": [s for s in all_series if not s.active], "picked": picked, "units": units,
        "kinds": MeetingKind.choices, "statuses": MeetingStatus.choices, "weekdays": WEEKDAYS, "kind": kind, "status": status,
        "error": request.GET.get("error", "")[:200]})


def _back(name, error="", **kw):
    url = reverse(name, kwargs=kw) if kw else reverse(name)
    return redirect(f"{url}?error={error}" if error else url)


@login_required
@require_POST
def new_series(request):
    unit = OrgUnit.objects.visible_to(request.user).filter(code=request.POST.get("unit", "")).first()
    try:
        save_series(request.user, unit=unit, kind=request.POST.get("kind", ""), name=request.POST.get("name", ""),
                    weekday=request.POST.get("weekday", 3), place=request.POST.get("place", ""))
    except MeetingError as exc:
        return _back("meetings:index", exc.message)
    return _back("meetings:index")


@login_required
@require_POST
def new_meeting(request):
    user = request.user
    series = None
    if request.POST.get("series"):
        series = MeetingSeries.objects.visible_to(user).filter(pk=_int(request.POST["series"])).select_related("org_unit").first()
        if series is None:
            raise Http404
    unit = None if series else OrgUnit.objects.visible_to(user).filter(code=request.POST.get("unit", "")).first()
    date = _date(request.POST.get("date"))
    try:
        if series is None and date is None:
            raise MeetingError("请填写会议日期。")
        meeting = create_meeting(user, series=series, unit=unit, date=date, title=request.POST.get("title", ""),
                                 place=request.POST.get("place", ""), agenda=request.POST.get("agenda", ""),
                                 kind=request.POST.get("kind") or None)
    except MeetingError as exc:
        return _back("meetings:index", exc.message)
    return redirect("meetings:meeting", pk=meeting.pk)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _meeting(user, pk) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(user).select_related("org_unit", "series"), pk=pk)


TONES = {TaskStatus.TODO: "secondary", TaskStatus.DOING: "primary", TaskStatus.DONE: "success", TaskStatus.CANCELLED: "dark"}


@login_required
def meeting(request, pk):
    user = request.user
    m = _meeting(user, pk)
    manage = can_manage(user, m.org_unit)
    stars, _rules = framework_names()
    decisions = list(Decision.objects.filter(meeting=m).select_related("owner", "village", "task"))
    carried = list(previous_decisions(m)[:100])
    for d in decisions + carried:
        d.task_status = d.task.get_status_display() if d.task else "未建任务"
        d.tone = "danger" if d.task and d.task.overdue else TONES.get(getattr(d.task, "status", ""), "secondary")
        d.star_name = stars.get(d.star_code, d.star_code)
    people = villages = []
    if manage:
        people = list(Person.objects.filter(org_unit__path__startswith=m.org_unit.path, active=True)
                      .select_related("org_unit").order_by("org_unit__level", "name")[:MAX_PEOPLE])
        villages = list(OrgUnit.objects.filter(path__startswith=m.org_unit.path, level=Level.VILLAGE, active=True)
                        .order_by("code").only("id", "code", "name")[:2000])
    briefing = Briefing.objects.filter(meeting=m).first()
    return render(request, "meetings/meeting.html", {
        "page_title": m.title, "m": m, "can_manage": manage, "attendance": list(m.attendance.select_related("person__org_unit")),
        "states": Attendance.State.choices, "decisions": decisions, "carried": carried, "people": people,
        "villages": villages, "stars": stars, **briefing_context(briefing),
        "events": list(m.events.select_related("user").order_by("-at", "-id")[:30]), "error": request.GET.get("error", "")[:200],
        "observations": list(m.observation_events.order_by("date", "id")[:20]), "is_observation": m.kind == MeetingKind.OBSERVATION,
        "default_deadline": m.date + datetime.timedelta(days=14)})


def briefing_context(briefing) -> dict:
    return {"briefing": briefing, "stalled": briefing is not None and is_stalled(briefing),
            "running": briefing is not None and briefing.status in (Briefing.Status.QUEUED, Briefing.Status.RUNNING)}


@login_required
def briefing_progress(request, pk):
    m = _meeting(request.user, pk)
    return render(request, "meetings/_briefing.html", {"m": m, "can_manage": can_manage(request.user, m.org_unit),
                                                       **briefing_context(Briefing.objects.filter(meeting=m).first())})


def _post_meeting(request, pk, action):
    m = _meeting(request.user, pk)
    try:
        action(m)
    except MeetingError as exc:
        return _back("meetings:meeting", exc.message, pk=m.pk)
    return redirect(reverse("meetings:meeting", kwargs={"pk": m.pk}))


@login_required
@require_POST
def edit(request, pk):
    p = request.POST
    return _post_meeting(request, pk, lambda m: save_meeting(
        request.user, m, date=_date(p.get("date")) or m.date, place=p.get("place", ""), agenda=p.get("agenda", ""),
        minutes=p.get("minutes", ""), held=p.get("held") == "1", version=p.get("version") or None))


@login_required
@require_POST
def attendance(request, pk):
    states = {k.removeprefix("p"): v for k, v in request.POST.items() if k.startswith("p") and k[1:].isdigit()}
    add = request.POST.get("add_person")
    if add and add.isdigit():
        states.setdefault(add, Attendance.State.PRESENT)
    return _post_meeting(request, pk, lambda m: set_attendance(request.user, m, states))


@login_required
@require_POST
def decision(request, pk):
    p = request.POST

    def act(m):
        owner = Person.objects.filter(pk=_int(p.get("owner") or 0), org_unit__path__startswith=m.org_unit.path).first()
        village = OrgUnit.objects.filter(pk=_int(p.get("village") or 0), path__startswith=m.org_unit.path).first()
        deadline = _date(p.get("deadline"))
        if deadline is None:
            raise MeetingError("请填写正确的完成时限。")
        add_decision(request.user, m, text_value=p.get("text", ""), owner=owner, deadline=deadline, village=village,
                     star_code=p.get("star_code", ""))

    return _post_meeting(request, pk, act)


@login_required
@require_POST
def briefing_start(request, pk):
    return _post_meeting(request, pk, lambda m: start_briefing(request.user, m))
