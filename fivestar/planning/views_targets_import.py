"""Targets from Excel for a town: download the template (its villages with their current targets), upload it
filled in; every row is checked first, errors are listed per row (第N行：…) and nothing is saved on any error."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from fivestar.orgs.models import Level

from .services import PlanningError, import_targets
from .services.access import can_manage
from .services.targets_import import write_targets_template
from .views_common import crumbs, tabs, visible_unit, year_of

T = "planning/targets_import.html"


def _town(user, code):
    town = visible_unit(user, code, levels=(Level.TOWN,))
    if not can_manage(user, town):
        raise Http404("您无权导入该乡镇的创建目标")
    return town


def _context(request, town, year, **extra) -> dict:
    return {
        "unit": town, "year": year, "tabs": tabs(request.user, "targets", f"year={year}"),
        "page_title": f"导入创建目标 · {town.display_name}",
        "breadcrumbs": crumbs({"label": f"{town.display_name} {year} 年度创建目标",
                               "url": f"{reverse('planning:targets_unit', args=[town.code])}?year={year}"}, {"label": "从 Excel 导入"}),
        "errors": [], "result": None, **extra,
    }


@login_required
def import_page(request, code):
    town = _town(request.user, code)
    year = year_of(request.POST if request.method == "POST" else request.GET)
    if request.method != "POST":
        return render(request, T, _context(request, town, year))
    upload = request.FILES.get("file")
    if upload is None:
        return render(request, T, _context(request, town, year, errors=["请选择要导入的 Excel 文件（.xlsx）。"]), status=400)
    try:
        result = import_targets(request.user, town, year, upload)
    except PlanningError as error:
        return render(request, T, _context(request, town, year, errors=[error.message]), status=400)
    if not result.ok:
        return render(request, T, _context(request, town, year, errors=result.errors, result=result), status=400)
    messages.success(request, f"已导入 {result.rows} 行，更新了 {result.saved} 个村（社区）的创建目标"
                              + (f"，{result.unchanged} 个没有变化。" if result.unchanged else "。"))
    return redirect(f"{reverse('planning:targets_unit', args=[town.code])}?year={year}")


@login_required
def template(request, code):
    town = _town(request.user, code)
    year = year_of(request.GET)
    try:
        fh = write_targets_template(town, year)
    except PlanningError as error:
        messages.error(request, error.message)
        return redirect(reverse("planning:targets_import", args=[town.code]))
    return FileResponse(fh, as_attachment=True, filename=f"{town.display_name}{year}年度创建目标.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
