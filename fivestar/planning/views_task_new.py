"""A ledger task recorded by hand (for a village, or a town choosing the village), and a supervision problem
turned into a ledger task (task_from_problem: the same task on a second click)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fivestar.orgs.models import Level
from fivestar.supervision.views_problem import get_problem

from .services import PlanningError, can_manage, task_from_problem
from .task_people import new_form, save_from_form
from .views_common import crumbs, tabs, today, visible_unit, year_of

T = "planning/task_new.html"


@login_required
def new(request):
    params = request.POST if request.method == "POST" else request.GET
    unit = visible_unit(request.user, params.get("unit", ""), levels=(Level.TOWN, Level.VILLAGE))
    if not can_manage(request.user, unit):
        raise Http404("您无权为该单位登记创建台账任务")
    year = year_of(params)
    form = new_form(unit, request.POST if request.method == "POST" else None, year)
    error = ""
    if request.method == "POST":
        error = save_from_form(request.user, form, year=year)
        if not error:
            messages.success(request, f"已新增台账任务「{form.saved.title}」。")
            return redirect("planning:task", pk=form.saved.pk)
    ledger_url = f"{reverse('planning:ledger')}?unit={unit.code}&year={year}"
    context = {
        "page_title": f"新增创建台账任务 · {unit.display_name}", "unit": unit, "year": year, "form": form, "error": error,
        "tabs": tabs(request.user, "ledger", f"year={year}"), "ledger_url": ledger_url, "today": today(),
        "breadcrumbs": crumbs({"label": f"{unit.display_name} {year} 年度创建台账", "url": ledger_url}, {"label": "新增任务"}),
    }
    return render(request, T, context, status=400 if error else 200)


@login_required
@require_POST
def from_problem(request, pk):
    problem = get_problem(request.user, pk)
    try:
        task = task_from_problem(request.user, problem)
    except PlanningError as error:
        messages.error(request, error.message)
        return redirect("supervision:problem", pk=problem.pk)
    messages.success(request, f"督导问题已转为 {task.year} 年度创建台账任务。")
    return redirect("planning:task", pk=task.pk)
