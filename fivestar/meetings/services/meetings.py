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
from .access import can_manage, outranked
from .errors import MeetingError

DEFAULT_NAMES = {MeetingKind.DISPATCH: "周调度会", MeetingKind.MONTHLY: "月总结会（创建工作领导小组）",
                 MeetingKind.OBSERVATION: "季观摩会", MeetingKind.SPECIAL: "专题会议", MeetingKind.PROMOTION: "项目推介会"}


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


def check_series_rights(user, series) -> OrgUnit:
    """The series' unit when `user` may change the series: scope and rank (a county's series only at county rank)."""
    unit = _unit(user, series.org_unit)
    if (above := outranked(user, series)) is not None:
        raise MeetingError(f"该会议系列由{above.display_name}设立，只有{above.display_name}或上级管理员才能修改或停用。")
    return unit


def _weekday(value) -> int:
    try:
        weekday = int(str(value).strip())
    except (TypeError, ValueError):
        weekday = -1
    if not 0 <= weekday <= 6:
        raise MeetingError("请选择正确的默认星期。")
    return weekday


def save_series(user, *, unit, kind, name="", weekday=3, place="", attendees=(), series=None) -> MeetingSeries:
    """A new series of `unit`, or the edit of `series` (name, kind, default weekday, place, attendees). Kept in the
    series' history (simple-history → 操作记录) with who changed what."""
    if series is not None:
        series = MeetingSeries.objects.select_related("org_unit", "created_by").get(pk=series.pk)
        unit = check_series_rights(user, series)
    else:
        unit = _unit(user, unit)
    if kind not in MeetingKind.values:
        raise MeetingError("请选择会议类型。")
    weekday = _weekday(weekday)
    name = text(name, "名称", required=False, limit=100, multiline=False) or DEFAULT_NAMES[kind]
    place = text(place, "默认地点", required=False, limit=100, multiline=False)
    attendees = _people(unit, attendees)
    with transaction.atomic():
        if series is None:
            series = MeetingSeries(org_unit=unit, kind=kind, name=name, weekday=weekday, place=place, created_by=user)
            series._history_user = user
            series.save()
        else:
            series = MeetingSeries.objects.select_for_update(of=("self",)).select_related("org_unit", "created_by").get(pk=series.pk)
            if kind != series.kind and series.meetings.exists():
                raise MeetingError("该系列已有会议，不能修改会议类型；如需其他类型，请新建系列。")
            before = list(series.attendees.order_by("name", "pk"))
            if (kind, name, weekday, place) != (series.kind, series.name, series.weekday, series.place):
                series.kind, series.name, series.weekday, series.place = kind, name, weekday, place
                series._history_user = user
                series.save(update_fields=["kind", "name", "weekday", "place"])
            if {p.pk for p in before} != {p.pk for p in attendees}:
                _log_attendees(user, series, before, attendees)
        series.attendees.set(attendees)
    return series


def _log_attendees(user, series, before, after) -> None:
    """Default attendees live in a many-to-many table simple-history does not follow: the change is written to the
    same 操作记录 (AuditEvent) with who made it and the names before and after."""
    from fivestar.core.models import AuditEvent

    def names(people):
        return "、".join(p.name for p in sorted(people, key=lambda p: (p.name, p.pk))) or "无"

    AuditEvent.objects.create(user=user if getattr(user, "pk", None) else None, action=AuditEvent.Action.UPDATE,
                              model="meetings.meetingseries", model_label=str(MeetingSeries._meta.verbose_name),
                              object_id=str(series.pk), object_repr=str(series)[:200], org_unit_id=series.org_unit_id,
                              changes=[{"field": "attendees", "label": "默认参会人员", "old": names(before)[:300],
                                        "new": names(after)[:300]}])


def set_series_active(user, series, active: bool) -> MeetingSeries:
    """停用 / 重新启用 a series: a stopped series keeps its meetings and history but offers no new meeting."""
    series = MeetingSeries.objects.select_related("org_unit", "created_by").get(pk=series.pk)
    check_series_rights(user, series)
    with transaction.atomic():
        current = MeetingSeries.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=series.pk)
        if current.active == bool(active):
            raise MeetingError("该会议系列已经停用。" if not active else "该会议系列已在使用中。")
        current.active = bool(active)
        current._history_user = user
        current.save(update_fields=["active"])
    return current


