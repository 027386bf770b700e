"""Series, meetings, attendance, minutes and decisions. Every change checks the user's right over the meeting's unit,
runs in one transaction and writes a MeetingEvent (who, when, what). A decision becomes a creation-ledger task
(source 会议决定, source_ref the decision's id) through the planning service, so its status is the task's."""

import datetime

from django.db import transaction
from django.utils import timezone

from fivestar.core.text import clean_text
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person
from fivestar.planning.models import LedgerTask
from fivestar.planning.models.ledger import OPEN_TASK_STATUSES, TaskSource
from fivestar.planning.services import PlanningError, save_task

from ..models import Attendance, Decision, Meeting, MeetingEvent, MeetingKind, MeetingSeries, MeetingStatus
from .access import can_manage
from .errors import MeetingError

DEFAULT_NAMES = {MeetingKind.DISPATCH: "周调度会", MeetingKind.MONTHLY: "月总结会（创建工作领导小组）",
                 MeetingKind.OBSERVATION: "季观摩会", MeetingKind.SPECIAL: "专题会议"}


def text(value, label: str, required: bool = True, limit: int = 5000, multiline: bool = True) -> str:
    value = clean_text(str(value or ""), multiline=multiline).strip()
    if required and not value:
        raise MeetingError(f"请填写{label}。")
    if len(value) > limit:
        raise MeetingError(f"{label}不能超过 {limit} 字。")
    return value


def _unit(user, unit) -> OrgUnit:
    if unit is None or unit.level not in (Level.TOWN, Level.COUNTY):
        raise MeetingError("会议由乡镇或县（区）召开。")
    if not can_manage(user, unit):
        raise MeetingError(f"您无权管理「{unit.display_name}」的会议。")
    return unit


def _date(value, label="日期") -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise MeetingError(f"请填写正确的{label}。")
    return value


def log(meeting, user, action: str, detail: str = "") -> None:
    MeetingEvent.objects.create(meeting=meeting, user=user, action=action, detail=detail[:500])


def _people(unit, people) -> list[Person]:
    people = [p for p in people or () if p is not None]
    paths = dict(OrgUnit.objects.filter(pk__in={p.org_unit_id for p in people}).values_list("id", "path"))
    for person in people:
        if not paths.get(person.org_unit_id, "#").startswith(unit.path):
            raise MeetingError(f"「{person.name}」不是「{unit.display_name}」的人员。")
    return people


def save_series(user, *, unit, kind, name="", weekday=3, place="", attendees=(), series=None) -> MeetingSeries:
    unit = _unit(user, series.org_unit if series is not None else unit)
    if kind not in MeetingKind.values:
        raise MeetingError("请选择会议类型。")
    try:
        weekday = int(weekday)
    except (TypeError, ValueError):
        weekday = -1
    if not 0 <= weekday <= 6:
        raise MeetingError("请选择正确的默认星期。")
    name = text(name, "名称", required=False, limit=100, multiline=False) or DEFAULT_NAMES[kind]
    place = text(place, "默认地点", required=False, limit=100, multiline=False)
    attendees = _people(unit, attendees)
    with transaction.atomic():
        if series is None:
            series = MeetingSeries.objects.create(org_unit=unit, kind=kind, name=name, weekday=weekday, place=place, created_by=user)
        else:
            series.kind, series.name, series.weekday, series.place = kind, name, weekday, place
            series.save(update_fields=["kind", "name", "weekday", "place"])
        series.attendees.set(attendees)
    return series


def next_date(series, after: datetime.date) -> datetime.date:
    """The series' next default day on or after `after` (dispatch: its weekday; monthly: the last such weekday)."""
    return after + datetime.timedelta(days=(series.weekday - after.weekday()) % 7)


def create_meeting(user, *, unit=None, series=None, date=None, title="", place="", agenda="", kind=None) -> Meeting:
    """A meeting of a series (its defaults fill what is left empty, its attendees are listed) or a one-off one."""
    unit = _unit(user, series.org_unit if series is not None else unit)
    date = _date(date or next_date(series, timezone.localdate()) if series is not None else date)
    kind = series.kind if series is not None else (kind or MeetingKind.SPECIAL)
    if kind not in MeetingKind.values:
        raise MeetingError("请选择会议类型。")
    title = text(title, "会议名称", required=False, limit=120, multiline=False) or f"{date:%Y年%-m月%-d日}{series.name if series else DEFAULT_NAMES[kind]}"
    place = text(place, "地点", required=False, limit=100, multiline=False) or (series.place if series else "")
    agenda = text(agenda, "议程", required=False)
    with transaction.atomic():
        meeting = Meeting.objects.create(series=series, org_unit=unit, kind=kind, title=title, date=date, place=place,
                                         agenda=agenda, created_by=user)
        if series is not None:
            Attendance.objects.bulk_create([Attendance(meeting=meeting, person=p) for p in series.attendees.all()])
        log(meeting, user, "create", f"新建会议：{title}")
    return meeting


