"""党建活动、荣誉与专项行动 over the API (/api/v1/activities/…), through the same services and scoping as the pages:
lists of every kind of record (filtered, paginated), a village's indicator values with their source, sessions and
attendance (list, QR check-in), honours, incidents and the town's veto decision, activity kinds.
Out of scope → 404; no authority → 403; a refused step → 400 in Chinese."""

import datetime

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fivestar.api.schemas import ApiErrorOut, UnitRefOut
from fivestar.orgs.models import Level

from . import selectors
from .columns import COLUMNS
from .indicators import INDICATORS, source_url
from .models import ActivitySession, Incident
from .services import records, safety, sessions
from .services.access import can_decide_veto, can_edit, can_manage_kinds
from .services.errors import ActivityError
from .services.kinds import add_kind, kinds_for

router = Router(tags=["党建活动与荣誉"])
E = ApiErrorOut
WHAT = "sessions|honours|awards|pairs|checks|incidents|projects"


class RecordOut(Schema):
    id: int
    unit: UnitRefOut
    cells: dict[str, str | int | float | None] = Field(..., description="列名（中文）→ 值，与页面列表和导出一致")


class RecordPage(Schema):
    count: int
    items: list[RecordOut]


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    value: float | None = Field(None, description="登记的数值；未登记为 null")
    source: str = Field(..., description="查看来源记录的页面")


class SessionIn(Schema):
    kind: int = Field(..., description="活动类型编号（本乡镇设置）")
    date: datetime.date
    title: str = Field(..., max_length=100)
    location: str = Field("", max_length=60)
    expected: int = Field(0, ge=0, le=100000, description="应到人数")


class SessionOut(Schema):
    id: int
    unit: UnitRefOut
    kind: str
    date: datetime.date
    title: str
    expected: int
    attended: int
    rate: float | None
    check_in_path: str = Field(..., description="扫码签到页面地址")


class AttendanceIn(Schema):
    person_ids: list[int] = Field(..., max_length=5000, description="实到人员编号（完整名单）")


class HonourIn(Schema):
    title: str = Field(..., max_length=100)
    level: str = Field(..., description="national 国家级 | provincial 省级 | city 市级 | county 县级")
    issuer: str = Field(..., max_length=100)
    year: int
    note: str = Field("", max_length=200)


class IncidentIn(Schema):
    date: datetime.date
    kind: str = Field(..., description="petition 信访 | accident 事故 | case 案件")
    severity: str = Field(..., description="minor 一般 | serious 较大 | major 重大")
    description: str = Field(..., max_length=300)
    outcome: str = Field("", max_length=300)


class IncidentOut(Schema):
    id: int
    unit: UnitRefOut
    date: datetime.date
    kind: str
    severity: str
    veto_status: str = Field(..., description="空 | proposed 待镇级确认 | confirmed 已确认否决 | rejected 不予否决")
    veto_rule_code: str
    veto_event_id: int | None


class VetoDecisionIn(Schema):
    reason: str = Field("", max_length=300)


class KindOut(Schema):
    id: int
    name: str
    code: str
    active: bool


class KindIn(Schema):
    name: str = Field(..., max_length=30)
    code: str = Field("other", description="labour 志愿劳动 | night_school 夜校 | party_day 主题党日 | other 其他")


def _unit(u) -> dict:
    return {"code": u.code, "name": u.display_name}


def _session_out(s) -> dict:
    return {"id": s.pk, "unit": _unit(s.org_unit), "kind": s.kind.name, "date": s.date, "title": s.title, "expected": s.expected,
            "attended": s.attended, "rate": s.rate, "check_in_path": f"/activities/check-in/{s.qr_token}/"}


def _incident_out(i) -> dict:
    return {"id": i.pk, "unit": _unit(i.org_unit), "date": i.date, "kind": i.kind, "severity": i.severity, "veto_status": i.veto_status,
            "veto_rule_code": i.veto_rule_code, "veto_event_id": i.veto_event_id}


def _cell(value):
    return value if isinstance(value, (int, float)) or value is None else str(value)


@router.get("/activities/records/{what}", response={200: RecordPage, 404: E}, summary="活动、荣誉、三零、项目等记录列表",
            description=f"what 为 {WHAT}；可见范围内，按 unit（单位代码）、year、kind、q 筛选，分页。")
def record_list(request, what: str, unit: str = Query("", max_length=20), year: int | None = Query(None, ge=2000, le=2100),
                kind: str = Query("", max_length=30), q: str = Query("", max_length=50),
                limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=10_000_000)):
    if what not in selectors.MODELS:
        raise Http404
    qs, _ = selectors.records(request.user, what, {"unit": unit, "year": year or "", "kind": kind, "q": q})
    page = list(qs[offset:offset + limit])
    return {"count": qs.count(), "items": [{"id": r.pk, "unit": _unit(r.org_unit), "cells": {h: _cell(get(r)) for h, get in COLUMNS[what]}} for r in page]}


@router.get("/activities/villages/{code}/indicators", response={200: list[IndicatorOut], 404: E}, summary="村（社区）的活动类指标数值及来源")
def village_indicators(request, code: str, year: int = Query(..., ge=2000, le=2100)):
    from .indicators import values

    unit = selectors.village(request.user, code)
    got = values([unit.pk], year).get(unit.pk, {})
    return [{"code": c, "name": name, "unit": u, "value": got.get(c), "source": source_url(c, unit.code)} for c, (name, u) in INDICATORS.items()]


