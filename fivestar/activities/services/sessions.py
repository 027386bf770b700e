"""Activity sessions and attendance: by list (the village ticks who came) or by each member scanning the
session's QR code on a phone (a check-in page for logged-in people of that village)."""

from django.db import transaction

from fivestar.people.models import Person

from ..models import ActivityKind, ActivitySession, Attendance
from .access import can_edit
from .common import check_date, saved, text
from .errors import ActivityError
from .kinds import kinds_for, town_of

MAX_EXPECTED = 100000


def members(village):
    """The people of a village (and its groups) who may attend its activities."""
    return Person.objects.filter(org_unit__path__startswith=village.path, active=True).order_by("position", "name")


def create_session(user, village, **fields) -> ActivitySession:
    return saved(build_session(user, village, **fields), user)


def build_session(user, village, *, kind, date, title, location="", expected=0) -> ActivitySession:
    """A checked, unsaved session (creating saves it; editing copies its fields onto the existing one)."""
    if not can_edit(user, village):
        raise ActivityError("您无权登记该村（社区）的活动。")
    kinds = {str(k.pk): k for k in kinds_for(town_of(village))}
    kind_obj = kinds.get(str(getattr(kind, "pk", kind)))
    if kind_obj is None:
        raise ActivityError("请选择本乡镇设置的活动类型。")
    try:
        expected = int(expected or 0)
    except (TypeError, ValueError):
        raise ActivityError("应到人数应为整数。") from None
    if not (0 <= expected <= MAX_EXPECTED):
        raise ActivityError("应到人数应在 0 至 100000 之间。")
    return ActivitySession(org_unit=village, kind=kind_obj, date=check_date(date, "活动日期"), title=text(title, "活动内容", 100),
                           location=text(location, "地点", 60, required=False), expected=expected, recorded_by=user)


def _refresh_count(session):
    session.attended = Attendance.objects.filter(session=session).count()
    ActivitySession.objects.filter(pk=session.pk).update(attended=session.attended)


def set_attendance(user, session: ActivitySession, person_ids) -> ActivitySession:
    """The list is the whole attendance: people ticked are added, people unticked removed."""
    if not can_edit(user, session.org_unit):
        raise ActivityError("您无权登记该村（社区）的活动签到。")
    try:
        wanted = {int(p) for p in person_ids}
    except (TypeError, ValueError):
        raise ActivityError("参加人员无效。") from None
    valid = set(members(session.org_unit).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - valid:
        raise ActivityError("参加人员中有不属于本村（社区）的人员，请刷新页面后重试。")
    with transaction.atomic():
        present = set(Attendance.objects.filter(session=session).values_list("person_id", flat=True))
        for row in Attendance.objects.filter(session=session, person_id__in=present - wanted):
            row._history_user = user
            row.delete()
        for pid in sorted(wanted - present):
            saved(Attendance(session=session, person_id=pid, method=Attendance.Method.LIST, recorded_by=user), user)
        _refresh_count(session)
    return session


def person_for_check_in(user, session):
    """The logged-in user's own person record in the session's village, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user, active=True, org_unit__path__startswith=session.org_unit.path).first()


def check_in(user, session: ActivitySession) -> Attendance:
    person = person_for_check_in(user, session)
    if person is None:
        raise ActivityError(f"扫码签到仅限「{session.org_unit.display_name}」的人员本人登录后使用。")
    with transaction.atomic():
        existing = Attendance.objects.filter(session=session, person=person).first()
        if existing is not None:
            return existing
        row = saved(Attendance(session=session, person=person, method=Attendance.Method.QR, recorded_by=user), user)
        _refresh_count(session)
    return row


def kind_codes():
    return ActivityKind.Code