def _locked(user, meeting, version=None) -> Meeting:
    current = Meeting.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=meeting.pk)
    if not can_manage(user, current.org_unit):
        raise MeetingError(f"您无权管理「{current.org_unit.display_name}」的会议。")
    if version not in (None, "") and int(version) != current.version:
        raise MeetingError("该会议已被他人修改，请刷新后重试。")
    return current


def save_meeting(user, meeting, *, date=None, place=None, agenda=None, minutes=None, held=None, version=None) -> Meeting:
    """Edit a meeting's date, place, agenda and minutes; `held=True` marks it 已召开."""
    with transaction.atomic():
        current = _locked(user, meeting, version)
        changed = []
        if date is not None and _date(date) != current.date:
            current.date = date
            changed.append("date")
        for name, value, label, limit in (("place", place, "地点", 100), ("agenda", agenda, "议程", 5000), ("minutes", minutes, "会议纪要", 20000)):
            if value is not None:
                value = text(value, label, required=False, limit=limit, multiline=name != "place")
                if value != getattr(current, name):
                    setattr(current, name, value)
                    changed.append(name)
        if held is not None:
            status = MeetingStatus.HELD if held else MeetingStatus.PLANNED
            if status != current.status:
                if status == MeetingStatus.HELD and current.date > timezone.localdate():
                    raise MeetingError("会议日期未到，不能标记为已召开。")
                current.status = status
                changed.append("status")
        if not changed:
            return current
        current.version += 1
        current.save(update_fields=[*changed, "version", "updated_at"])
        labels = {"date": "日期", "place": "地点", "agenda": "议程", "minutes": "会议纪要", "status": "状态"}
        log(current, user, "edit", "修改：" + "、".join(labels[c] for c in changed))
    return current


def set_attendance(user, meeting, states: dict) -> int:
    """states: person id → present/absent/leave; people not listed yet are added. Returns how many rows changed."""
    valid = set(Attendance.State.values)
    with transaction.atomic():
        current = _locked(user, meeting)
        people = {p.pk: p for p in Person.objects.filter(pk__in=[int(k) for k in states])}
        if len(people) != len(states):
            raise MeetingError("参会人员不存在。")
        _people(current.org_unit, people.values())
        rows = {a.person_id: a for a in Attendance.objects.filter(meeting=current)}
        changed = 0
        for pid, state in states.items():
            if state not in valid:
                raise MeetingError("请选择出席、缺席或请假。")
            row = rows.get(int(pid))
            if row is None:
                Attendance.objects.create(meeting=current, person=people[int(pid)], state=state)
                changed += 1
            elif row.state != state:
                row.state = state
                row.save(update_fields=["state"])
                changed += 1
        if changed:
            log(current, user, "attendance", f"登记出席情况 {changed} 人")
    return changed


def add_decision(user, meeting, *, text_value, owner, deadline, village, star_code) -> Decision:
    """A decision with an owner and a deadline, recorded at once as a ledger task of `village` (会议决定)."""
    body = text(text_value, "议定事项", limit=200, multiline=False)
    if owner is None:
        raise MeetingError("请选择责任人。")
    deadline = _date(deadline, "完成时限")
    with transaction.atomic():
        current = _locked(user, meeting)
        if village is None or village.level != Level.VILLAGE or not village.path.startswith(current.org_unit.path):
            raise MeetingError(f"请选择「{current.org_unit.display_name}」的一个村（社区）落实该事项。")
        decision = Decision.objects.create(meeting=current, text=body, owner=owner, deadline=deadline, village=village,
                                           star_code=star_code or "", created_by=user)
        try:
            task = save_task(user, village=village, year=deadline.year, star_code=star_code, title=body,
                             deadline=deadline, responsible=owner, description=f"{current.title}议定事项")
        except PlanningError as exc:
            raise MeetingError(exc.message) from None
        LedgerTask.objects.filter(pk=task.pk).update(source=TaskSource.MEETING, source_ref=str(decision.pk))
        decision.task = task
        decision.save(update_fields=["task"])
        log(current, user, "decision", f"议定事项：{body}（{owner.name}，{deadline:%Y-%m-%d} 前）")
    return decision


def previous_decisions(meeting, open_only: bool = True):
    """Decisions of the series' earlier meetings (open ones by default), with their task, in one query."""
    if meeting.series_id is None:
        return Decision.objects.none()
    rows = (Decision.objects.filter(meeting__series_id=meeting.series_id, meeting__date__lt=meeting.date)
            .select_related("meeting", "owner", "village", "task").order_by("deadline", "id"))
    if open_only:
        rows = rows.filter(task__status__in=OPEN_TASK_STATUSES)
    return rows


def previous_meeting(meeting):
    if meeting.series_id is None:
        return None
    return (Meeting.objects.filter(series_id=meeting.series_id, date__lt=meeting.date).order_by("-date", "-id").first())
