"""会议调度 over the API (/api/v1/meetings/…), through the same services and scoping as the pages: series, meetings
(list, detail with attendance, decisions and the series' open decisions, create), decisions (each a ledger task) and
the briefing (start, status with download links). Out of scope → 404; no authority → 403; a step refused → 400 in
Chinese."""

from django.http import Http404
from ninja import Query, Router, Status

from fivestar.api.schemas import ApiErrorOut
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person

from .api_schemas import (BriefingOut, DecisionIn, DecisionOut, MeetingDetailOut, MeetingIn, MeetingPage,
                          SeriesOut)
from .models import Briefing, Decision, Meeting, MeetingKind, MeetingSeries, MeetingStatus
from .services import MeetingError, add_decision, can_manage, create_meeting, previous_decisions, start_briefing
from .services.briefing_job import is_stalled

router = Router(tags=["会议调度"])
E = ApiErrorOut


def _unit(u) -> dict:
    return {"code": u.code, "name": u.display_name}


def _meeting_out(m) -> dict:
    return {"id": m.pk, "series_id": m.series_id, "unit": _unit(m.org_unit), "kind": m.kind, "kind_name": m.get_kind_display(),
            "title": m.title, "date": m.date, "place": m.place, "status": m.status, "status_name": m.get_status_display()}


def _decision_out(d) -> dict:
    t = d.task
    return {"id": d.pk, "meeting_id": d.meeting_id, "text": d.text, "owner": d.owner.name, "village": _unit(d.village),
            "star_code": d.star_code, "deadline": d.deadline, "task_id": d.task_id, "task_status": t.status if t else "",
            "task_status_name": t.get_status_display() if t else "未建任务", "overdue": bool(t and t.overdue)}


def _briefing_out(b) -> dict | None:
    if b is None:
        return None
    done = b.status == Briefing.Status.DONE
    base = f"/meetings/{b.meeting_id}/briefing"
    return {"status": b.status, "status_name": b.get_status_display(), "step": b.step, "steps": b.steps, "stalled": is_stalled(b),
            "error": b.error, "since": b.since, "until": b.until, "docx": f"{base}.docx" if done else None,
            "pdf": f"{base}.pdf" if done else None, "view": f"{base}/" if done else None}


def _visible(user, pk) -> Meeting:
    m = Meeting.objects.visible_to(user).select_related("org_unit", "series").filter(pk=pk).first()
    if m is None:
        raise Http404
    return m


def _refused(exc: MeetingError, allowed: bool):
    return Status(400 if allowed else 403, {"detail": exc.message})


@router.get("/meetings/series", response=list[SeriesOut], summary="会议系列")
def series(request):
    rows = MeetingSeries.objects.visible_to(request.user).filter(active=True).select_related("org_unit")[:500]
    return [{"id": s.pk, "unit": _unit(s.org_unit), "kind": s.kind, "kind_name": s.get_kind_display(), "name": s.name,
             "weekday": s.weekday, "place": s.place} for s in rows]


@router.get("/meetings", response=MeetingPage, summary="会议列表",
            description="可见范围内的会议，按日期倒序，分页；可按 kind、status、series_id、unit（单位代码，含下级）筛选。")
def meetings(request, kind: str = Query("", max_length=12), status: str = Query("", max_length=8),
             series_id: int | None = Query(None, ge=1, le=2**62), unit: str = Query("", max_length=15),
             limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=10_000_000)):
    qs = Meeting.objects.visible_to(request.user).select_related("org_unit").order_by("-date", "-id")
    if kind in MeetingKind.values:
        qs = qs.filter(kind=kind)
    if status in MeetingStatus.values:
        qs = qs.filter(status=status)
    if series_id:
        qs = qs.filter(series_id=series_id)
    if unit:
        scope = OrgUnit.objects.visible_to(request.user).filter(code=unit).first()
        if scope is None:
            raise Http404
        qs = qs.filter(org_unit__path__startswith=scope.path)
    return {"count": qs.count(), "items": [_meeting_out(m) for m in qs[offset:offset + limit]]}


def _detail(m) -> dict:
    decisions = Decision.objects.filter(meeting=m).select_related("owner", "village", "task")
    return {**_meeting_out(m), "agenda": m.agenda, "minutes": m.minutes, "version": m.version,
            "attendance": [{"person_id": a.person_id, "name": a.person.name, "state": a.state} for a in m.attendance.select_related("person")],
            "decisions": [_decision_out(d) for d in decisions],
            "open_decisions_before": [_decision_out(d) for d in previous_decisions(m)[:200]],
            "briefing": _briefing_out(Briefing.objects.filter(meeting=m).first())}


@router.get("/meetings/{int:meeting_id}", response={200: MeetingDetailOut, 404: E}, summary="会议详情")
def meeting(request, meeting_id: int):
    return _detail(_visible(request.user, meeting_id))


@router.post("/meetings", response={201: MeetingDetailOut, 400: E, 403: E, 404: E}, summary="新建会议")
def new_meeting(request, body: MeetingIn):
    user = request.user
    series = unit = None
    if body.series_id:
        series = MeetingSeries.objects.visible_to(user).select_related("org_unit").filter(pk=body.series_id).first()
        if series is None:
            raise Http404
        allowed = can_manage(user, series.org_unit)
    else:
        unit = OrgUnit.objects.visible_to(user).filter(code=body.unit or "", level__in=(Level.TOWN, Level.COUNTY)).first()
        if unit is None:
            raise Http404
        allowed = can_manage(user, unit)
    try:
        if series is None and body.date is None:
            raise MeetingError("请填写会议日期。")
        m = create_meeting(user, series=series, unit=unit, date=body.date, title=body.title, place=body.place, agenda=body.agenda)
    except MeetingError as exc:
        return _refused(exc, allowed)
    return Status(201, _detail(_visible(user, m.pk)))


@router.post("/meetings/{int:meeting_id}/decisions", response={201: DecisionOut, 400: E, 403: E, 404: E}, summary="议定事项（生成台账任务）")
def new_decision(request, meeting_id: int, body: DecisionIn):
    m = _visible(request.user, meeting_id)
    allowed = can_manage(request.user, m.org_unit)
    owner = Person.objects.filter(pk=body.owner_id, org_unit__path__startswith=m.org_unit.path).first()
    village = OrgUnit.objects.filter(code=body.village, path__startswith=m.org_unit.path).first()
    try:
        d = add_decision(request.user, m, text_value=body.text, owner=owner, deadline=body.deadline, village=village,
                         star_code=body.star_code)
    except MeetingError as exc:
        return _refused(exc, allowed)
    return Status(201, _decision_out(Decision.objects.select_related("owner", "village", "task").get(pk=d.pk)))


@router.post("/meetings/{int:meeting_id}/briefing", response={202: BriefingOut, 403: E, 404: E}, summary="生成会议简报")
def briefing_start(request, meeting_id: int):
    m = _visible(request.user, meeting_id)
    try:
        b = start_briefing(request.user, m)
    except MeetingError as exc:
        return Status(403, {"detail": exc.message})
    b.refresh_from_db()
    return Status(202, _briefing_out(b))


@router.get("/meetings/{int:meeting_id}/briefing", response={200: BriefingOut, 404: E}, summary="会议简报状态")
def briefing_status(request, meeting_id: int):
    b = Briefing.objects.filter(meeting=_visible(request.user, meeting_id)).first()
    if b is None:
        raise Http404
    return _briefing_out(b)
