"""会议调度 over the API (/api/v1/meetings/…), through the same services and scoping as the pages: series, meetings
(list, detail with attendance, decisions and the series' open decisions, create), decisions (each a ledger task) and
the briefing (start, status with download links). Out of scope → 404; no authority → 403; a step refused → 400 in
Chinese."""

from django.http import Http404
from ninja import Query, Router, Status

from fivestar.api.schemas import ApiErrorOut
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person

from .api_schemas import (BriefingOut, DecisionIn, DecisionOut, MeetingAttendanceIn, MeetingDetailOut, MeetingEditIn,
                          MeetingIn, MeetingPage, MeetingSeriesDetailOut, MeetingSeriesIn, SeriesOut)
from .models import Briefing, Decision, Meeting, MeetingKind, MeetingSeries, MeetingStatus
from .services import (MeetingError, add_decision, can_manage, check_series_rights, create_meeting, outranked,
                       previous_decisions, save_meeting, save_series, set_attendance, set_series_active, start_briefing)
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


def _series_out(s) -> dict:
    return {"id": s.pk, "unit": _unit(s.org_unit), "kind": s.kind, "kind_name": s.get_kind_display(), "name": s.name,
            "weekday": s.weekday, "place": s.place, "active": s.active}


@router.get("/meetings/series", response=list[SeriesOut], summary="会议系列",
            description="可见范围内的会议系列（最多 500 个）；include_inactive=true 时含已停用的系列。")
def series(request, include_inactive: bool = False):
    rows = MeetingSeries.objects.visible_to(request.user).select_related("org_unit")
    if not include_inactive:
        rows = rows.filter(active=True)
    return [_series_out(s) for s in rows.order_by("-active", "org_unit_id", "kind", "id")[:500]]


def _visible_series(user, pk) -> MeetingSeries:
    s = MeetingSeries.objects.visible_to(user).select_related("org_unit", "created_by").filter(pk=pk).first()
    if s is None:
        raise Http404
    return s


def _series_detail(user, s) -> dict:
    return {**_series_out(s), "attendees": [{"id": p.pk, "name": p.name} for p in s.attendees.order_by("name", "pk")],
            "can_edit": can_manage(user, s.org_unit) and outranked(user, s) is None}


def _people(unit, ids) -> list[Person]:
    """The people named by id, within the unit (an unknown or outside id is refused by name of the error)."""
    ids = list(dict.fromkeys(ids))
    people = list(Person.objects.filter(pk__in=ids, org_unit__path__startswith=unit.path))
    if len(people) != len(ids):
        raise MeetingError(f"所选参会人员不存在或不是「{unit.display_name}」的人员。")
    return people


@router.get("/meetings/series/{int:series_id}", response={200: MeetingSeriesDetailOut, 404: E}, summary="会议系列详情")
def series_detail(request, series_id: int):
    return _series_detail(request.user, _visible_series(request.user, series_id))


@router.post("/meetings/series", response={201: MeetingSeriesDetailOut, 400: E, 403: E, 404: E}, summary="新建会议系列")
def new_series(request, body: MeetingSeriesIn):
    user = request.user
    unit = OrgUnit.objects.visible_to(user).filter(code=body.unit or "", level__in=(Level.TOWN, Level.COUNTY)).first()
    if unit is None:
        raise Http404
    try:
        s = save_series(user, unit=unit, kind=body.kind, name=body.name, weekday=body.weekday, place=body.place,
                        attendees=_people(unit, body.attendee_ids))
    except MeetingError as exc:
        return _refused(exc, can_manage(user, unit))
    return Status(201, _series_detail(user, _visible_series(user, s.pk)))


@router.put("/meetings/series/{int:series_id}", response={200: MeetingSeriesDetailOut, 400: E, 403: E, 404: E},
            summary="修改会议系列", description="名称、类型（系列已有会议时不能改）、默认星期、地点和默认参会人员；"
                                          "县级设立的系列只有县级及以上管理员能改（403）。记入操作记录。")
def edit_series(request, series_id: int, body: MeetingSeriesIn):
    user = request.user
    s = _visible_series(user, series_id)
    allowed = can_manage(user, s.org_unit) and outranked(user, s) is None
    try:
        check_series_rights(user, s)
        s = save_series(user, unit=s.org_unit, series=s, kind=body.kind, name=body.name, weekday=body.weekday,
                        place=body.place, attendees=_people(s.org_unit, body.attendee_ids))
    except MeetingError as exc:
        return _refused(exc, allowed)
    return _series_detail(user, _visible_series(user, s.pk))


def _series_active(request, series_id: int, active: bool):
    user = request.user
    s = _visible_series(user, series_id)
    allowed = can_manage(user, s.org_unit) and outranked(user, s) is None
    try:
        set_series_active(user, s, active)
    except MeetingError as exc:
        return _refused(exc, allowed)
    return _series_detail(user, _visible_series(user, s.pk))


@router.post("/meetings/series/{int:series_id}/deactivate", response={200: MeetingSeriesDetailOut, 400: E, 403: E, 404: E},
             summary="停用会议系列", description="停用后不能再新建会议，已有会议和记录保留。")
def deactivate_series(request, series_id: int):
    return _series_active(request, series_id, False)


@router.post("/meetings/series/{int:series_id}/activate", response={200: MeetingSeriesDetailOut, 400: E, 403: E, 404: E},
             summary="重新启用会议系列")
def activate_series(request, series_id: int):
    return _series_active(request, series_id, True)


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
            "briefing": _briefing_out(Briefing.objects.filter(meeting=m).first()),
            "observation_events": [{"id": e.pk, "title": e.title, "date": e.date, "status": e.status, "status_name": e.get_status_display()}
                                   for e in m.observation_events.order_by("date", "id")[:20]]}


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


def _refused_edit(exc: MeetingError, allowed: bool):
    if allowed and "已被他人修改" in exc.message:
        return Status(409, {"detail": exc.message})
    return _refused(exc, allowed)


@router.patch("/meetings/{int:meeting_id}", response={200: MeetingDetailOut, 400: E, 403: E, 404: E, 409: E},
              summary="修改会议（日期、地点、议程、纪要、是否已召开）",
              description="只改给出的字段；带 version 时，会议已被他人修改返回 409。记入会议的操作记录。")
def edit_meeting(request, meeting_id: int, body: MeetingEditIn):
    m = _visible(request.user, meeting_id)
    try:
        save_meeting(request.user, m, date=body.date, place=body.place, agenda=body.agenda, minutes=body.minutes,
                     held=body.held, version=body.version)
    except MeetingError as exc:
        return _refused_edit(exc, can_manage(request.user, m.org_unit))
    return _detail(_visible(request.user, meeting_id))


@router.put("/meetings/{int:meeting_id}/attendance", response={200: MeetingDetailOut, 400: E, 403: E, 404: E},
            summary="登记出席情况", description="attendance 中的人员按给出的出席情况登记（不在名单中的加入名单），"
                                           "remove 中的人员移出名单；全部通过才保存。")
def attendance(request, meeting_id: int, body: MeetingAttendanceIn):
    m = _visible(request.user, meeting_id)
    try:
        set_attendance(request.user, m, {row.person_id: row.state for row in body.attendance}, remove=body.remove)
    except MeetingError as exc:
        return _refused(exc, can_manage(request.user, m.org_unit))
    return _detail(_visible(request.user, meeting_id))


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
