"""A session's page (attendance by list on a phone, its QR code), the check-in page the QR code opens, the
town's activity kinds, and an incident's page where the town confirms or rejects a proposed veto."""

import io

import qrcode
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from fivestar.orgs.models import Level

from . import selectors
from .models import ActivityKind, ActivitySession, Attendance, Incident
from .services import safety, sessions
from .services.access import can_decide_veto, can_edit, can_manage_kinds
from .services.errors import ActivityError
from .services.kinds import add_kind, kinds_for, set_active


def _session(user, pk) -> ActivitySession:
    session = ActivitySession.objects.visible_to(user).select_related("org_unit", "kind").filter(pk=pk).first()
    if session is None:
        raise Http404("活动不存在或不在您的管辖范围内")
    return session


@login_required
def session(request, pk):
    user = request.user
    s = _session(user, pk)
    editable = can_edit(user, s.org_unit)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("您无权登记该村（社区）的活动签到。")
        try:
            sessions.set_attendance(user, s, request.POST.getlist("person"))
            messages.success(request, f"已保存签到：实到 {s.attended} 人。")
        except ActivityError as e:
            messages.error(request, e.message)
        return redirect("activities:session", pk=s.pk)
    present = dict(Attendance.objects.filter(session=s).values_list("person_id", "method"))
    people = [{"person": p, "present": p.pk in present, "qr": present.get(p.pk) == Attendance.Method.QR} for p in sessions.members(s.org_unit)[:500]]
    return render(request, "activities/session.html", {
        "page_title": f"{s.title} · {s.org_unit.display_name}", "s": s, "people": people, "editable": editable,
        "check_in_url": request.build_absolute_uri(reverse("activities:check_in", args=[s.qr_token])),
    })


@login_required
def session_qr(request, pk):
    s = _session(request.user, pk)
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=2)
    code.add_data(request.build_absolute_uri(reverse("activities:check_in", args=[s.qr_token])))
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return HttpResponse(buffer.getvalue(), content_type="image/png")


@login_required
def check_in(request, token):
    """The page a member's phone opens from the session's QR code: one button, for people of that village."""
    s = ActivitySession.objects.select_related("org_unit", "kind").filter(qr_token=str(token)[:32]).first()
    if s is None:
        raise Http404("签到码无效")
    person = sessions.person_for_check_in(request.user, s)
    done = person is not None and Attendance.objects.filter(session=s, person=person).exists()
    if request.method == "POST":
        try:
            sessions.check_in(request.user, s)
            messages.success(request, f"签到成功：{s.title}（{s.date:%Y-%m-%d}）。")
        except ActivityError as e:
            messages.error(request, e.message)
        return redirect("activities:check_in", token=s.qr_token)
    return render(request, "activities/check_in.html", {"page_title": "扫码签到", "s": s, "person": person, "done": done})


@login_required
def kinds(request, code):
    user = request.user
    town = selectors.unit_in_scope(user, code)
    if town.level != Level.TOWN:
        raise Http404("活动类型由乡镇设置")
    manage = can_manage_kinds(user, town)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("您无权设置该乡镇的活动类型。")
        try:
            if request.POST.get("toggle"):
                kind = ActivityKind.objects.filter(town=town, pk=request.POST.get("toggle")).first()
                if kind is None:
                    raise ActivityError("活动类型不存在。")
                set_active(user, kind, not kind.active)
            else:
                add_kind(user, town, request.POST.get("name", ""), request.POST.get("code") or ActivityKind.Code.OTHER)
            messages.success(request, "已保存活动类型。")
        except ActivityError as e:
            messages.error(request, e.message)
        return redirect("activities:kinds", code=town.code)
    return render(request, "activities/kinds.html", {"page_title": f"活动类型 · {town.display_name}", "town": town, "manage": manage,
                                                    "kinds": kinds_for(town, active_only=False), "codes": ActivityKind.Code.choices})


@login_required
def incident(request, pk):
    user = request.user
    row = Incident.objects.visible_to(user).select_related("org_unit", "decided_by", "veto_event").filter(pk=pk).first()
    if row is None:
        raise Http404("事件不存在或不在您的管辖范围内")
    decide = can_decide_veto(user, row.org_unit)
    if request.method == "POST":
        if not decide:
            raise PermissionDenied("只有乡镇（或县级）管理员可以确认否决。")
        try:
            if request.POST.get("action") == "confirm":
                safety.confirm_veto(user, row, request.POST.get("reason", ""))
                messages.success(request, f"已确认否决：细则 {row.veto_rule_code}，已记录否决事项（摘星）。")
            else:
                safety.reject_veto(user, row, request.POST.get("reason", ""))
                messages.success(request, "已决定不予否决。")
        except ActivityError as e:
            messages.error(request, e.message)
        return redirect("activities:incident", pk=row.pk)
    return render(request, "activities/incident.html", {"page_title": "三零事件", "i": row, "decide": decide and row.veto_status == Incident.Veto.PROPOSED})
