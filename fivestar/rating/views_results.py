"""Round actions (发布公示, 认定), objections (异议处理), a branch's rating history and its star certificate."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from fivestar.core.pagination import paginate
from fivestar.core.roles import Action
from fivestar.core.scoping import covers, user_grants
from fivestar.orgs.selectors import breadcrumbs_for

from .certificate import CertificateUnavailable, certificate_filename, certificate_pdf
from .forms_results import ResolveForm
from .models import Objection, Round
from .selectors_history import village_history as history_of
from .selectors_history import visible_village
from .selectors_objections import may_see_objections, objections_for
from .services import WorkflowError, dismiss_objections, recognise as recognise_round, resolve_objection
from .services import start_notice as start_round_notice


def round_for(user, pk: int) -> Round:
    """A round the user may look at: its scope is in theirs, or theirs is inside its scope."""
    rnd = get_object_or_404(Round.objects.select_related("scope"), pk=pk)
    if covers(user, rnd.scope) or any(path and path.startswith(rnd.scope.path) for path, _ in user_grants(user)):
        return rnd
    raise Http404("评星周期不存在或不在您的管辖范围内")


def round_url(rnd) -> str:
    try:
        return reverse("rating:round", args=[rnd.pk])  # the round page (views_rounds)
    except NoReverseMatch:
        return f"/rating/rounds/{rnd.pk}/"


def _back(request, rnd):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(round_url(rnd))


def _error(request, prefix: str, error: WorkflowError):
    messages.error(request, "；".join([f"{prefix}：{error.message}", *error.details]))


@login_required
@require_POST
def start_notice(request, pk):
    rnd = round_for(request.user, pk)
    try:
        start_round_notice(rnd, request.user)
    except WorkflowError as error:
        _error(request, "未能发布公示", error)
    else:
        messages.success(request, f"已发布公示：{rnd.notice_start:%Y年%m月%d日} 至 {rnd.notice_end:%Y年%m月%d日}。")
    return _back(request, rnd)


@login_required
@require_POST
def recognise(request, pk):
    rnd = round_for(request.user, pk)
    try:
        count = recognise_round(rnd, request.user)
    except WorkflowError as error:
        _error(request, "未能认定", error)
    else:
        messages.success(request, f"已认定 {count} 个支部的评星结果。")
    return _back(request, rnd)


@login_required
@require_http_methods(["GET", "POST"])
def objections(request, pk):
    rnd = round_for(request.user, pk)
    user = request.user
    if not may_see_objections(user):
        raise Http404("您无权查看公示异议")
    rows = objections_for(user, rnd).select_related(
        "assessment__org_unit", "assessment__org_unit__parent", "resolved_by", "resolved_by__person")
    status = request.GET.get("status", "")
    if status in Objection.Status.values:
        rows = rows.filter(status=status)
    failed, status_code = None, 200
    if request.method == "POST" and "bulk_dismiss" in request.POST:
        return _bulk_dismiss(request, rnd)
    if request.method == "POST":
        form = ResolveForm(request.POST)
        oid = request.POST.get("objection", "")
        objection = rows.filter(pk=int(oid)).first() if oid.isdigit() else None
        if objection is None:
            raise Http404("异议不存在或不在您的管辖范围内")
        if form.is_valid():
            try:
                resolve_objection(objection, user, form.cleaned_data["decision"] == "uphold", form.cleaned_data["resolution"])
            except WorkflowError as error:
                form.add_error(None, error.message)
            else:
                done = "予以采纳，该支部申报已退回复核" if objection.status == Objection.Status.UPHELD else "不予采纳"
                messages.success(request, f"已处理 {objection.assessment.org_unit.display_name} 的异议：{done}。")
                return redirect(request.get_full_path())
        failed, status_code = (objection.pk, form), 400
    page = paginate(request, rows)
    for o in page:
        o.can_resolve = o.status == Objection.Status.OPEN and covers(user, o.assessment.org_unit, Action.MANAGE_ROUNDS)
        o.form = failed[1] if failed and failed[0] == o.pk else ResolveForm(initial={"objection": o.pk})
    can_bulk = any(o.can_resolve for o in page)
    context = {
        "page_title": f"{rnd.name} · 公示异议", "round": rnd, "page": page, "status": status, "statuses": Objection.Status.choices,
        "open_count": objections_for(user, rnd).filter(status=Objection.Status.OPEN).count(), "can_bulk": can_bulk,
        "breadcrumbs": [{"label": rnd.name, "url": round_url(rnd)}, {"label": "公示异议"}],
    }
    return render(request, "rating/results/objections.html", context, status=status_code)


def _bulk_dismiss(request, rnd):
    """批量不予采纳: the selected objections the user can see, one reason; the service checks the right."""
    ids = {int(i) for i in request.POST.getlist("ids") if i.isdigit() and len(i) <= 18}
    visible = set(objections_for(request.user, rnd).filter(pk__in=ids).values_list("pk", flat=True))
    try:
        if ids != visible:
            raise WorkflowError("所选异议不存在或不在您的管辖范围内。")
        count = dismiss_objections(rnd, request.user, ids, request.POST.get("bulk_resolution", ""))
    except WorkflowError as error:
        _error(request, "未能批量处理", error)
    else:
        messages.success(request, f"已批量不予采纳 {count} 条异议。")
    return redirect(request.get_full_path())


@login_required
def village_history(request, code):
    village = visible_village(request.user, code)
    context = {
        "page_title": f"{village.display_name} · 评星记录", "unit": village, **history_of(village),
        "breadcrumbs": [*breadcrumbs_for(request.user, village)[:-1], {"label": village.display_name, "url": reverse("orgs:unit", args=[code])}, {"label": "评星记录"}],
    }
    return render(request, "rating/results/village_history.html", context)


@login_required
def certificate(request, code):
    village = visible_village(request.user, code)
    try:
        pdf = certificate_pdf(village)  # stored after the first render; rendered in a child process, never here
    except CertificateUnavailable as exc:
        context = {"page_title": "荣誉证书暂不可用", "unit": village, "message": str(exc)}
        response = render(request, "rating/results/certificate_unavailable.html", context, status=503)
        response["Retry-After"] = "30"
        return response
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=\"certificate-{village.code}.pdf\"; filename*=UTF-8''{quote(certificate_filename(village))}"
    return response
