"""Recording a problem (问题清单), and what every step of its life shares: checked text and evidence, its events,
its notifications. The steps themselves are in transitions.py."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from fivestar.inbox.models import Notification
from fivestar.inbox.services import notify_many
from fivestar.orgs.models import Level, OrgUnit

from ..models import Problem, ProblemEvent
from ..models.problem import ProblemStatus, Severity
from . import stats
from .access import can_supervise
from .errors import SupervisionError
from .recipients import liaison_users, responsible_users, secretary_of
from .settings import default_deadline

S = ProblemStatus
MAX_TEXT = 2000


def problem_url(problem) -> str:
    return f"/supervision/problems/{problem.pk}/"


def _text(value, label: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise SupervisionError(f"请填写{label}。")
    if len(value) > limit:
        raise SupervisionError(f"{label}不能超过 {limit} 字。")
    return value


def check_evidence(unit, evidence) -> list:
    """Evidence may be used for a unit when it was stored for that unit or a unit above it (a team's photos)."""
    evidence = [e for e in evidence or () if e is not None]
    if not evidence:
        return []
    paths = dict(OrgUnit.objects.filter(pk__in={e.org_unit_id for e in evidence}).values_list("id", "path"))
    for item in evidence:
        if not unit.path.startswith(paths.get(item.org_unit_id, "#")):
            raise SupervisionError(f"材料「{item.original_name}」不属于「{unit.display_name}」，不能使用。")
    return evidence


def _notify(problem, user_ids, kind: str, title: str, key: str, body: str = "") -> int:
    return notify_many({"user_id": uid, "kind": kind, "title": title, "body": body, "url": problem_url(problem),
                        "org_unit_id": problem.org_unit_id, "dedupe_key": key} for uid in sorted(set(user_ids)) if uid)


def village_people(problem) -> set[int]:
    """The responsible person's account and the 包村干部 of the problem's village."""
    users = set(liaison_users([problem.org_unit_id]).get(problem.org_unit_id, set()))
    if problem.responsible_id:
        users |= {u for u in responsible_users([problem.responsible_id]).values()}
    return users


def overdue_reason(deadline: datetime.date) -> str:
    """The reason of a problem's overdue event; with the deadline in it, one event per deadline (unique)."""
    return f"已超过整改期限 {deadline:%Y-%m-%d}"


def _overdue_event(problem) -> None:
    """A problem recorded or moved past its deadline is overdue from that moment, as the daily job would mark it."""
    ProblemEvent.objects.bulk_create([ProblemEvent(problem=problem, action=ProblemEvent.Action.OVERDUE, from_status=problem.status,
                                                   reason=overdue_reason(problem.deadline))], ignore_conflicts=True)


def _event(problem, user, action, from_status="", to_status="", reason="", detail=None) -> ProblemEvent:
    return ProblemEvent.objects.create(problem=problem, user=user, action=action, from_status=from_status,
                                       to_status=to_status, reason=(reason or "")[:500], detail=detail)


# ------------------------------------------------------------------------------------------------ create

def _existing(client_uid, user):
    found = Problem.objects.select_related("org_unit").filter(client_uid=client_uid).first()
    if found is not None and not can_supervise(user, found.org_unit):
        raise SupervisionError("该记录编号已被使用。")
    return found


def _check_responsible(village, person):
    if person is None:
        return secretary_of(village)
    path = OrgUnit.objects.filter(pk=person.org_unit_id).values_list("path", flat=True).first() or "#"
    if not (path.startswith(village.path) or village.path.startswith(path)) or not person.active:
        raise SupervisionError(f"整改责任人「{person.name}」不是「{village.display_name}」或其所属乡镇的在职人员。")
    return person


def create_problem(user, village, *, description, severity, deadline=None, star_code="", rule_code="", responsible=None,
                   inspection=None, team=None, photos=(), client_uid=None, found_on=None) -> Problem:
    """Record a problem found in a village. A retry with the same `client_uid` returns the first record."""
    if client_uid and (found := _existing(client_uid, user)) is not None:
        return found
    if village is None or village.level != Level.VILLAGE:
        raise SupervisionError("督导问题只能登记到村（社区）。")
    if not can_supervise(user, village):
        raise SupervisionError(f"您无权为「{village.display_name}」登记督导问题。")
    description = _text(description, "问题描述")
    if severity not in Severity.values:
        raise SupervisionError("请选择问题的严重程度（一般、较重、严重）。")
    star_code, rule_code = _text(star_code, "所涉星", False, 10), _text(rule_code, "所涉细则", False, 40)
    today = timezone.localdate()
    found_on = found_on or (inspection.date if inspection is not None else today)
    if found_on > today:
        raise SupervisionError("发现日期不能晚于今天。")
    team = team or (inspection.team if inspection is not None else None)
    if inspection is not None and not village.path.startswith(inspection.org_unit.path):
        raise SupervisionError(f"「{village.display_name}」不在该次督导的范围内。")
    if team is not None and not village.path.startswith(team.org_unit.path):
        raise SupervisionError(f"「{village.display_name}」不在督导组「{team.name}」的范围内。")
    deadline = deadline or default_deadline(village, severity, found_on)
    if deadline < found_on:
        raise SupervisionError("整改期限不能早于发现日期。")
    responsible = _check_responsible(village, responsible)
    photos = check_evidence(village, photos)
    problem = Problem(org_unit=village, inspection=inspection, team=team, star_code=star_code, rule_code=rule_code,
                      description=description, severity=severity, responsible=responsible, deadline=deadline,
                      status=S.PENDING, overdue=today > deadline, found_on=found_on, client_uid=client_uid, created_by=user)
    try:
        with transaction.atomic():
            problem.save()
            if photos:
                problem.photos.add(*photos)
            _event(problem, user, ProblemEvent.Action.CREATE, "", S.PENDING, description[:200],
                   {"severity": severity, "deadline": deadline.isoformat(), "responsible": getattr(responsible, "name", "")})
            if problem.overdue:
                _overdue_event(problem)
            stats.apply(stats.problem_keys(problem), stats.contribution(problem.status, problem.overdue))
            title = f"{village.display_name}有新的督导问题，请于 {deadline:%Y-%m-%d} 前整改"
            _notify(problem, village_people(problem), Notification.Kind.INFO, title, f"sup-new-{problem.pk}", description[:200])
    except IntegrityError:
        if client_uid and (found := _existing(client_uid, user)) is not None:
            return found
        raise
    return problem
