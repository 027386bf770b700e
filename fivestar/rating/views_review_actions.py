"""What a reviewer does on one assessment: change a value (改值), return (退回修改), approve (通过), reopen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import selectors_assessment as review
from .forms_review import parse_value, rule_comments_from
from .models.round import LEVEL_LABELS
from .services import ConflictError, WorkflowError, approve, reopen, return_for_changes, save_answers
from .services.access import can_act
from .views_review import render_review


def _acting(request, pk):
    """The visible assessment (404 otherwise) and the posted level, which the user must be able to act at (403)."""
    a = review.get_assessment(request.user, pk)
    level = request.POST.get("level", "")
    if level not in a.round.levels:
        return a, None
    if not can_act(request.user, a, level):
        raise PermissionDenied(f"您无权以「{LEVEL_LABELS[level]}」身份办理该申报。")
    return a, level


def _back(a, anchor=""):
    return redirect(reverse("rating:assessment_review", args=[a.pk]) + anchor)


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
@require_POST
def change_value(request, pk):
    """改值: one rule's value at the acting level, with a reason, checked against the loaded version."""
    a, level = _acting(request, pk)
    if level is None:
        return HttpResponseBadRequest("审核层级无效。")
    code = request.POST.get("rule", "")
    rule = a.framework.compiled().rules_by_code.get(code)
    if rule is None:
        return HttpResponseBadRequest("细则编码无效。")
    raw, reason = request.POST.get("value", ""), (request.POST.get("reason") or "").strip()
    state = {"rule": code, "value": raw, "reason": reason}
    try:
        value = parse_value(rule, raw)
        if not reason:
            raise WorkflowError("审核改动须填写理由。")
        save_answers(a, request.user, level, values={code: value}, reason=reason, expected_version=_int(request.POST.get("version")))
    except ValueError as exc:
        return render_review(request, a, form_state={**state, "error": str(exc)}, status=400)
    except ConflictError as exc:
        fresh = review.get_assessment(request.user, pk)
        since = _int(request.POST.get("last_event"))
        changes = _changes_since(fresh, since) if since is not None else exc.changes
        return render_review(request, fresh, form_state=state, conflict={"message": exc.message, "changes": changes}, status=409)
    except WorkflowError as exc:
        error = "；".join([exc.message, *exc.details]) if exc.details else exc.message
        return render_review(request, review.get_assessment(request.user, pk), form_state={**state, "error": error}, status=400)
    messages.success(request, f"已修改细则 {code}：{review.show_value(rule, value)}（{LEVEL_LABELS[level]}）。")
    return _back(a, f"?star={rule.star_code}#rule-{code}")  # that star's rules rendered in the page


def _changes_since(a, since_id: int) -> list[dict]:
    framework = a.framework.compiled()
    rows = review.event_rows(a, framework, since_id=since_id)
    return [{"rule": r["rule"] or "—", "action": r["action"], "old": r["old"] or "—", "new": r["new"] or "—",
             "by": r["user"], "at": r["at"].strftime("%m-%d %H:%M:%S"), "reason": r["reason"]} for r in rows]


@login_required
@require_POST
def return_assessment(request, pk):
    a, level = _acting(request, pk)
    if level is None:
        return HttpResponseBadRequest("审核层级无效。")
    comments = rule_comments_from(request.POST, a.framework.compiled())
    try:
        return_for_changes(a, request.user, level, (request.POST.get("comment") or "").strip(), comments)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return _back(a, "#return-form")
    messages.success(request, f"已退回{a.org_unit.display_name}修改" + (f"，附 {len(comments)} 条细则意见。" if comments else "。"))
    return _back(a)


@login_required
@require_POST
def approve_assessment(request, pk):
    a, level = _acting(request, pk)
    if level is None:
        return HttpResponseBadRequest("审核层级无效。")
    try:
        a = approve(a, request.user, level)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return _back(a)
    messages.success(request, f"{a.org_unit.display_name}：{LEVEL_LABELS[level]}通过，拟评 {a.rating} 星。")
    return _back(a)


@login_required
@require_POST
def reopen_assessment(request, pk):
    a, level = _acting(request, pk)
    if level is None:
        return HttpResponseBadRequest("审核层级无效。")
    try:
        reopen(a, request.user, level, (request.POST.get("reason") or "").strip())
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return _back(a, "#reopen-form")
    messages.success(request, f"已重新打开，退回{LEVEL_LABELS[level]}环节。")
    return _back(a)
