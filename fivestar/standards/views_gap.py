"""The village 差距 page: saved results, the stars they earn and why, the gap list, and the form to
change the answers (with an htmx preview that evaluates without saving). Thin: reads come from
gap_selectors, writes go through results_services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fivestar.orgs.models import Level
from fivestar.orgs.selectors import breadcrumbs_for, get_visible_unit

from . import gap_selectors as sel
from .engine import InputInvalid
from .gap_forms import attach_errors, parse_answers
from .results_services import can_edit_results, require_edit_results, save_branch_result


def _village(user, code):
    unit = get_visible_unit(user, code)
    if unit.level != Level.VILLAGE:
        raise Http404("差距分析只适用于村（社区）")
    return unit


@login_required
def village_gap(request, code):
    user = request.user
    unit = _village(user, code)
    crumbs = breadcrumbs_for(user, unit)
    crumbs[-1] = {"label": unit.display_name, "url": reverse("orgs:unit", args=[unit.code])}
    context = {
        "page_title": f"{unit.display_name} · 差距分析",
        "breadcrumbs": [*crumbs, {"label": "差距分析"}],
        "unit": unit,
        "can_edit": can_edit_results(user, unit),
    }
    fv = sel.framework_for(unit)
    if fv is None:
        return render(request, "standards/gap.html", context)
    framework = fv.compiled()
    indicators = sel.indicator_values(unit, fv)
    stored = sel.branch_result_for(unit, fv)
    saved = sel.answers_from_stored(framework, stored)
    answers = saved
    if request.method == "POST":
        require_edit_results(user, unit)
        answers = parse_answers(framework, request.POST)
        if not answers.errors:
            try:
                _, evaluation = save_branch_result(user, unit, fv, answers, indicators)
            except InputInvalid as exc:
                attach_errors(answers, exc.errors)
            else:
                names = "、".join(s.name for s in evaluation.stars if s.awarded) or "暂无"
                messages.success(request, f"已保存。按当前结果可获得 {evaluation.rating} 颗星（{names}）。")
                return redirect(reverse("gap:village", args=[unit.code]) + "#stars")
    evaluation, report = sel.assess(framework, saved, indicators)
    current = evaluation if answers is saved else sel.assess(framework, answers, indicators)[0]
    context.update({
        "fv": fv,
        "framework": framework,
        "stored": stored,
        "evaluation": evaluation,
        "report": report,
        "closest": report.closest_star,
        "answers": answers,
        "preview": current,
        "sections": sel.form_sections(framework, answers, current, indicators),
        "income_year": sel.indicator_year(fv),
        "indicators": indicators,
        "general_errors": answers.errors.get("__all__", []),
    })
    return render(request, "standards/gap.html", context)


@login_required
@require_POST
def gap_preview(request, code):
    """Which stars the answers in the form would earn: evaluates, never saves (anyone who may view)."""
    unit = _village(request.user, code)
    fv = sel.framework_for(unit)
    if fv is None:
        raise Http404("没有适用的创建标准")
    framework = fv.compiled()
    answers = parse_answers(framework, request.POST)
    evaluation, report = sel.assess(framework, answers, sel.indicator_values(unit, fv))
    context = {"preview": evaluation, "answers": answers, "closest": report.closest_star, "framework": framework}
    return render(request, "standards/gap_preview.html", context)
