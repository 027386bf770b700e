"""One problem's page (mobile first: the village secretary reads it on a phone) and its steps: the village starts
and submits rectification with evidence; the team or town signs it off (销号) or returns it, and changes the
deadline. A refused step shows the service's message and keeps what was typed; nothing is half saved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fivestar.core.selectors_history import actor_labels, status_steps
from fivestar.rating.models import Evidence
from fivestar.rating.services import WorkflowError, store_evidence
from fivestar.rating.services.evidence import discard_new_files_on_error

from .forms import uploaded_files
from .models import Problem, ProblemEvent
from .models.problem import OPEN_STATUSES, ProblemStatus
from .services import (
    SupervisionError, accept, can_rectify, can_supervise, change_deadline, reject, start_rectification, submit_rectification,
)
from .views_common import NOT_FOUND, SEVERITY_TONES, STATUS_TONES, crumbs, deadline_words, framework_names, parse_date, tabs, today

T = "supervision/problem.html"
STATUS_LABELS = dict(ProblemStatus.choices)
ACTION_LABELS = dict(ProblemEvent.Action.choices)
MAX_TEXT = 2000


def get_problem(user, pk) -> Problem:
    problem = (Problem.objects.visible_to(user)
               .select_related("org_unit", "org_unit__parent", "team", "responsible", "inspection")
               .filter(pk=pk).first())
    if problem is None:
        raise Http404(NOT_FOUND)
    return problem


def _events(problem) -> list[dict]:
    return status_steps(problem.events.all(), STATUS_LABELS, ACTION_LABELS)


def _rectifications(problem) -> list:
    rows = list(problem.rectifications.prefetch_related("evidence", "review_photos").order_by("submitted_at", "id"))
    labels = actor_labels({r.submitted_by_id for r in rows} | {r.reviewed_by_id for r in rows})
    for r in rows:
        r.submitted_label, r.reviewed_label = labels.get(r.submitted_by_id, ""), labels.get(r.reviewed_by_id, "")
    return rows


def _context(request, problem, **extra) -> dict:
    user = request.user
    stars, rules = framework_names()
    words, urgent = deadline_words(problem.deadline, problem.status, today())
    village_may = can_rectify(user, problem.org_unit)
    team_may = can_supervise(user, problem.org_unit)
    status = problem.status
    context = {
        "page_title": f"督导问题 · {problem.org_unit.display_name}",
        "breadcrumbs": crumbs({"label": problem.org_unit.display_name, "url": f"/supervision/problems/?unit={problem.org_unit.code}"}, {"label": "问题详情"}),
        "tabs": tabs(user, "problems"), "p": problem, "photos": list(problem.photos.all()),
        "star_name": stars.get(problem.star_code, problem.star_code), "rule_text": rules.get(problem.rule_code, ""),
        "status_tone": STATUS_TONES.get(status, "secondary"), "severity_tone": SEVERITY_TONES.get(problem.severity, "secondary"),
        "deadline_words": words, "urgent": urgent, "events": _events(problem), "rectifications": _rectifications(problem),
        "can_start": village_may and status == ProblemStatus.PENDING,
        "can_rectify": village_may and status in (ProblemStatus.PENDING, ProblemStatus.RECTIFYING),
        "can_review": team_may and status == ProblemStatus.CHECKING,
        "can_deadline": team_may and status in OPEN_STATUSES,
        "error": "", "action": "", "posted": {},
    }
    context["can_act"] = any(context[k] for k in ("can_start", "can_rectify", "can_review", "can_deadline"))
    context.update(extra)
    context["deadline_value"] = context["posted"].get("deadline") or problem.deadline.isoformat()
    return context


@login_required
def detail(request, pk):
    return render(request, T, _context(request, get_problem(request.user, pk)))


def _refused(request, problem, action, message, status=400):
    """The page again with the refusal on top and what was typed kept."""
    posted = {k: request.POST.get(k, "")[:MAX_TEXT] for k in ("note", "measures", "comment", "deadline", "reason")}
    problem = get_problem(request.user, problem.pk)  # as it now stands (another user may have moved it)
    return render(request, T, _context(request, problem, error=message, action=action, posted=posted), status=status)


def _store(problem, user, files) -> list[Evidence]:
    """The uploads as Evidence of the problem's village, through the rating evidence checks (type by content,
    size, images re-encoded without location)."""
    out = []
    for upload in files:
        kind = Evidence.Kind.PHOTO if (upload.content_type or "").startswith("image/") else Evidence.Kind.DOCUMENT
        out.append(store_evidence(problem.org_unit, user, upload, kind))
    return out


def _text(request, name) -> str:
    return (request.POST.get(name) or "").strip()[:MAX_TEXT]


def _version(request) -> int | None:
    """The version the page was read at: a step on a problem changed meanwhile is refused, not applied blindly."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _step(request, pk, action, run, done: str):
    """Run one step in a transaction; a SupervisionError or a refused upload leaves nothing behind."""
    problem = get_problem(request.user, pk)
    try:
        with discard_new_files_on_error(), transaction.atomic():
            run(problem)
    except (SupervisionError, WorkflowError) as exc:
        return _refused(request, problem, action, exc.message)
    messages.success(request, done)
    return redirect("supervision:problem", pk=pk)


@login_required
@require_POST
def start(request, pk):
    note = _text(request, "note")
    return _step(request, pk, "start", lambda p: start_rectification(p, request.user, note=note, version=_version(request)), "已开始整改。")


@login_required
@require_POST
def rectify(request, pk):
    measures = _text(request, "measures")
    files, error = uploaded_files(request)
    if error or not measures:
        problem = get_problem(request.user, pk)
        return _refused(request, problem, "rectify", error or "请填写整改措施。")
    return _step(request, pk, "rectify",
                 lambda p: submit_rectification(p, request.user, measures, evidence=_store(p, request.user, files), version=_version(request)),
                 "整改情况已提交，等待督导组复查。")


@login_required
@require_POST
def accept_view(request, pk):
    comment = _text(request, "comment")
    files, error = uploaded_files(request)
    if error:
        return _refused(request, get_problem(request.user, pk), "review", error)
    return _step(request, pk, "review", lambda p: accept(p, request.user, comment=comment, photos=_store(p, request.user, files), version=_version(request)),
                 "复查通过，问题已销号。")


@login_required
@require_POST
def reject_view(request, pk):
    comment = _text(request, "comment")
    files, error = uploaded_files(request)
    if error or not comment:
        return _refused(request, get_problem(request.user, pk), "review", error or "退回须填写复查意见，说明还有哪些没有整改到位。")
    return _step(request, pk, "review", lambda p: reject(p, request.user, comment, photos=_store(p, request.user, files), version=_version(request)),
                 "已退回村里继续整改。")


@login_required
@require_POST
def deadline(request, pk):
    day, reason = parse_date(request.POST.get("deadline")), _text(request, "reason")
    if day is None or not reason:
        message = "请选择新的整改期限。" if day is None else "调整期限须填写理由。"
        return _refused(request, get_problem(request.user, pk), "deadline", message)
    return _step(request, pk, "deadline", lambda p: change_deadline(p, request.user, day, reason, version=_version(request)),
                 f"整改期限已调整为 {day:%Y年%-m月%-d日}。")
