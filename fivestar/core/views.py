"""Home page (by role) and the scoped history (操作记录) view."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person

from fivestar.observation.templatetags.observation_tags import latest_flags

from . import history_export, menu, selectors_history, selectors_todo
from .db_unavailable import response_if_database_down
from .selectors_history import MODEL_CHOICES, HistoryFilter  # noqa: F401  (MODEL_CHOICES: kept importable here)
from .roles import Action, Role
from .scoping import is_global, user_grants


def _primary_units(user):
    """The top units of the user's roles: what their home page is about."""
    if is_global(user):
        return list(OrgUnit.objects.filter(parent__isnull=True)[:5])
    return [ra.org_unit for ra in user.role_assignments.select_related("org_unit", "area").filter(active=True)]


@login_required
def home(request):
    user = request.user
    if menu.is_village_user(user):
        return _village_home(request)
    assignments = menu.assignments(user)
    units = OrgUnit.objects.visible_to(user)
    roles = {ra.role for ra in assignments}
    my_villages = []
    if roles & {Role.VILLAGE_CADRE, Role.VILLAGE_LIAISON, Role.AREA_LEADER}:
        my_villages = list(units.filter(level=Level.VILLAGE).select_related("area")[:60])
    wide = is_global(user) or any(ra.org_unit.level <= Level.COUNTY for ra in assignments if not ra.area_id)
    kept = _kept_overview(user) if wide else None
    village_stats, towns, people_count = None, [], None
    if kept is None and not (is_global(user) or any(ra.org_unit.level < Level.COUNTY for ra in assignments if not ra.area_id)):
        # A town (or a county before its first round): live counts over at most a county's villages.
        village_stats = units.filter(level=Level.VILLAGE).aggregate(
            total=Count("id"),
            community=Count("id", filter=Q(branch_type="community")),
            lead=Count("id", filter=Q(category="lead")),
            sprint=Count("id", filter=Q(category="sprint")),
            improve=Count("id", filter=Q(category="improve")),
            base=Count("id", filter=Q(category="base")),
        )
        people_count = Person.objects.visible_to(user).count()
        if is_global(user) or roles & {Role.COUNTY_ADMIN, Role.SYSADMIN, Role.OBSERVER, Role.SUPERVISOR, Role.TOWN_ADMIN}:
            towns = list(
                units.filter(level=Level.TOWN)
                .annotate(villages=Count("children", filter=Q(children__level=Level.VILLAGE)))
                .order_by("path")[:60]
            )
    context = {
        "page_title": "首页",
        "assignments": assignments,
        "village_stats": village_stats,
        "kept": kept, "wide": wide,
        "people_count": people_count,
        "my_villages": my_villages,
        "towns": towns,
        "recent": selectors_history.recent(user),
        "is_global": is_global(user),
        "can_self_assess": bool(user_grants(user, Action.SELF_ASSESS)),
    }
    return render(request, "core/home.html", context)


def _kept_overview(user) -> dict | None:
    """A county's, city's or province's home: the kept figures of the latest period's rounds over the user's units
    (rating/selectors_stats.py), and the next level down; never a count over towns or villages per request."""
    from fivestar.rating import selectors_stats

    rows = selectors_stats.home_rows(user)
    if not rows:
        return None
    figures = selectors_stats.sum_rows(rows)
    by_status = figures["by_status"]
    submitted = sum(n for status, n in by_status.items() if status not in ("not_started", "in_progress", "returned", "expired"))
    approved = sum(by_status.get(s, 0) for s in ("county_approved", "city_approved", "province_approved", "recognised"))
    if len(rows) == 1:
        below = list(selectors_stats.children(rows[0].round, rows[0].unit_id)[:60]) if rows[0].level < Level.TOWN else rows
    else:
        below = rows
    return {
        "rows": rows, "rounds": sorted({r.round for r in rows}, key=lambda r: r.pk), "total": figures["total"],
        "community": figures["community"], "categories": [figures["by_category"].get(k, 0) for k in selectors_stats.CATEGORY_KEYS],
        "submitted": submitted, "approved": approved, "expired": by_status.get("expired", 0),
        "below": [{"row": r, "unit": r.unit, "total": r.total, "submitted": sum(n for st, n in r.by_status.items() if st not in ("not_started", "in_progress", "returned", "expired"))} for r in below],
    }


def _village_home(request):
    """A village secretary's or 包村干部's home: the to-do list of its assessments, then its branches' own pages."""
    user = request.user
    units = menu.village_units(user)
    context = {
        "page_title": "首页",
        "assignments": menu.assignments(user),
        "todo": selectors_todo.village_todo(user),
        "village_units": units,
        "flags": latest_flags([u.pk for u in units]),
        "recent": selectors_history.recent(user),
    }
    return render(request, "core/home_village.html", context)


@login_required
def history(request):
    """操作记录: the scoped feed of writes and rating workflow steps, in words a person reads."""
    filters = HistoryFilter(request.GET or None, request.user)
    page = selectors_history.history_page(request, filters)
    return render(request, "core/history.html", {
        "page_title": "操作记录", "page": page, "filters": filters, "filter_errors": filters.error_messages() if request.GET else [],
        "unit": filters.unit, "breadcrumbs": [{"label": "操作记录"}],
    })


@login_required
@require_GET
def history_export_view(request):
    """导出 Excel: the feed of the history page for the same filters, every row of it (history_export.py). A wrong
    filter leads back to the page, which says what is wrong, rather than exporting everything."""
    filters = HistoryFilter(request.GET or None, request.user)
    values = filters.values()
    if filters.errors:
        return redirect(f"{reverse('core:history')}?{request.GET.urlencode()}")
    return history_export.response(request.user, filters, values, filters.unit if "unit" in values else None)


def not_found(request, exception=None):
    return render(request, "404.html", {"page_title": "页面不存在"}, status=404)


def server_error(request):
    down = response_if_database_down(request)  # a database restart is no internal error: 503, come back in a moment
    if down is not None:
        return down
    return render(request, "500.html", {"page_title": "系统错误"}, status=500)
