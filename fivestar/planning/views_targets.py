"""Annual targets: a town's bulk-edit grid (saved at once, all or nothing, errors per row), its plan totals and
the warning when the villages' targets do not add up; a county (or higher) lists its towns with plan vs targets.
Queries are fixed whatever the number of villages: the unit, the plan check, one page of villages and their
progress (targets, stars held, latest assessments)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from fivestar.core.pagination import paginate
from fivestar.core.scoping import covers
from fivestar.orgs.models import Level

from . import targets_grid as grid
from .services import PlanningError, plan_check, progress_for, save_plan, save_targets
from .services.access import can_manage
from .services.settings import category_labels, planning_settings_for
from .services.stars import StarCatalog
from .views_common import crumbs, tabs, top_units, visible_unit, year_of

T_TOWN, T_ABOVE = "planning/targets_town.html", "planning/targets_above.html"
GRID_PAGE = 100
CHILD_PAGE = 50


@login_required
def index(request):
    """The user's own targets page (its town or county), else the ledger (a village or an area's leader)."""
    units = [u for u in top_units(request.user) if u.level <= Level.TOWN]
    if not units:
        from .views_ledger import ledger

        return ledger(request)
    return _show(request, units[0])


@login_required
def targets(request):
    units = [u for u in top_units(request.user) if u.level <= Level.TOWN]
    if not units:
        raise Http404("创建目标按乡镇、县（区）查看，您的管辖范围内没有乡镇。")
    return _show(request, units[0])


def _unit(user, code):
    return visible_unit(user, code, levels=(Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN))


def _base(request, unit, year) -> dict:
    user = request.user
    parent = unit.parent if unit.parent_id and covers(user, unit.parent) else None
    return {
        "unit": unit, "year": year, "parent": parent, "can_manage": can_manage(user, unit),
        "tabs": tabs(user, "targets", f"year={year}"), "years": [year - 1, year, year + 1],
        "breadcrumbs": crumbs({"label": f"{unit.display_name} {year} 年度创建目标"}),
        "page_title": f"创建目标 · {unit.display_name}",
    }


def _town_context(request, town, year, *, posted=None, errors=None, plan_posted=None, plan_error="") -> dict:
    context = _base(request, town, year)
    check = plan_check(town, year)
    catalog = StarCatalog(town)
    names = catalog.names()
    labels = category_labels(planning_settings_for(town))
    page = paginate(request, grid.villages_of(town), GRID_PAGE, count=check["villages"])
    villages = list(page.object_list)
    progress = progress_for(villages, year, names=names)
    rows = grid.build_rows(villages, progress, catalog, posted, errors)
    rating_fields, star_fields = grid.plan_fields(check["plan"], names, plan_posted)
    context.update({
        "check": check, "page": page, "rows": rows, "labels": labels, "names": names,
        "reached": sum(1 for r in rows if r.reached), "rating_fields": rating_fields, "star_fields": star_fields,
        "grid_errors": len(errors or {}), "plan_error": plan_error, "can_plan": context["can_manage"],
    })
    return context


def _above_context(request, unit, year, *, plan_posted=None, plan_error="") -> dict:
    context = _base(request, unit, year)
    check = plan_check(unit, year)
    names = StarCatalog(unit).names()
    rating_fields, star_fields = grid.plan_fields(check["plan"], names, plan_posted)
    children = grid.children_overview(unit, year)
    context.update({
        "check": check, "page": paginate(request, children, CHILD_PAGE), "rating_fields": rating_fields,
        "star_fields": star_fields, "plan_error": plan_error,
        "can_plan": context["can_manage"] and unit.level in (Level.COUNTY, Level.TOWN),
    })
    return context


@login_required
def unit_targets(request, code):
    """GET: the town's grid or the county's towns; POST form=grid saves the grid, form=plan the plan totals."""
    unit = _unit(request.user, code)
    if request.method == "POST":
        return _save_plan(request, unit) if request.POST.get("form") == "plan" else _save_grid(request, unit)
    return _show(request, unit)


def _show(request, unit):
    year = year_of(request.GET)
    if unit.level == Level.TOWN:
        return render(request, T_TOWN, _town_context(request, unit, year))
    return render(request, T_ABOVE, _above_context(request, unit, year))


def _back(unit, year, request=None) -> str:
    page = (request.POST.get("page") or "") if request is not None else ""
    extra = f"&page={page}" if page.isdigit() and len(page) < 6 else ""
    return f"{reverse('planning:targets_unit', args=[unit.code])}?year={year}{extra}"


def _save_grid(request, town):
    year = year_of(request.POST)
    if town.level != Level.TOWN:
        raise Http404("创建目标按乡镇逐村设置。")
    if not can_manage(request.user, town):
        messages.error(request, f"您无权设置「{town.display_name}」的创建目标。")
        return redirect(_back(town, year, request))
    villages, posted = grid.read_posted(request.POST, town)
    catalog = StarCatalog(town)
    labels = category_labels(planning_settings_for(town))
    progress = progress_for(villages, year, names=catalog.names())
    rows, errors = grid.check_rows(villages, posted, progress, catalog, labels)
    if not errors:
        try:
            changed = save_targets(request.user, year, rows)
        except PlanningError as error:  # refused as a whole (rights, a village named twice)
            messages.error(request, error.message)
            return redirect(_back(town, year, request))
        messages.success(request, f"已保存 {changed} 个村（社区）的创建目标。" if changed else "创建目标没有变化。")
        return redirect(_back(town, year, request))
    context = _town_context(request, town, year, posted=posted, errors=errors)
    return render(request, T_TOWN, context, status=400)


def _save_plan(request, unit):
    year = year_of(request.POST)
    names = StarCatalog(unit).names()
    ratings, stars = grid.plan_values(request.POST, names)
    try:
        save_plan(request.user, unit, year, ratings, stars)
    except PlanningError as error:
        build = _town_context if unit.level == Level.TOWN else _above_context
        context = build(request, unit, year, plan_posted=(ratings, stars), plan_error=error.message)
        return render(request, T_TOWN if unit.level == Level.TOWN else T_ABOVE, context, status=400)
    messages.success(request, f"{unit.display_name} {year} 年度创建计划已保存。")
    return redirect(_back(unit, year))
