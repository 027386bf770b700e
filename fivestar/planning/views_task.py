"""One ledger task's page (phone first: the village cadre moves it on a phone) and its steps: status changes with
a reason, evidence upload (through the rating evidence checks), and the town's edit of its owner, deadline and
wording. A refused step shows the service's message and keeps what was typed; nothing is half saved; a task
changed meanwhile (version) is refused, not overwritten."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fivestar.core.selectors_history import status_steps
from fivestar.rating.models import Evidence
from fivestar.rating.services import WorkflowError, store_evidence
from fivestar.rating.services.evidence import discard_new_files_on_error
from fivestar.supervision.views_common import framework_names

from .forms import uploaded_files
from .models import TaskEvent
from .models.ledger import TaskStatus
from .selectors import task_for
from .services import PlanningError, add_task_evidence, can_manage, can_work, set_task_status
from .task_people import edit_form, save_from_form
from .views_common import NOT_FOUND, STATUS_TONES, crumbs, deadline_words, int_or_404, parse_date, tabs, today

T = "planning/task.html"
S = TaskStatus
STATUS_LABELS = dict(TaskStatus.choices)
ACTION_LABELS = dict(TaskEvent.Action.choices)
MAX_TEXT = 500


def get_task(user, pk):
    task = task_for(user, int_or_404(pk))
    if task is None:
        raise Http404(NOT_FOUND)
    return task


def _events(task) -> list[dict]:
    return status_steps(task.events.all(), STATUS_LABELS, ACTION_LABELS)


def _moves(task, manager: bool, worker: bool) -> list[dict]:
    """The status buttons this user has on this task (the service decides again on submit)."""
    if not (manager or worker):
        return []
    out = []
    if task.status == S.TODO:
        out.append({"to": S.DOING, "label": "开始推进", "tone": "outline-primary"})
    if task.status == S.DONE:
        out.append({"to": S.DOING, "label": "重新推进", "tone": "outline-secondary", "reason": True})
    if manager and task.status in (S.TODO, S.DOING):
        out.append({"to": S.CANCELLED, "label": "取消任务", "tone": "outline-secondary", "reason": True})
    if manager and task.status == S.CANCELLED:
        out.append({"to": S.TODO, "label": "恢复任务", "tone": "outline-primary"})
    return out


def _context(request, task, **extra) -> dict:
    user = request.user
    stars, rules = framework_names()
    village = task.org_unit
    manager, worker = can_manage(user, village), can_work(user, village)
    words, urgent = deadline_words(task.deadline, task.status, today())
    ledger_url = f"{reverse('planning:ledger')}?unit={village.code}&year={task.year}"
    context = {
        "page_title": f"创建台账任务 · {village.display_name}",
        "breadcrumbs": crumbs({"label": f"{village.display_name} {task.year} 年度创建台账", "url": ledger_url}, {"label": "任务详情"}),
        "tabs": tabs(user, "ledger", f"year={task.year}"), "t": task, "evidence": list(task.evidence.all()),
        "star_name": stars.get(task.star_code, task.star_code), "rule_text": rules.get(task.rule_code, ""),
        "status_tone": STATUS_TONES.get(task.status, "secondary"), "deadline_words": words, "urgent": urgent,
        "late": task.status in (S.TODO, S.DOING) and task.deadline < today(), "events": _events(task),
        "can_finish": (manager or worker) and task.status in (S.TODO, S.DOING), "moves": _moves(task, manager, worker),
        "can_evidence": (manager or worker) and task.status != S.CANCELLED, "can_edit": manager,
        "problem_visible": task.problem_id is not None, "ledger_url": ledger_url,
        "error": "", "action": "", "posted": {}, "today": today(),
    }
    if manager and "edit" not in extra:
        context["edit"] = edit_form(task)
    context["can_act"] = context["can_finish"] or context["moves"] or context["can_evidence"]
    context.update(extra)
    return context


@login_required
def detail(request, pk):
    return render(request, T, _context(request, get_task(request.user, pk)))


def _refused(request, task, action, message, **extra):
    posted = {k: request.POST.get(k, "")[:2000] for k in ("reason", "completed_on", "note")}
    task = get_task(request.user, task.pk)  # as it now stands
    return render(request, T, _context(request, task, error=message, action=action, posted=posted, **extra), status=400)


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _store(task, user, files) -> list[Evidence]:
    out = []
    for upload in files:
        kind = Evidence.Kind.PHOTO if (upload.content_type or "").startswith("image/") else Evidence.Kind.DOCUMENT
        out.append(store_evidence(task.org_unit, user, upload, kind))
    return out


@login_required
@require_POST
def status(request, pk):
    task = get_task(request.user, pk)
    to = request.POST.get("status", "")
    reason = (request.POST.get("reason") or "").strip()[:MAX_TEXT]
    completed_on = None
    files, error = uploaded_files(request)
    if to == S.DONE:
        raw = request.POST.get("completed_on", "")
        completed_on = parse_date(raw) if raw else None
        if raw and completed_on is None:
            error = error or "请填写正确的完成日期。"
    if error:
        return _refused(request, task, to, error)
    try:
        with discard_new_files_on_error(), transaction.atomic():
            current = set_task_status(task, request.user, to, reason=reason, completed_on=completed_on, version=_version(request))
            for item in _store(current, request.user, files):
                add_task_evidence(current, request.user, item)
    except (PlanningError, WorkflowError) as exc:
        return _refused(request, task, to, exc.message)
    done = {S.DONE: "任务已标记为已完成。", S.DOING: "任务已改为推进中。", S.CANCELLED: "任务已取消。", S.TODO: "任务已恢复为未开始。"}
    messages.success(request, done.get(to, "任务状态已更新。") + (f"已添加 {len(files)} 个佐证。" if files else ""))
    return redirect("planning:task", pk=task.pk)


@login_required
@require_POST
def evidence(request, pk):
    task = get_task(request.user, pk)
    files, error = uploaded_files(request)
    if error or not files:
        return _refused(request, task, "evidence", error or "请选择要上传的佐证材料。")
    try:
        with discard_new_files_on_error(), transaction.atomic():
            for item in _store(task, request.user, files):
                add_task_evidence(task, request.user, item)
    except (PlanningError, WorkflowError) as exc:
        return _refused(request, task, "evidence", exc.message)
    messages.success(request, f"已添加 {len(files)} 个佐证。")
    return redirect("planning:task", pk=task.pk)


@login_required
@require_POST
def edit(request, pk):
    task = get_task(request.user, pk)
    if not can_manage(request.user, task.org_unit):
        return _refused(request, task, "edit", f"您无权修改「{task.org_unit.display_name}」的创建台账任务。")
    form = edit_form(task, request.POST)
    message = save_from_form(request.user, form, task=task, version=_version(request))
    if message:
        return _refused(request, task, "edit", message, edit=form)
    messages.success(request, "任务已修改。")
    return redirect("planning:task", pk=task.pk)
