"""Pages under /observation/: events and flag rounds (scoped lists), an observer's phone score sheet, the ranking
(publish, xlsx), a flag round (propose, confirm, publish) and a village's history."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fivestar.core.pagination import paginate
from fivestar.orgs.models import Level, OrgUnit

from .exports import ranking_response
from .models import FlagEntry, FlagRound, ObservationEvent, ObservationScore, RankingEntry
from .services.access import can_manage, can_view, is_observer
from .services.errors import ObservationError
from .services.events import compute_ranking, link_meeting, observation_meetings, publish_ranking, save_scores
from .services.flags import adjust_flag, confirm_flags, propose_flags, publish_flags


@login_required
def index(request):
    user = request.user
    events = ObservationEvent.objects.visible_to(user).select_related("org_unit") | ObservationEvent.objects.filter(observers=user).select_related("org_unit")
    rounds = FlagRound.objects.visible_to(user).select_related("town")
    towns = [u for u in OrgUnit.objects.visible_to(user).filter(level=Level.TOWN).order_by("code")[:50] if can_manage(user, u)]
    return render(request, "observation/index.html", {"events": paginate(request, events.distinct().order_by("-date", "-id")),
                                                      "rounds": rounds[:24], "towns": towns, "can_create": bool(towns) or any(
                                                          can_manage(user, u) for u in OrgUnit.objects.visible_to(user).filter(level=Level.COUNTY)[:5]), "today": timezone.localdate()})


def _event(request, pk):
    event = get_object_or_404(ObservationEvent.objects.select_related("org_unit", "meeting"), pk=pk)
    if not (can_view(request.user, event.org_unit) or is_observer(request.user, event)):
        raise Http404
    return event


@login_required
def score(request, pk):
    event = _event(request, pk)
    if not is_observer(request.user, event):
        raise Http404
    villages = list(event.villages.order_by("code"))
    if request.method == "POST":
        village = next((v for v in villages if str(v.pk) == request.POST.get("village")), None)
        if village is None:
            raise Http404
        try:
            save_scores(request.user, event, village, {k[5:]: v for k, v in request.POST.items() if k.startswith("item-")})
            messages.success(request, f"已保存对「{village.display_name}」的评分。")
            return redirect("observation:score", pk=event.pk)
        except ObservationError as e:
            messages.error(request, e.message)
    mine = {}
    for village_id, item_id, value in ObservationScore.objects.filter(event=event, observer=request.user).values_list("village_id", "item_id", "value"):
        mine.setdefault(village_id, {})[item_id] = value
    items = list(event.items.all())
    rows = [{"village": v, "items": [{"item": i, "value": mine.get(v.pk, {}).get(i.pk, "")} for i in items],
             "done": len(mine.get(v.pk, {})) == len(items)} for v in villages]
    return render(request, "observation/score.html", {"event": event, "rows": rows})


@login_required
def ranking(request, pk):
    event = _event(request, pk)
    if request.method == "POST":
        try:
            publish_ranking(request.user, event)
            messages.success(request, "排名已发布。")
        except ObservationError as e:
            messages.error(request, e.message)
        return redirect("observation:ranking", pk=pk)
    published = event.status == ObservationEvent.Status.PUBLISHED
    if published:
        rows = [{"code": r.village.code, "name": r.village.display_name, "score": r.score, "rank": r.rank, "observers": r.observer_count,
                 "dropped": r.dropped_extremes} for r in event.ranking.select_related("village").order_by("rank", "village__code")]
        rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["code"]))
    else:
        rows = compute_ranking(event)
    manage = can_manage(request.user, event.org_unit)
    return render(request, "observation/ranking.html", {"event": event, "rows": rows, "published": published, "manage": manage,
                                                        "items": event.items.all(), "meetings": list(observation_meetings(event.org_unit)[:50]) if manage else []})


@login_required
@require_POST
def event_meeting(request, pk):
    """关联 / 取消关联 the event's 季观摩会."""
    event = _event(request, pk)
    raw = request.POST.get("meeting", "")
    meeting = observation_meetings(event.org_unit).filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
    try:
        if raw and meeting is None:
            raise ObservationError("所选季观摩会不存在。")
        link_meeting(request.user, event, meeting)
        messages.success(request, "已关联季观摩会。" if meeting else "已取消关联。")
    except ObservationError as e:
        messages.error(request, e.message)
    return redirect("observation:ranking", pk=pk)


@login_required
def ranking_export(request, pk):
    event = _event(request, pk)
    if event.status != ObservationEvent.Status.PUBLISHED:
        raise Http404
    return ranking_response(event)


@login_required
def flags_propose(request):
    if request.method != "POST":
        return redirect("observation:index")
    town = get_object_or_404(OrgUnit, code=request.POST.get("town", ""), level=Level.TOWN)
    if not can_view(request.user, town):
        raise Http404
    try:
        day = datetime.date.fromisoformat((request.POST.get("month") or "") + "-01")
    except ValueError:
        messages.error(request, "请选择评选月份。")
        return redirect("observation:index")
    try:
        rnd = propose_flags(request.user, town, day)
        return redirect("observation:flags", pk=rnd.pk)
    except ObservationError as e:
        messages.error(request, e.message)
        return redirect("observation:index")


def _adjust(request, rnd):
    village = rnd.entries.filter(village__code=request.POST.get("village", "")[:15]).select_related("village").first()
    adjust_flag(request.user, rnd, village.village if village else None, request.POST.get("flag", ""), request.POST.get("reason", ""))
    return "已调整，确认前仍可修改。"


STEPS = {"confirm": (confirm_flags, "红黑旗已确认。"), "publish": (publish_flags, "红黑旗已发布。")}


@login_required
def flags(request, pk):
    rnd = get_object_or_404(FlagRound.objects.visible_to(request.user).select_related("town"), pk=pk)
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "adjust":
                messages.success(request, _adjust(request, rnd))
            elif step in STEPS:
                STEPS[step][0](request.user, rnd)
                messages.success(request, STEPS[step][1])
            else:
                raise ObservationError("未知的操作。")
        except ObservationError as e:
            messages.error(request, e.message)
        return redirect("observation:flags", pk=pk)
    entries = list(rnd.entries.select_related("village", "adjusted_by").order_by(F("rank").asc(nulls_last=True), "village__code"))
    events = list(rnd.events.select_related("user").order_by("-at", "-id")[:50])
    return render(request, "observation/flags.html", {
        "round": rnd, "entries": entries, "manage": can_manage(request.user, rnd.town), "events": events,
        "counts": {"red": sum(e.flag == "red" for e in entries), "black": sum(e.flag == "black" for e in entries)},
        "flag_choices": [("red", "红旗"), ("black", "黑旗"), ("none", "不授旗")]})


@login_required
def village(request, code):
    unit = get_object_or_404(OrgUnit.objects.visible_to(request.user), code=code, level=Level.VILLAGE)
    rankings = RankingEntry.objects.filter(village=unit, event__status="published").select_related("event").order_by("-event__date")[:50]
    flag_rows = FlagEntry.objects.filter(village=unit, round__status="published").select_related("round").order_by("-round__period_start")[:50]
    return render(request, "observation/village.html", {"unit": unit, "rankings": rankings, "flags": flag_rows})
