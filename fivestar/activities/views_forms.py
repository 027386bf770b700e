"""Forms a village (or the town/county above it) fills to record its activities, pairs, awards, honours,
risk checks, incidents and projects: one generic page per kind, through the services, errors in Chinese."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from fivestar.people.models import Person

from . import selectors
from .models import Funding, Honour, Incident, MentoringPair
from .services import records, safety, sessions
from .services.access import can_edit
from .services.errors import ActivityError
from .services.kinds import kinds_for, town_of


def _people(unit):
    return [(str(p.pk), f"{p.name}（{p.get_position_display()}）") for p in Person.objects.filter(org_unit__path__startswith=unit.path, active=True).order_by("position", "name")[:500]]


def _secretaries(unit):
    """Mentors: secretaries of the town's villages (导师 are experienced secretaries from anywhere in the town)."""
    town = town_of(unit)
    return [(str(p.pk), f"{p.name}（{p.org_unit.name}）") for p in Person.objects.filter(org_unit__path__startswith=town.path, position="secretary", active=True)
            .select_related("org_unit").order_by("org_unit__code")[:500]]


def _form(what, unit):
    """(title, fields) of a kind's form: fields are (name, label, input type, choices)."""
    today = timezone.localdate().isoformat()
    year = str(timezone.localdate().year)
    if what == "sessions":
        return "登记活动", [("kind", "活动类型", "select", [(str(k.pk), k.name) for k in kinds_for(town_of(unit))]), ("date", "活动日期", "date", today),
                            ("title", "活动内容", "text", None), ("location", "地点", "text", None), ("expected", "应到人数", "number", None)]
    if what == "honours":
        return "登记荣誉", [("title", "荣誉称号", "text", None), ("level", "级别", "select", Honour.Level.choices), ("issuer", "授予单位", "text", None),
                            ("year", "年度", "number", year), ("certificate", "证书扫描件（图片或 PDF）", "file", None), ("note", "备注", "text", None)]
    if what == "awards":
        return "登记评优评先", [("person_name", "姓名", "text", None), ("category", "评选类别", "text", None), ("year", "年度", "number", year), ("note", "备注", "text", None)]
    if what == "pairs":
        return "登记导师帮带", [("mentor", "导师", "select", _secretaries(unit)), ("mentee", "帮带对象", "select", _people(unit)),
                                ("kind", "帮带方式", "select", MentoringPair.Kind.choices), ("start", "开始日期", "date", today), ("end", "结束日期", "date", None),
                                ("meetings_held", "帮带次数", "number", None), ("note", "备注", "text", None)]
    if what == "checks":
        return "登记三零风险排查", [("date", "排查日期", "date", today), ("checker", "排查人", "text", None), ("risks_found", "发现隐患数", "number", None),
                                    ("findings", "排查情况", "text", None)]
    if what == "incidents":
        return "登记三零事件", [("date", "发生日期", "date", today), ("kind", "类别", "select", Incident.Kind.choices),
                                ("severity", "严重程度", "select", Incident.Severity.choices), ("description", "情况说明", "text", None), ("outcome", "处置结果", "text", None)]
    if what == "projects":
        return "登记专项行动项目", [("name", "项目名称", "text", None), ("year", "年度", "number", year), ("target", "目标任务", "text", None),
                                    ("budget", "计划投入（元）", "number", None), ("progress", "完成进度（%）", "number", None)]
    raise PermissionDenied


def _save(what, user, unit, data, files):
    get = lambda k: data.get(k, "")  # noqa: E731
    if what == "sessions":
        return sessions.create_session(user, unit, kind=get("kind"), date=get("date"), title=get("title"), location=get("location"), expected=get("expected") or 0)
    if what == "honours":
        return records.add_honour(user, unit, title=get("title"), level=get("level"), issuer=get("issuer"), year=get("year"), note=get("note"),
                                  upload=files.get("certificate"))
    if what == "awards":
        return records.add_award(user, unit, person_name=get("person_name"), category=get("category"), year=get("year"), note=get("note"))
    if what == "pairs":
        return records.add_pair(user, unit, mentor=get("mentor"), mentee=get("mentee"), kind=get("kind"), start=get("start"), end=get("end") or None,
                                meetings_held=get("meetings_held") or 0, note=get("note"))
    if what == "checks":
        return records.add_risk_check(user, unit, date=get("date"), checker=get("checker"), findings=get("findings"), risks_found=get("risks_found") or 0)
    if what == "incidents":
        return safety.record_incident(user, unit, date=get("date"), kind=get("kind"), severity=get("severity"), description=get("description"), outcome=get("outcome"))
    if what == "projects":
        return records.add_project(user, unit, name=get("name"), year=get("year"), target=get("target"), budget=get("budget") or 0, progress=get("progress") or 0)
    raise PermissionDenied


@login_required
def new_record(request, code, what):
    user = request.user
    unit = selectors.village(user, code)
    if what not in selectors.MODELS:
        raise PermissionDenied
    if not can_edit(user, unit):
        raise PermissionDenied("您无权登记该村（社区）的记录。")
    title, fields = _form(what, unit)
    values = {name: (request.POST.get(name, "") if request.method == "POST" else (default if kind != "select" else "")) for name, _l, kind, default in fields}
    if request.method == "POST":
        try:
            record = _save(what, user, unit, request.POST, request.FILES)
        except ActivityError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"已{title}。")
            if what == "sessions":
                return redirect("activities:session", pk=record.pk)
            if what == "incidents" and record.veto_status == Incident.Veto.PROPOSED:
                messages.warning(request, f"该事件涉及一票否决细则 {record.veto_rule_code}，已提交乡镇确认。")
            return redirect(reverse("activities:village", args=[unit.code]) + f"#{what}")
    rows = [{"name": n, "label": lbl, "type": t, "choices": d if t == "select" else None, "value": values.get(n, "")} for n, lbl, t, d in fields]
    return render(request, "activities/form.html", {"page_title": f"{title} · {unit.display_name}", "title": title, "unit": unit, "fields": rows,
                                                   "multipart": any(t == "file" for _n, _l, t, _d in fields)})


@login_required
def add_funding(request, pk):
    from .models import CampaignProject

    project = CampaignProject.objects.visible_to(request.user).select_related("org_unit").filter(pk=pk).first()
    if project is None:
        from django.http import Http404

        raise Http404
    if not can_edit(request.user, project.org_unit):
        raise PermissionDenied("您无权登记该项目的资金。")
    if request.method == "POST":
        try:
            if request.POST.get("progress", "") != "":
                records.set_progress(request.user, project, request.POST.get("progress"))
            if request.POST.get("amount", "") != "":
                records.add_funding(request.user, project, source=request.POST.get("source", ""), value=request.POST.get("amount"),
                                    date=request.POST.get("date", ""), note=request.POST.get("note", ""))
            messages.success(request, "已保存。")
        except ActivityError as e:
            messages.error(request, e.message)
        return redirect(reverse("activities:village", args=[project.org_unit.code]) + "#projects")
    return render(request, "activities/funding.html", {"page_title": f"资金与进度 · {project.name}", "project": project,
                                                      "sources": Funding.Source.choices, "funding": project.funding.all(),
                                                      "today": timezone.localdate().isoformat()})
