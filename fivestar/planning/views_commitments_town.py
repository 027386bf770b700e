"""Where the commitment pages start and what a town (or an area, a county) sees: per month, its villages × cadres
with counts (posted / results / graded), the cadres who have posted nothing, and the commitments waiting for the
town's grade with a grade form each. A county lists its towns with their counts. Queries are fixed whatever the
number of villages: the page of villages, their cadres, 包村干部 and one grouped count."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from fivestar.core import menu
from fivestar.core.pagination import paginate
from fivestar.core.scoping import covers
from fivestar.orgs.models import Level, OrgUnit

from . import commitment_rows as rows
from .services import month_label
from .services.access import can_manage
from .services.stars import StarCatalog
from .services.settings import grade_scale, planning_settings_for
from .views_common import crumbs, tabs, today, top_units, visible_unit
from .views_commitments import village_page

T_TOWN, T_ABOVE = "planning/commitments_town.html", "planning/commitments_above.html"
VILLAGE_PAGE, TOWN_PAGE, UNGRADED_PAGE = 20, 30, 20
SHOWS = {"all": "全部", "silent": "未晒承诺", "ungraded": "待点评"}


@login_required
def index(request):
    """A village user's own village; else the user's own town or county; an area's leader sees the area's villages."""
    user = request.user
    suffix = f"?{request.GET.urlencode()}" if request.GET else ""
    if menu.is_village_user(user):
        villages = menu.village_units(user)
        return redirect(reverse("planning:commitments_unit", args=[villages[0].code]) + suffix)
    units = [u for u in top_units(user) if u.level <= Level.VILLAGE]
    if units:
        return redirect(reverse("planning:commitments_unit", args=[units[0].code]) + suffix)
    villages = OrgUnit.objects.visible_to(user).filter(level=Level.VILLAGE, active=True).select_related("area").order_by("code")
    return _overview(request, None, villages)


@login_required
def unit(request, code):
    """/planning/commitments/<code>/: a village's page, a town's overview or a county's (or higher) towns."""
    place = visible_unit(request.user, code)
    if place.level == Level.VILLAGE:
        return village_page(request, place)
    if place.level == Level.TOWN:
        return _overview(request, place, rows.villages_under(request.user, place))
    if place.level > Level.TOWN:
        raise Http404("月度承诺按村（社区）、乡镇查看。")
    return _above(request, place)


def _month_nav(month) -> dict:
    current = rows.this_month()
    return {"month": month, "month_label": month_label(month), "month_param": rows.month_param(month),
            "prev_param": rows.month_param(rows.add_months(month, -1)),
            "next_param": rows.month_param(rows.add_months(month, 1)) if month < rows.add_months(current, 1) else "",
            "is_current": month == current, "is_past": month < current}


def _overview(request, town, villages_qs):
    user = request.user
    month = rows.month_of(request.GET)
    show = request.GET.get("show") if request.GET.get("show") in SHOWS else "all"
    label = town.display_name if town is not None else "我包片的村"
    context = {
        "unit": town, "label": label, "show": show, "shows": SHOWS, "totals": rows.totals_under(villages_qs, month),
        "tabs": tabs(user, "commitments"), "page_title": f"月度承诺 · {label}",
        "breadcrumbs": crumbs({"label": f"{label} 月度承诺"}), **_month_nav(month),
    }
    context["parent"] = town.parent if town is not None and town.parent_id and covers(user, town.parent) else None
    if show == "ungraded":
        page = paginate(request, rows.ungraded(user, villages_qs, month, today()), UNGRADED_PAGE)
        items = list(page.object_list)
        for item in items:
            item.post = rows.post_of(item.person, item.org_unit_id)
            item.state = rows.state_of(item)
            item.tone = rows.STATE_TONES[item.state]
            item.can_grade = can_manage(user, item.org_unit)
        anchor = town or (items[0].org_unit if items else None)
        context.update({"page": page, "items": items, "stars": StarCatalog(anchor).names() if items else {},
                        "scale": grade_scale(planning_settings_for(anchor))})
    else:
        source = rows.with_silent_cadre(villages_qs, month) if show == "silent" else villages_qs
        page = paginate(request, source, VILLAGE_PAGE)
        context.update({"page": page, "village_rows": rows.village_rows(list(page.object_list), month, silent_only=show == "silent")})
    return render(request, T_TOWN, context)


def _above(request, place):
    user = request.user
    month = rows.month_of(request.GET)
    page = paginate(request, rows.towns_under(user, place), TOWN_PAGE)
    towns = list(page.object_list)
    figures = rows.town_totals([t.pk for t in towns], month)
    context = {
        "unit": place, "page": page, "town_rows": [{"town": t, **figures[t.pk]} for t in towns],
        "tabs": tabs(user, "commitments"), "page_title": f"月度承诺 · {place.display_name}",
        "breadcrumbs": crumbs({"label": f"{place.display_name} 月度承诺"}), **_month_nav(month),
    }
    return render(request, T_ABOVE, context)
