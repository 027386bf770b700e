"""A village's monthly commitments (月初晒承诺、月底亮业绩), phone first: this month's commitments of its cadres
(post one), last month's with a result form each (text + photos/files), the town's grade form on each. Scoped:
a village outside the user's scope is 404; an observer reads only. Queries are fixed whatever the number of rows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fivestar.orgs.models import Level
from fivestar.rating.models import Evidence
from fivestar.rating.services import WorkflowError, store_evidence
from fivestar.rating.services.evidence import discard_new_files_on_error

from . import commitment_rows as rows
from .models import Commitment, LedgerTask
from .models.ledger import OPEN_TASK_STATUSES
from .services import PlanningError, grade_commitment, month_label, post_commitment, post_result
from .services.access import can_commit, can_manage
from .services.commitments import MAX_COMMENT, MAX_CONTENT, MAX_RESULT
from .services.settings import grade_scale, planning_settings_for
from .services.stars import StarCatalog
from .views_common import NOT_FOUND, crumbs, int_or_404, tabs, today, visible_unit

T_VILLAGE = "planning/commitments_village.html"
MAX_FILES = 9
TASK_CHOICES = 60


def _months(request) -> tuple[list, bool]:
    """The sections to show: this month, last month (and next month's early posts), or one month asked for."""
    current = rows.this_month()
    asked = rows.month_of(request.GET)
    if asked != current and "month" in request.GET:
        return [("month", asked, f"{month_label(asked)}承诺与业绩")], True
    return [("next", rows.add_months(current, 1), "下月承诺"), ("current", current, "本月承诺"),
            ("previous", rows.add_months(current, -1), "上月业绩")], False


def _choices(village, user, cadres) -> list:
    """Who a commitment can be posted for: the village's cadres and 包村干部, and the user when they are a person of
    the village; the user first (the default)."""
    people = list(cadres)
    own = user.person if hasattr(user, "person") else None
    if own is not None and own.active and own.pk not in {p.pk for p in people} and own.org_unit_id == village.pk:
        own.post = rows.post_of(own, village.pk)
        people.append(own)
    if own is not None:
        people.sort(key=lambda p: p.pk != own.pk)
    return people


def village_context(request, village, *, error="", error_row=None, posted=None) -> dict:
    user, on = request.user, today()
    current = on.replace(day=1)
    months, single = _months(request)
    cadres = rows.cadres_of([village])[village.pk]
    sections = rows.village_sections(village, months, cadres)
    if not single:
        sections = [s for s in sections if s.key != "next" or s.rows]
    may_commit, may_manage = can_commit(user, village), can_manage(user, village)
    for section in sections:
        for row in section.rows:
            row.can_result = may_commit and rows.can_post_result_now(row, current)
            row.can_grade = may_manage and rows.can_grade_now(row, on)
    catalog = StarCatalog(village)
    stars = {code: star.name for code, star in catalog.stars(village.branch_type).items()}
    context = {
        "village": village, "sections": sections, "single": single, "today": on, "current": current,
        "can_commit": may_commit, "can_manage": may_manage, "stars": stars, "cadres": cadres,
        "error": error, "error_row": error_row, "posted": posted or {},
        "max_content": MAX_CONTENT, "max_result": MAX_RESULT, "max_comment": MAX_COMMENT,
        "tabs": tabs(user, "commitments"), "page_title": f"月度承诺 · {village.display_name}",
        "breadcrumbs": crumbs({"label": f"{village.display_name} 月度承诺"}),
        "history": [rows.add_months(current, -n) for n in range(2, 8)],
        "this_param": rows.month_param(current),
    }
    context["pending_results"] = sum(1 for s in sections if s.key == "previous" for r in s.rows if r.can_result and not r.result)
    shown = {row.pk for section in sections for row in section.rows}
    context["error_top"] = error if error and error_row not in shown else ""
    if may_commit:
        choices = _choices(village, user, cadres)
        context.update({
            "people": choices, "default_person": (posted or {}).get("person") or (str(choices[0].pk) if choices else ""),
            "post_months": [(rows.month_param(current), f"本月（{current.month}月）"),
                            (rows.month_param(rows.add_months(current, 1)), f"下月（{rows.add_months(current, 1).month}月）")],
            "tasks": list(LedgerTask.objects.filter(org_unit=village, status__in=OPEN_TASK_STATUSES)
                          .only("id", "title", "star_code", "deadline").order_by("deadline", "id")[:TASK_CHOICES]),
        })
    if may_manage:
        context["scale"] = grade_scale(planning_settings_for(village))
    return context


def _village(user, code):
    return visible_unit(user, code, levels=(Level.VILLAGE,))


def village_page(request, village):
    return render(request, T_VILLAGE, village_context(request, village))


def _back(village, anchor="") -> str:
    return reverse("planning:commitments_unit", args=[village.code]) + (f"#{anchor}" if anchor else "")


@login_required
@require_POST
def post(request, code):
    village = _village(request.user, code)
    data = request.POST
    posted = {k: (data.get(k) or "")[: MAX_CONTENT + 10] for k in ("month", "person", "content", "star", "task")}
    try:
        cadres = _choices(village, request.user, rows.cadres_of([village])[village.pk])
        person = next((p for p in cadres if str(p.pk) == posted["person"].strip()), None)
        task = None
        if posted["task"].strip():
            task_id = posted["task"].strip()
            task = LedgerTask.objects.filter(org_unit=village, pk=int(task_id)).first() if task_id.isdigit() and len(task_id) < 19 else None
            if task is None:
                raise PlanningError("所选台账任务不属于本村。")
        commitment = post_commitment(request.user, village, posted["month"] or rows.this_month(), person, posted["content"],
                                     star_code=posted["star"], task=task)
    except PlanningError as exc:
        context = village_context(request, village, error=exc.message, posted=posted)
        return render(request, T_VILLAGE, context, status=400)
    messages.success(request, f"已晒出{commitment.person.name}{month_label(commitment.month)}的承诺。")
    return redirect(_back(village, "post"))


def _commitment(user, pk) -> Commitment:
    item = (Commitment.objects.visible_to(user).select_related("org_unit", "org_unit__parent", "org_unit__area", "person")
            .filter(pk=int_or_404(pk)).first())
    if item is None:
        raise Http404(NOT_FOUND)
    return item


def _evidence(village, user, files) -> list[Evidence]:
    """The uploads through the shared evidence checks (type by content, size, photos without location)."""
    out = []
    for upload in files:
        kind = Evidence.Kind.PHOTO if (upload.content_type or "").startswith("image/") else Evidence.Kind.DOCUMENT
        out.append(store_evidence(village, user, upload, kind, description="月度承诺业绩佐证"))
    return out


@login_required
@require_POST
def result(request, pk):
    item = _commitment(request.user, pk)
    village = item.org_unit
    text = (request.POST.get("result") or "")[: MAX_RESULT + 10]
    files = [f for f in request.FILES.getlist("files") if f]
    try:
        if len(files) > MAX_FILES:
            raise PlanningError(f"一次最多上传 {MAX_FILES} 个文件，您选择了 {len(files)} 个。")
        if not can_commit(request.user, village):
            raise PlanningError(f"您无权为「{village.display_name}」亮业绩。")
        with discard_new_files_on_error(), transaction.atomic():
            post_result(item, request.user, text, evidence=_evidence(village, request.user, files))
    except (PlanningError, WorkflowError) as exc:
        context = village_context(request, village, error=exc.message, error_row=item.pk, posted={"result": text, "kind": "result"})
        return render(request, T_VILLAGE, context, status=400)
    messages.success(request, f"已亮出{item.person.name}的业绩{f'，附 {len(files)} 个佐证' if files else ''}。")
    return redirect(_back(village, f"c{item.pk}"))


def _next_url(request) -> str:
    url = request.POST.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return ""


@login_required
@require_POST
def grade(request, pk):
    item = _commitment(request.user, pk)
    village = item.org_unit
    value, comment = (request.POST.get("grade") or "")[:20], (request.POST.get("comment") or "")[: MAX_COMMENT + 10]
    back = _next_url(request)
    try:
        grade_commitment(item, request.user, value, comment)
    except PlanningError as exc:
        if back:
            messages.error(request, f"{village.display_name} {item.person.name}：{exc.message}")
            return redirect(back)
        context = village_context(request, village, error=exc.message, error_row=item.pk, posted={"comment": comment, "grade": value, "kind": "grade"})
        return render(request, T_VILLAGE, context, status=400)
    messages.success(request, f"已点评{village.display_name} {item.person.name}的承诺：{value}。")
    return redirect(back or _back(village, f"c{item.pk}"))
