"""A team's weekly visit plan (周督导计划): generated so every assigned village is visited within the town's N
weeks; per week what was planned, visited and missed; a visit moved to another week. Three queries for the
page whatever the number of weeks and villages (the team, its plan rows, the villages its inspections named)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .models import Inspection, SupervisionTeam, VisitPlan
from .services import SupervisionError, can_manage, can_supervise, generate_plan, move_visit
from .views_common import crumbs, parse_date, tabs, today, week_start

WEEKS_SHOWN = 12
WEEKS_BEFORE = 4
MAX_GENERATE_WEEKS = 26
NOT_FOUND = "督导组不存在或不在您的管辖范围内"


def _team(user, pk) -> SupervisionTeam:
    team = SupervisionTeam.objects.visible_to(user).select_related("org_unit", "leader").filter(pk=pk).first()
    if team is None:
        raise Http404(NOT_FOUND)
    return team


def _weeks(team, first: datetime.date, on: datetime.date) -> list[dict]:
    last = first + datetime.timedelta(weeks=WEEKS_SHOWN)
    rows = list(VisitPlan.objects.filter(team=team, week_start__gte=first, week_start__lt=last).select_related("village")
                .order_by("week_start", "village__path"))
    visits = (Inspection.villages.through.objects
              .filter(inspection__team=team, inspection__date__gte=first, inspection__date__lt=last)
              .values_list("inspection__date", "orgunit_id", "orgunit__display_name"))
    visited: dict[datetime.date, dict[int, str]] = {}
    for day, village_id, name in visits:
        visited.setdefault(week_start(day), {})[village_id] = name
    this_week = week_start(on)
    weeks = []
    for i in range(WEEKS_SHOWN):
        start = first + datetime.timedelta(weeks=i)
        seen = visited.get(start, {})
        items = []
        for r in (r for r in rows if r.week_start == start):
            done = bool(r.inspection_id) or r.village_id in seen
            r.state = "visited" if done else ("missed" if start < this_week else ("current" if start == this_week else "planned"))
            items.append(r)
        planned_ids = {r.village_id for r in items}
        extra = [name for vid, name in seen.items() if vid not in planned_ids]
        weeks.append({"start": start, "end": start + datetime.timedelta(days=6), "items": items, "extra": extra,
                      "current": start == this_week, "past": start < this_week,
                      "visited": sum(r.state == "visited" for r in items), "missed": sum(r.state == "missed" for r in items)})
    return weeks


@login_required
def plan(request, pk):
    user = request.user
    team = _team(user, pk)
    on = today()
    first = week_start(parse_date(request.GET.get("from")) or on - datetime.timedelta(weeks=WEEKS_BEFORE))
    weeks = _weeks(team, first, on)
    this_week = week_start(on)
    context = {
        "page_title": f"周督导计划 · {team.name}", "tabs": tabs(user, "teams"), "team": team, "weeks": weeks, "first": first,
        "prev": first - datetime.timedelta(weeks=WEEKS_SHOWN), "next": first + datetime.timedelta(weeks=WEEKS_SHOWN),
        "this_week": this_week, "move_weeks": [w["start"] for w in weeks if not w["past"]],
        "totals": {k: sum(w[k] for w in weeks) for k in ("visited", "missed")} | {"planned": sum(len(w["items"]) for w in weeks)},
        "can_generate": can_manage(user, team.org_unit) or can_supervise(user, team.org_unit),
        "can_move": can_manage(user, team.org_unit) or can_supervise(user, team.org_unit),
        "max_weeks": MAX_GENERATE_WEEKS,
        "breadcrumbs": crumbs({"label": "督导组与计划", "url": reverse("supervision:teams")}, {"label": team.name}),
    }
    return render(request, "supervision/plan.html", context)


@login_required
@require_POST
def generate(request, pk):
    team = _team(request.user, pk)
    start = parse_date(request.POST.get("start")) or today()
    try:
        weeks = int(request.POST.get("weeks") or 8)
    except ValueError:
        weeks = 0
    if not 1 <= weeks <= MAX_GENERATE_WEEKS:
        messages.error(request, f"生成周数须在 1 到 {MAX_GENERATE_WEEKS} 之间。")
        return redirect("supervision:plan", pk=team.pk)
    try:
        with transaction.atomic():
            made = generate_plan(team, request.user, week_start(start), weeks)
    except SupervisionError as exc:
        messages.error(request, exc.message)
        return redirect("supervision:plan", pk=team.pk)
    messages.success(request, f"已按每村至少每 N 周一次生成 {weeks} 周的计划，新增 {made} 条；手工调整过的计划保持不变。")
    return redirect(f"{reverse('supervision:plan', args=[team.pk])}?from={week_start(start).isoformat()}")


@login_required
@require_POST
def move(request, pk):
    row = VisitPlan.objects.visible_to(request.user).select_related("team", "team__org_unit", "village").filter(pk=pk).first()
    if row is None:
        raise Http404("计划不存在或不在您的管辖范围内")
    day = parse_date(request.POST.get("week"))
    back = parse_date(request.POST.get("from"))
    url = reverse("supervision:plan", args=[row.team_id]) + (f"?from={back.isoformat()}" if back else "")
    if day is None:
        messages.error(request, "请选择要调整到的周。")
        return redirect(url)
    try:
        with transaction.atomic():
            move_visit(row, request.user, week_start(day))
    except SupervisionError as exc:
        messages.error(request, exc.message)
        return redirect(url)
    messages.success(request, f"{row.village.display_name}的督导已调整到 {week_start(day):%-m月%-d日} 这一周。")
    return redirect(url)
