"""The village secretary's self-assessment (村级自评): my assessments, the fill page, per-rule saves over htmx,
confirming carried-forward answers, submitting. Thin: reads in selectors_village, writes in services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from . import selectors_village as sel
from .forms_village import parse_rule, parse_stars, parse_version, plain_details
from .services import ConflictError, WorkflowError, confirm_carried, save_answers, submit
from .services.review import IncompleteError, MissingItem
from .services.evaluation import indicators_for

T = "rating/village/"


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def my_assessments(request):
    rows = list(sel.my_assessments(request.user))
    for a in rows:
        a.pending = len(a.to_confirm or [])  # carried forward with a value: filled, waiting for confirmation
        a.filled = min(a.progress_done + a.pending, a.progress_total)
        a.percent = round(a.progress_done * 100 / a.progress_total) if a.progress_total else 0
        a.can_edit, _ = sel.editability(request.user, a)
    context = {"page_title": "我的自评申报", "rows": rows, "breadcrumbs": [{"label": "首页", "url": "/"}, {"label": "我的自评申报"}]}
    return render(request, T + "list.html", context)


def _page(request, a, **extra):
    context = sel.page_context(request.user, a)
    context.update(
        page_title=f"{a.org_unit.display_name} · {a.round.name}自评",
        breadcrumbs=[{"label": "我的自评申报", "url": reverse("rating:my_assessments")}, {"label": f"{a.org_unit.display_name} · {a.round.name}"}],
        **extra,
    )
    return render(request, T + "fill.html", context)


@login_required
@gzip_page  # ~200 rules: the HTML shrinks about tenfold for phones (Django pads gzip output against BREACH)
def assessment_page(request, pk):
    return _page(request, sel.get_assessment(request.user, pk))


def _live_parts(a, framework, indicators):
    """What a write that may move anything (confirming, a refused submission) re-renders out of band: the
    version, the summary's figures, the star bar and every star's header, from the evaluation the write stored.
    Never the gap list: the page fetches it again while it is open."""
    lv = sel.standing(a, framework, indicators)
    return {"a": a, "framework": framework, "live": lv, "default_stars": lv.awarded_codes, "oob": True}


def _star(framework, code):
    star = framework.stars_by_code.get(code)
    if star is None:
        raise Http404("没有该星")
    return star


@login_required
@require_GET
@gzip_page
def star_rules(request, pk, code):
    """A star's standards and rules, fetched when the star is opened (the page renders only star headers)."""
    a = sel.get_assessment(request.user, pk)
    framework = a.framework.compiled()
    star = _star(framework, code)
    context = {"a": a, "star": star, "standards": sel.star_rules(a, framework, star, indicators_for(a)),
               "can_edit": sel.editability(request.user, a)[0]}
    return render(request, T + "_star_rules.html", context)


@login_required
@require_GET
def carried_summary(request, pk, code):
    """What "确认本星沿用的 N 项" confirms: each carried rule by its text and the value carried, then one button."""
    a = sel.get_assessment(request.user, pk)
    framework = a.framework.compiled()
    star = _star(framework, code)
    context = {"a": a, "star": star, "items": sel.carried_summary(a, framework, star), "can_edit": sel.editability(request.user, a)[0]}
    return render(request, T + "_carried_summary.html", context)


@login_required
@require_GET
@gzip_page
def gap_list(request, pk):
    """The 差距清单, computed when the village opens it (never on the page view)."""
    a = sel.get_assessment(request.user, pk)
    framework = a.framework.compiled()
    return render(request, T + "_gaps.html", {"a": a, "report": sel.live(a, framework, indicators_for(a)).report})