@router.post("/activities/villages/{code}/sessions", response={201: SessionOut, 400: E, 403: E, 404: E}, summary="登记活动")
def create_session(request, code: str, payload: SessionIn):
    unit = selectors.village(request.user, code)
    if not can_edit(request.user, unit):
        return Status(403, {"detail": "您无权登记该村（社区）的活动。"})
    try:
        s = sessions.create_session(request.user, unit, **payload.dict())
    except ActivityError as e:
        return Status(400, {"detail": e.message})
    return Status(201, _session_out(s))


def _session(user, pk) -> ActivitySession:
    s = ActivitySession.objects.visible_to(user).select_related("org_unit", "kind").filter(pk=pk).first()
    if s is None:
        raise Http404
    return s


@router.put("/activities/sessions/{int:session_id}/attendance", response={200: SessionOut, 400: E, 403: E, 404: E}, summary="按名单登记签到")
def attendance(request, session_id: int, payload: AttendanceIn):
    s = _session(request.user, session_id)
    if not can_edit(request.user, s.org_unit):
        return Status(403, {"detail": "您无权登记该村（社区）的活动签到。"})
    try:
        sessions.set_attendance(request.user, s, payload.person_ids)
    except ActivityError as e:
        return Status(400, {"detail": e.message})
    return _session_out(s)


@router.post("/activities/check-in/{token}", response={200: SessionOut, 403: E, 404: E}, summary="扫码签到（本村人员本人）")
def check_in(request, token: str):
    s = ActivitySession.objects.select_related("org_unit", "kind").filter(qr_token=token[:32]).first()
    if s is None:
        raise Http404
    try:
        sessions.check_in(request.user, s)
    except ActivityError as e:
        return Status(403, {"detail": e.message})
    s.refresh_from_db()
    return _session_out(s)


@router.post("/activities/villages/{code}/honours", response={201: RecordOut, 400: E, 403: E, 404: E}, summary="登记村级荣誉")
def create_honour(request, code: str, payload: HonourIn):
    unit = selectors.village(request.user, code)
    if not can_edit(request.user, unit):
        return Status(403, {"detail": "您无权登记该村（社区）的荣誉。"})
    try:
        h = records.add_honour(request.user, unit, **payload.dict())
    except ActivityError as e:
        return Status(400, {"detail": e.message})
    return Status(201, {"id": h.pk, "unit": _unit(unit), "cells": {k: _cell(get(h)) for k, get in COLUMNS["honours"]}})


@router.post("/activities/villages/{code}/incidents", response={201: IncidentOut, 400: E, 403: E, 404: E}, summary="登记三零事件",
             description="符合否决条件的事件（案件、事故较大及以上，信访重大）提出对应细则的否决建议，由乡镇确认。")
def create_incident(request, code: str, payload: IncidentIn):
    unit = selectors.village(request.user, code)
    if not can_edit(request.user, unit):
        return Status(403, {"detail": "您无权登记该村（社区）的三零事件。"})
    try:
        i = safety.record_incident(request.user, unit, **payload.dict())
    except ActivityError as e:
        return Status(400, {"detail": e.message})
    return Status(201, _incident_out(i))


def _decide(request, incident_id, action, payload):
    i = Incident.objects.visible_to(request.user).select_related("org_unit").filter(pk=incident_id).first()
    if i is None:
        raise Http404
    if not can_decide_veto(request.user, i.org_unit):
        return Status(403, {"detail": "只有乡镇（或县级）管理员可以确认否决。"})
    try:
        i = action(request.user, i, payload.reason)
    except ActivityError as e:
        return Status(400, {"detail": e.message})
    return _incident_out(i)


@router.post("/activities/incidents/{int:incident_id}/confirm", response={200: IncidentOut, 400: E, 403: E, 404: E}, summary="确认否决（摘星）")
def confirm(request, incident_id: int, payload: VetoDecisionIn):
    return _decide(request, incident_id, safety.confirm_veto, payload)


@router.post("/activities/incidents/{int:incident_id}/reject", response={200: IncidentOut, 400: E, 403: E, 404: E}, summary="不予否决")
def reject(request, incident_id: int, payload: VetoDecisionIn):
    return _decide(request, incident_id, safety.reject_veto, payload)


@router.get("/activities/towns/{code}/kinds", response={200: list[KindOut], 404: E}, summary="乡镇的活动类型")
def town_kinds(request, code: str):
    from fivestar.orgs.models import OrgUnit

    town = OrgUnit.objects.filter(code=code[:20], level=Level.TOWN).first()
    # A village's cadres read their town's kinds (to record a session) without seeing the town itself.
    if town is None or not OrgUnit.objects.visible_to(request.user).filter(path__startswith=town.path).exists():
        raise Http404
    return [{"id": k.pk, "name": k.name, "code": k.code, "active": k.active} for k in kinds_for(town, active_only=False)]


@router.post("/activities/towns/{code}/kinds", response={201: KindOut, 400: E, 403: E, 404: E}, summary="新增活动类型")
def create_kind(request, code: str, payload: KindIn):
    town = selectors.unit_in_scope(request.user, code)
    if town.level != Level.TOWN:
        raise Http404
    if not can_manage_kinds(request.user, town):
        return Status(403, {"detail": "您无权设置该乡镇的活动类型。"})
    try:
        k = add_kind(request.user, town, payload.name, payload.code)
    except ActivityError as e:
        return Status(400, {"detail": e.message})
    return Status(201, {"id": k.pk, "name": k.name, "code": k.code, "active": k.active})