def _last_weekday(year: int, month: int, weekday: int) -> datetime.date:
    end = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
    return end - datetime.timedelta(days=(end.weekday() - weekday) % 7)


def next_date(series, after: datetime.date) -> datetime.date:
    """The series' next default day on or after `after`, following the town's rhythm (周调度、月总结、季观摩): a dispatch
    or special meeting on the next such weekday; a monthly summary on the month's last such weekday; a quarterly
    observation on the last such weekday of the quarter's last month (the next month or quarter once it has passed)."""
    if series.kind == MeetingKind.MONTHLY:
        months = 1
        end_month = after.month
    elif series.kind == MeetingKind.OBSERVATION:
        months = 3
        end_month = (after.month - 1) // 3 * 3 + 3
    else:
        return after + datetime.timedelta(days=(series.weekday - after.weekday()) % 7)
    year = after.year
    day = _last_weekday(year, end_month, series.weekday)
    if day < after:
        end_month += months
        year, end_month = year + (end_month - 1) // 12, (end_month - 1) % 12 + 1
        day = _last_weekday(year, end_month, series.weekday)
    return day


def create_meeting(user, *, unit=None, series=None, date=None, title="", place="", agenda="", kind=None) -> Meeting:
    """A meeting of a series (its defaults fill what is left empty, its attendees are listed) or a one-off one."""
    unit = _unit(user, series.org_unit if series is not None else unit)
    if series is not None and not series.active:
        raise MeetingError(f"会议系列「{series.name}」已停用，不能再新建会议。")
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
    if version not in (None, "") and _number(version) != current.version:
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
                current.status = status
                changed.append("status")
        if current.status == MeetingStatus.HELD and current.date > timezone.localdate() and {"date", "status"} & set(changed):
            raise MeetingError("会议日期未到，不能标记为已召开。")
        if not changed:
            return current
        current.version += 1
        current.save(update_fields=[*changed, "version", "updated_at"])
        labels = {"date": "日期", "place": "地点", "agenda": "议程", "minutes": "会议纪要", "status": "状态"}
        log(current, user, "edit", "修改：" + "、".join(labels[c] for c in changed))
    return current


def _number(value) -> int | None:
    """An id or version from a form or a body as an int, or None when it is not one (never a ValueError)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def set_attendance(user, meeting, states: dict, remove=()) -> int:
    """states: person id → present/absent/leave; people not listed yet are added; `remove`: person ids taken off the
    list. All or nothing: one wrong id or state refuses the whole change. Returns how many people changed."""
    valid = set(Attendance.State.values)
    wanted = {}
    for key, state in (states or {}).items():
        pid = _number(key)
        if pid is None:
            raise MeetingError("参会人员不存在。")
        if state not in valid:
            raise MeetingError("出席情况只能是出席、缺席或请假。")
        wanted[pid] = state
    dropped = set()
    for key in remove or ():
        pid = _number(key)
        if pid is None:
            raise MeetingError("参会人员不存在。")
        dropped.add(pid)
    if dropped & set(wanted):
        raise MeetingError("同一人员不能既登记出席情况又移出名单。")
    with transaction.atomic():
        current = _locked(user, meeting)
        people = {p.pk: p for p in Person.objects.filter(pk__in=list(wanted))}
        if len(people) != len(wanted):
            raise MeetingError("参会人员不存在。")
        _people(current.org_unit, people.values())
        rows = {a.person_id: a for a in Attendance.objects.filter(meeting=current).select_related("person")}
        if dropped - set(rows):
            raise MeetingError("要移出的人员不在本次会议的参会名单中。")
        changed, added, updated = 0, [], []
        for pid, state in wanted.items():
            row = rows.get(pid)
            if row is None:
                added.append(Attendance(meeting=current, person=people[pid], state=state))
            elif row.state != state:
                row.state = state
                updated.append(row)
        Attendance.objects.bulk_create(added)
        Attendance.objects.bulk_update(updated, ["state"])
        Attendance.objects.filter(meeting=current, person_id__in=dropped).delete()
        changed = len(added) + len(updated) + len(dropped)
        if changed:
            parts = [f"登记出席情况 {len(added) + len(updated)} 人"] if added or updated else []
            if dropped:
                parts.append("移出：" + "、".join(rows[pid].person.name for pid in sorted(dropped)))
            log(current, user, "attendance", "；".join(parts))
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