@login_required
@require_POST
@gzip_page
def save_rule(request, pk, code):
    """One rule saved from its form. The engine runs once, in the service, which stores the evaluation; the
    answer is the rule's state and, out of band, the version and only what the save moved: the header of each
    star whose figures changed, the star bar and the summary's figures, the earned stars when they changed, and
    a carried rule's confirm buttons. When the page showed an older version (someone else saved meanwhile)
    every star's header comes along. The gap list is never computed here (the page fetches it while open)."""
    before = a = sel.get_assessment(request.user, pk)
    framework = a.framework.compiled()
    rule = framework.rules_by_code.get(code)
    if rule is None:
        raise Http404("没有该细则")
    form = parse_rule(a, rule, request.POST)
    shown = parse_version(request.POST)  # the version the page holds
    conflict = []
    if not form.errors and form.changes_anything:
        try:
            a = save_answers(a, request.user, "village", values=form.values, notes=form.notes, not_applicable=form.not_applicable,
                             cleared_na=form.cleared_na, expected_version=shown)
        except ConflictError as exc:
            form.errors.append(exc.message)
            others = [c for c in exc.changes if c["by"] != request.user.username]
            conflict = (others or exc.changes)[-5:]  # what others changed; own changes only if a response was lost
            a = sel.get_assessment(request.user, pk)  # the current state, so the next save can go through
        except WorkflowError as exc:
            form.errors.extend(plain_details(exc.details) or [exc.message])
    saved = hasattr(a, "evaluation")  # the service wrote and evaluated
    page_current = shown == (before.version if saved else a.version)
    indicators = getattr(a, "indicator_values", None)
    if indicators is None and (rule.indicator or not page_current):
        indicators = indicators_for(a)
    context = {"a": a, "framework": framework, "oob": True, "can_edit": sel.editability(request.user, a)[0]}
    if saved or not page_current:
        lv = sel.standing(a, framework, indicators)
        changed = set(sel.changed_stars(before, lv, framework, indicators) if page_current else [s.code for s in lv.stars])
        context.update(live=lv, default_stars=lv.awarded_codes, changed=[s for s in lv.stars if s.code in changed],
                       earned_changed=not page_current or lv.awarded_codes != list(before.awarded))
        if rule.code in before.to_confirm:  # its standard's "本项沿用全部确认（N 条）" counts one less
            sd = next(d for d in framework.stars_by_code[rule.star_code].standards if d.code == rule.standard_code)
            context["confirm_std"] = {"standard": sd, "carried": [r.code for r in sd.rules if r.code in a.to_confirm]}
    values = a.effective_answers(a.round.levels)
    view = sel.rule_view(a, rule, {rule.code: sel.rule_points(a, rule, values, indicators or {})}, indicators or {}, {}, sel.rule_comments(a))
    view.raw, view.na, view.na_reason, view.note = form.raw, form.na, form.na_reason, form.note
    view.errors, view.conflict, view.saved = form.errors, conflict, not form.errors
    context["r"] = view
    return render(request, T + "_rule_saved.html", context)


@login_required
@require_POST
@gzip_page
def confirm(request, pk):
    a = sel.get_assessment(request.user, pk)
    framework = a.framework.compiled()
    star = framework.stars_by_code.get(request.POST.get("star") or "")  # 确认本星沿用: the star's rules are re-rendered
    codes = [c for c in dict.fromkeys(request.POST.getlist("codes")) if c in a.to_confirm]
    error = ""
    try:
        a = confirm_carried(a, request.user, codes)
    except WorkflowError as exc:
        error = exc.message
    done = f"已确认沿用 {len(codes)} 项。" if codes else "没有需要确认的沿用项（可能已由他人确认）。"
    if not _is_htmx(request):
        (messages.error if error else messages.success)(request, error or done)
        return redirect("rating:assessment", pk=a.pk)
    indicators = getattr(a, "indicator_values", None)
    if indicators is None:
        indicators = indicators_for(a)
    context = _live_parts(a, framework, indicators)
    context.update(error=error, can_edit=True, confirmed_message=done)
    if star is not None:
        context.update(star=star, standards=sel.star_rules(a, framework, star, indicators), star_progress=context["live"].star(star.code))
        return render(request, T + "_confirmed.html", context)
    values = a.effective_answers(a.round.levels)
    evidence, comments = sel.evidence_map(a, set(codes)), sel.rule_comments(a)
    views = [sel.rule_view(a, framework.rules_by_code[c], {c: sel.rule_points(a, framework.rules_by_code[c], values, indicators)},
                           indicators, evidence, comments) for c in codes]
    touched = {framework.rules_by_code[c].standard_code for c in codes}
    standards = [{"standard": sd, "carried": [r.code for r in sd.rules if r.code in a.to_confirm]}
                 for s in framework.stars for sd in s.standards if sd.code in touched]
    context.update(rules=views, confirmed_standards=standards)
    return render(request, T + "_confirmed.html", context)


@login_required
@require_POST
def submit_assessment(request, pk):
    a = sel.get_assessment(request.user, pk)
    framework = a.framework.compiled()
    stars = parse_stars(framework, request.POST)
    try:
        submit(a, request.user, stars)
    except WorkflowError as exc:
        items = exc.items if isinstance(exc, IncompleteError) else [MissingItem("", "", "", "", d) for d in exc.details]
        failure = {"message": exc.message, "groups": sel.group_missing(framework, items), "count": len(items), "stars": stars}
        if not _is_htmx(request):
            return _page(request, a, submit_failure=failure)
        context = _live_parts(a, framework, indicators_for(a))
        context.update(submit_failure=failure, can_edit=True, oob=False)
        return render(request, T + "_submit.html", context)
    messages.success(request, "已提交自评申报，等待镇级初审。提交后不能再修改，如需修改请联系镇级审核人员退回。")
    url = reverse("rating:assessment", args=[a.pk])
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
