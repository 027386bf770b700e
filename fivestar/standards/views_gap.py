"""The village 差距 page: the stars the branch's current assessment earns and why, and its gap list — read
from the assessment, never from a separate store — plus 模拟测算 (不影响申报): the same answers in a form
whose changes are evaluated and shown, never saved. Thin: reads come from gap_selectors."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from fivestar.orgs.models import Level
from fivestar.orgs.selectors import breadcrumbs_for, get_visible_unit

from . import gap_selectors as sel
from .gap_forms import parse_answers

SIMULATION = "模拟测算（不影响申报）"


def _village(user, code):
    unit = get_visible_unit(user, code)
    if unit.level != Level.VILLAGE:
        raise Http404("差距分析只适用于村（社区）")
    return unit


def _base(request, unit, *trail):
    crumbs = breadcrumbs_for(request.user, unit)
    crumbs[-1] = {"label": unit.display_name, "url": reverse("orgs:unit", args=[unit.code])}
    return {"unit": unit, "breadcrumbs": [*crumbs, *trail]}


def _current_context(current: sel.Current) -> dict:
    a = current.assessment
    return {
        "current": current, "assessment": a, "rnd": a.round if a else None, "fv": current.fv,
        "framework": current.framework, "evaluation": current.evaluation, "report": current.report,
        "closest": current.report[0] if current.report else None, "indicators": current.indicators,
        "income_year": current.indicator_year,
        "assessment_url": reverse("rating:assessment", args=[a.pk]) if a else "",
    }


@login_required
@require_safe
def village_gap(request, code):
    """The gap of the branch's current assessment: what the assessment page, the village page and the
    public notice show, with the least it takes to earn each missing star."""
    unit = _village(request.user, code)
    context = _base(request, unit, {"label": "差距分析"})
    context["page_title"] = f"{unit.display_name} · 差距分析"
    current = sel.current_for(request.user, unit)
    if current.framework is not None:
        context.update(_current_context(current))
    return render(request, "standards/gap.html", context)


@login_required
def gap_simulate(request, code):
    """模拟测算: the current answers in a form; a POST (or the htmx preview) evaluates what is typed and
    shows it. Nothing is ever written — not to the assessment, not anywhere."""
    unit = _village(request.user, code)
    gap_url = reverse("gap:village", args=[unit.code])
    context = _base(request, unit, {"label": "差距分析", "url": gap_url}, {"label": SIMULATION})
    context.update({"page_title": f"{unit.display_name} · {SIMULATION}", "simulation_label": SIMULATION})
    current = sel.current_for(request.user, unit)
    if current.framework is None:
        return render(request, "standards/gap_simulate.html", context)
    context.update(_current_context(current))
    answers, evaluation, report = current.answers, current.evaluation, current.report
    if request.method == "POST":
        answers = parse_answers(current.framework, request.POST)
        evaluation, report = sel.assess(current.framework, answers, current.indicators)
        report = list(report)
    context.update({
        "answers": answers, "preview": evaluation, "sim_report": report,
        "sim_closest": report[0] if report else None,
        "sections": sel.form_sections(current.framework, answers, evaluation, current.indicators),
        "general_errors": answers.errors.get("__all__", []),
    })
    return render(request, "standards/gap_simulate.html", context)


@login_required
@require_POST
def gap_preview(request, code):
    """模拟测算's live figure: which stars the answers in the form would earn; evaluates, never saves."""
    unit = _village(request.user, code)
    current = sel.current_for(request.user, unit)
    if current.framework is None:
        raise Http404("没有适用的创建标准")
    answers = parse_answers(current.framework, request.POST)
    evaluation, report = sel.assess(current.framework, answers, current.indicators)
    context = {"preview": evaluation, "answers": answers, "closest": report.closest_star, "framework": current.framework,
               "simulation_label": SIMULATION}
    return render(request, "standards/gap_preview.html", context)
