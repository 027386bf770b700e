"""The page creating an observation event: a town or county administrator names it, dates it, sets the score
sheet (items with weights and full marks), picks observers among the users holding a role in the unit and the
villages to visit. The rules live in services.events.create_event; this page only gathers the form."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from fivestar.orgs.models import Level, OrgUnit

from .services.access import can_manage
from .services.errors import ObservationError
from .services.events import create_event, eligible_observers, observation_meetings

ITEM_ROWS = 6
DEFAULT_ITEMS = [("人居环境", 40), ("产业发展", 30), ("乡风文明", 30)]


def _units(user):
    units = OrgUnit.objects.visible_to(user).filter(level__in=(Level.TOWN, Level.COUNTY)).order_by("path")[:60]
    return [u for u in units if can_manage(user, u)]


def _items(post):
    items = []
    for n in range(1, ITEM_ROWS + 1):
        name = (post.get(f"item-name-{n}") or "").strip()
        if name:
            items.append({"name": name, "weight": post.get(f"item-weight-{n}"), "max_score": post.get(f"item-max-{n}") or 100})
    return items


def _ids(post, key):
    try:
        return [int(v) for v in post.getlist(key)]
    except ValueError:
        return [-1]  # a forged id: the service rejects it with its Chinese message


@login_required
def create(request):
    units = _units(request.user)
    if not units:
        raise Http404
    wanted = request.POST.get("unit") or request.GET.get("unit") or units[0].code
    unit = next((u for u in units if u.code == wanted), None)
    if unit is None:
        raise Http404
    if request.method == "POST":
        try:
            day = datetime.date.fromisoformat(request.POST.get("date") or "")
        except ValueError:
            day = None
        raw = request.POST.get("meeting", "")
        meeting = observation_meetings(unit).filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
        try:
            if raw and meeting is None:
                raise ObservationError("所选季观摩会不存在。")
            event = create_event(request.user, unit, title=request.POST.get("title"), date=day, items=_items(request.POST),
                                 observer_ids=_ids(request.POST, "observers"), village_ids=_ids(request.POST, "villages"),
                                 meeting=meeting)
            messages.success(request, f"已创建观摩活动「{event.title}」，评分人已收到通知。")
            return redirect("observation:ranking", pk=event.pk)
        except ObservationError as e:
            messages.error(request, e.message)
    post = request.POST if request.method == "POST" else None
    rows = [{"n": n, "name": post.get(f"item-name-{n}", "") if post else (DEFAULT_ITEMS[n - 1][0] if n <= len(DEFAULT_ITEMS) else ""),
             "weight": post.get(f"item-weight-{n}", "") if post else (DEFAULT_ITEMS[n - 1][1] if n <= len(DEFAULT_ITEMS) else ""),
             "max": post.get(f"item-max-{n}", "") if post else 100} for n in range(1, ITEM_ROWS + 1)]
    observers = eligible_observers(unit).order_by("username")[:200]
    villages = OrgUnit.objects.filter(level=Level.VILLAGE, path__startswith=unit.path).order_by("code")[:600]
    picked = {"observers": set(post.getlist("observers")) if post else set(), "villages": set(post.getlist("villages")) if post else set(),
              "meeting": (post.get("meeting", "") if post else request.GET.get("meeting", ""))[:20]}
    return render(request, "observation/create.html", {
        "units": units, "unit": unit, "rows": rows, "observers": observers, "villages": villages, "picked": picked,
        "meetings": list(observation_meetings(unit)[:50]),
        "title": post.get("title", "") if post else "", "date": post.get("date", "") if post else "",
    })
