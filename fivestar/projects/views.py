"""Pages under /projects/: the catalogue (filters, incentive order, pagination), a project's page (files, support list
with each village's incentive reason, agreements, returns, history), and the forms that change them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fivestar.core.pagination import paginate
from fivestar.core.roles import Action
from fivestar.core.scoping import scope_q
from fivestar.meetings.models import Meeting, MeetingKind
from fivestar.orgs.models import Level, OrgUnit

from . import selectors
from .models import Agreement, Participant, ProjectFile, ProjectReturn, Stage
from .services import agreements as agreement_services
from .services import incentives
from .services import projects as project_services
from .services.access import can_edit_project, can_manage, can_set_policy, investing_villages
from .services.errors import ProjectError


def _publish_villages(user):
    return OrgUnit.objects.filter(scope_q(user, Action.EDIT_RESULTS), level=Level.VILLAGE).order_by("path")


@login_required
def catalogue(request):
    qs, f = selectors.catalogue(request.user, request.GET)
    page = paginate(request, qs)
    selectors.with_reasons(list(page.object_list))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "projects/catalogue.html", {
        "page_title": "项目推介", "page": page, "f": f, "stages": Stage.choices, "amounts": [(k, v[0]) for k, v in selectors.AMOUNTS.items()],
        "sorts": [(k, v[0]) for k, v in selectors.SORTS.items()], "industries": selectors.industries(request.user),
        "can_publish": _publish_villages(request.user).exists(), "query": params.urlencode(),
        "policy_units": selectors.policy_units(request.user),
    })


def _data(post, *names):
    return {n: post.get(n, "") for n in names}


@login_required
def publish(request):
    villages = list(_publish_villages(request.user)[:500])
    if not villages:
        raise PermissionDenied("您无权发布项目。")
    values = {"village": villages[0].code}
    if request.method == "POST":
        values = _data(request.POST, "village", "name", "industry", "investment", "expected_return", "description")
        village = next((v for v in villages if v.code == values["village"]), None)
        try:
            if village is None:
                raise ProjectError("请选择发布项目的村。")
            p = project_services.publish(request.user, village, name=values["name"], industry=values["industry"],
                                         investment=values["investment"], expected_return=values["expected_return"] or 0,
                                         description=values["description"], uploads=request.FILES.getlist("files"))
        except ProjectError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"已发布项目「{p.name}」。")
            return redirect("projects:detail", p.pk)
    return render(request, "projects/publish.html", {"page_title": "发布项目", "villages": villages, "v": values})


@login_required
def detail(request, pk):
    p = selectors.project(request.user, pk)
    agreements = list(Agreement.objects.filter(project=p).select_related("meeting", "recorded_by").order_by("-signed_on", "-id"))
    parts = {}
    for part in Participant.objects.filter(agreement__project=p).select_related("village"):
        parts.setdefault(part.agreement_id, []).append(part)
    for a in agreements:
        a.rows = parts.get(a.pk, [])
    returns = list(ProjectReturn.objects.filter(project=p).select_related("village").order_by("-year", "village__path"))
    files = list(ProjectFile.objects.filter(project=p).select_related("evidence"))
    selectors.with_reasons([p])
    return render(request, "projects/detail.html", {
        "page_title": p.name, "p": p, "files": files, "interests": selectors.interests(p), "agreements": agreements,
        "returns": returns, "events": list(p.events.select_related("user")[:100]), "stages": Stage.choices,
        "can_manage": can_manage(request.user, p), "can_edit": can_edit_project(request.user, p),
        "investors": list(investing_villages(request.user, p)[:200]),
    })


@login_required
def project_file(request, pk, file_id):
    p = selectors.project(request.user, pk)
    f = get_object_or_404(ProjectFile.objects.select_related("evidence"), pk=file_id, project=p)
    ev = f.evidence
    thumb = request.GET.get("thumb") and ev.thumbnail
    handle = (ev.thumbnail if thumb else ev.file).open("rb")
    return FileResponse(handle, content_type="image/jpeg" if thumb else ev.content_type, filename=ev.original_name,
                        as_attachment=not ev.content_type.startswith("image/"))


@login_required
@require_POST
def add_files(request, pk):
    p = selectors.project(request.user, pk)
    if not can_edit_project(request.user, p):
        raise PermissionDenied("您无权为该项目上传材料。")
    try:
        added = project_services.add_files(request.user, p, request.FILES.getlist("files"))
    except ProjectError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已上传 {len(added)} 个照片或文件。") if added else messages.error(request, "请选择要上传的照片或文件。")
    return redirect("projects:detail", p.pk)


@login_required
def interest(request, pk):
    p = selectors.project(request.user, pk)
    villages = list(investing_villages(request.user, p)[:200])
    if not villages:
        raise PermissionDenied("您无权为本乡镇其他村表达投资意向。")
    values = {"village": villages[0].code}
    if request.method == "POST":
        values = _data(request.POST, "village", "amount", "note")
        village = next((v for v in villages if v.code == values["village"]), None)
        try:
            if village is None:
                raise ProjectError("请选择投资村。")
            project_services.express_interest(request.user, p, village, amount_value=values["amount"], note=values["note"])
        except ProjectError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"已登记{village.display_name}的投资意向。")
            return redirect("projects:detail", p.pk)
    return render(request, "projects/interest.html", {"page_title": "表达投资意向", "p": p, "villages": villages, "v": values})


def _managed(request, pk):
    p = selectors.project(request.user, pk)
    if not can_manage(request.user, p):
        raise PermissionDenied("只有项目所在乡镇（或县）可以进行此操作。")
    return p


@login_required
def agreement(request, pk):
    p = _managed(request, pk)
    interests = selectors.interests(p)
    candidates = [p.village] + [i.village for i in interests]
    others = OrgUnit.objects.filter(parent_id=p.village.parent_id, level=Level.VILLAGE).exclude(pk__in=[c.pk for c in candidates]).order_by("path")
    meetings = list(Meeting.objects.filter(org_unit_id=p.village.parent_id, kind=MeetingKind.PROMOTION).order_by("-date")[:50])
    values = {"signed_on": timezone.localdate().isoformat(), "meeting": str(meetings[0].pk) if meetings else ""}
    if request.method == "POST":
        values = _data(request.POST, "signed_on", "start_on", "note", "meeting", "extra")
        rows = []
        codes = [c.code for c in candidates] + ([values["extra"]] if values["extra"] else [])
        for code in codes:
            share = request.POST.get(f"share_{code}", "").strip() if code != values["extra"] else request.POST.get("extra_share", "").strip()
            value = request.POST.get(f"amount_{code}", "").strip() if code != values["extra"] else request.POST.get("extra_amount", "").strip()
            if share:
                rows.append({"village": code, "share": share, "amount": value or 0})
        try:
            agreement_services.record_agreement(request.user, p, signed_on=values["signed_on"], start_on=values["start_on"] or None,
                                                note=values["note"], meeting=values["meeting"] or None, participants=rows)
        except ProjectError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, "已登记签约。")
            return redirect("projects:detail", p.pk)
    reasons = {i.village_id: (i.reason, i.amount) for i in interests}
    rows = [{"unit": c, "reason": reasons.get(c.pk, ("发布村", None))[0], "proposed": reasons.get(c.pk, (None, None))[1],
             "share": request.POST.get(f"share_{c.code}", ""), "amount": request.POST.get(f"amount_{c.code}", "")} for c in candidates]
    return render(request, "projects/agreement.html", {"page_title": "登记签约", "p": p, "rows": rows, "meetings": meetings,
                                                       "others": others, "v": values})


@login_required
@require_POST
def stage(request, pk):
    p = _managed(request, pk)
    try:
        agreement_services.set_stage(request.user, p, request.POST.get("stage", ""), note=request.POST.get("note", ""))
    except ProjectError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"项目阶段已变为「{Stage(p.stage).label}」。")
    return redirect("projects:detail", p.pk)


@login_required
def returns(request, pk):
    p = _managed(request, pk)
    villages = list(agreement_services.participants_of(p))
    year = request.POST.get("year") or request.GET.get("year") or str(timezone.localdate().year - 1)
    if request.method == "POST":
        amounts = {v.code: request.POST.get(f"amount_{v.code}", "").strip() for v in villages}
        try:
            agreement_services.record_returns(request.user, p, year, amounts)
        except ProjectError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"已登记 {year} 年收益，并计入各村集体经济收入。")
            return redirect("projects:detail", p.pk)
    try:
        y = int(year)
    except ValueError:
        y = 0
    current = {r.village_id: r.amount for r in ProjectReturn.objects.filter(project=p, year=y)}
    from fivestar.indicators.models import CollectiveIncome

    incomes = {c.org_unit_id: c for c in CollectiveIncome.objects.filter(org_unit__in=villages, year=y)}
    rows = [{"unit": v, "amount": request.POST.get(f"amount_{v.code}", current.get(v.pk, "")), "income": incomes.get(v.pk)} for v in villages]
    return render(request, "projects/returns.html", {"page_title": "登记项目收益", "p": p, "rows": rows, "year": year})


@login_required
def policy(request, code):
    unit = OrgUnit.objects.filter(scope_q(request.user), code=str(code)[:20], level__in=[Level.TOWN, Level.COUNTY]).first()
    if unit is None:
        raise Http404
    editable = can_set_policy(request.user, unit)
    label, rules = incentives.policies_for_unit(unit)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("您无权设置该单位的激励政策。")
        raw = {s: {"priority": request.POST.get(f"priority_{s}", ""), "funds": request.POST.get(f"funds_{s}", ""),
                   "honours": request.POST.get(f"honours_{s}", "")} for s in incentives.STARS}
        try:
            incentives.set_policy(request.user, unit, raw)
        except ProjectError as e:
            messages.error(request, e.message)
            rules = raw
        else:
            messages.success(request, "激励政策已保存。")
            return redirect("projects:policy", unit.code)
    rows = [{"star": s, **(rules.get(s) or {})} for s in incentives.STARS]
    return render(request, "projects/policy.html", {"page_title": "激励政策", "unit": unit, "rows": rows, "label": label, "editable": editable})

