"""A problem's life: 待整改 → 整改中 → 待复查 → 已销号, with 退回 from 待复查 back to 整改中.

Every step locks the problem row, checks who may take it and from which status, bumps `version`, writes a
ProblemEvent (who, when, why), moves the kept counts (ProblemStats) in the same transaction and tells the
people concerned."""

import datetime

from django.db import transaction
from django.utils import timezone

from fivestar.inbox.models import Notification

from ..models import Problem, ProblemEvent, Rectification
from ..models.problem import ProblemStatus
from . import stats
from .access import can_rectify, can_supervise, is_village_side
from .errors import SupervisionError
from .problems import _event, _notify, _overdue_event, _text, check_evidence, village_people
from .recipients import responsible_users

S = ProblemStatus
LABEL = dict(ProblemStatus.choices)


def _locked(problem, version=None) -> Problem:
    current = (Problem.objects.select_for_update(of=("self",)).select_related("org_unit", "team__org_unit").get(pk=problem.pk))
    if version is not None and int(version) != current.version:
        raise SupervisionError(f"该问题已被他人修改（当前状态：{LABEL[current.status]}），请刷新后重试。")
    return current


def _save(current, before: dict, fields: list[str]) -> None:
    current.version += 1
    current.save(update_fields=[*fields, "version", "updated_at"])
    stats.apply(stats.problem_keys(current), stats.delta(before, stats.contribution(current.status, current.overdue)))


def _need_rectify(user, current, what: str):
    if not can_rectify(user, current.org_unit):
        raise SupervisionError(f"只有「{current.org_unit.display_name}」的村干部或包村干部才能{what}。")


def _need_supervise(user, current, what: str):
    if is_village_side(user, current.org_unit):
        raise SupervisionError(f"村里不能为本村的问题{what}。")
    if not can_supervise(user, current.org_unit):
        raise SupervisionError(f"您无权为「{current.org_unit.display_name}」的问题{what}。")
    # Rank, not only scope: a problem found by a county's special team is signed off, returned or re-dated only by
    # supervisors of that county (or above), never by the town under it.
    team_unit = current.team.org_unit if current.team_id else None
    if team_unit is not None and not can_supervise(user, team_unit):
        raise SupervisionError(f"该问题由{team_unit.display_name}「{current.team.name}」发现，须由{team_unit.display_name}或上级督导人员{what}。")


def start_rectification(problem, user, note: str = "", version=None) -> Problem:
    """待整改 → 整改中."""
    note = _text(note, "说明", False, 500)
    with transaction.atomic():
        current = _locked(problem, version)
        _need_rectify(user, current, "开始整改")
        if current.status != S.PENDING:
            raise SupervisionError(f"该问题当前为「{LABEL[current.status]}」，只有待整改的问题才能开始整改。")
        before = stats.contribution(current.status, current.overdue)
        current.status, current.rectifying_at = S.RECTIFYING, timezone.now()
        _save(current, before, ["status", "rectifying_at"])
        _event(current, user, ProblemEvent.Action.START, S.PENDING, S.RECTIFYING, note)
    return current


def submit_rectification(problem, user, measures, evidence=(), version=None) -> Rectification:
    """待整改/整改中 → 待复查, with the measures taken and their evidence."""
    measures = _text(measures, "整改措施")
    with transaction.atomic():
        current = _locked(problem, version)
        _need_rectify(user, current, "提交整改")
        if current.status not in (S.PENDING, S.RECTIFYING):
            raise SupervisionError("该问题已提交复查，请等待督导组复查。" if current.status == S.CHECKING
                                   else "该问题已销号，不能再提交整改。")
        evidence = check_evidence(current.org_unit, evidence)
        before = stats.contribution(current.status, current.overdue)
        from_status, now = current.status, timezone.now()
        current.status, current.submitted_at = S.CHECKING, now
        current.rectifying_at = current.rectifying_at or now
        _save(current, before, ["status", "submitted_at", "rectifying_at"])
        rectification = Rectification.objects.create(problem=current, measures=measures, submitted_by=user)
        if evidence:
            rectification.evidence.add(*evidence)
        _event(current, user, ProblemEvent.Action.SUBMIT, from_status, S.CHECKING, measures[:200],
               {"rectification": rectification.pk, "evidence": [e.pk for e in evidence]})
        reviewers = {current.created_by_id}
        if current.team_id and current.team.leader_id:
            reviewers |= set(responsible_users([current.team.leader_id]).values())
        _notify(current, reviewers - {user.pk}, Notification.Kind.WAITING,
                f"{current.org_unit.display_name}已提交整改，请复查", f"sup-submit-{current.pk}-{rectification.pk}", measures[:200])
    return rectification


def _waiting_rectification(current) -> Rectification | None:
    return current.rectifications.filter(outcome=Rectification.Outcome.WAITING).order_by("-submitted_at", "-id").first()


def _review(problem, user, *, accepted: bool, comment: str, photos, version) -> Problem:
    what = "销号" if accepted else "退回整改"
    comment = _text(comment, "复查意见", not accepted)
    with transaction.atomic():
        current = _locked(problem, version)
        _need_supervise(user, current, what)
        if current.status == S.CLOSED:
            raise SupervisionError("该问题已销号。")
        if current.status != S.CHECKING:
            raise SupervisionError(f"该问题尚未提交整改，不能{what}。")
        photos = check_evidence(current.org_unit, photos)
        before = stats.contribution(current.status, current.overdue)
        now = timezone.now()
        if accepted:
            current.status, current.closed_at, current.closed_by = S.CLOSED, now, user
            _save(current, before, ["status", "closed_at", "closed_by"])
        else:
            current.status = S.RECTIFYING
            _save(current, before, ["status"])
        rectification = _waiting_rectification(current)
        if rectification is not None:
            rectification.outcome = Rectification.Outcome.ACCEPTED if accepted else Rectification.Outcome.REJECTED
            rectification.review_comment, rectification.reviewed_by, rectification.reviewed_at = comment, user, now
            rectification.save(update_fields=["outcome", "review_comment", "reviewed_by", "reviewed_at"])
            if photos:
                rectification.review_photos.add(*photos)
        _event(current, user, ProblemEvent.Action.ACCEPT if accepted else ProblemEvent.Action.REJECT, S.CHECKING,
               current.status, comment, {"rectification": getattr(rectification, "pk", None), "photos": [p.pk for p in photos]})
        if accepted:
            _notify(current, village_people(current), Notification.Kind.APPROVED,
                    f"{current.org_unit.display_name}的督导问题已复查通过销号", f"sup-accept-{current.pk}", comment[:200])
        else:
            _notify(current, village_people(current), Notification.Kind.RETURNED,
                    f"{current.org_unit.display_name}的整改被退回，请继续整改", f"sup-reject-{current.pk}-{current.version}", comment[:200])
    return current


def accept(problem, user, comment: str = "", photos=(), version=None) -> Problem:
    """待复查 → 已销号 (the team signs it off)."""
    return _review(problem, user, accepted=True, comment=comment, photos=photos, version=version)


def reject(problem, user, comment: str, photos=(), version=None) -> Problem:
    """待复查 → 整改中 (退回, a comment is required)."""
    return _review(problem, user, accepted=False, comment=comment, photos=photos, version=version)


def change_deadline(problem, user, deadline: datetime.date, reason: str, version=None) -> Problem:
    reason = _text(reason, "调整期限的原因", True, 500)
    if not isinstance(deadline, datetime.date):
        raise SupervisionError("请填写正确的整改期限。")
    with transaction.atomic():
        current = _locked(problem, version)
        _need_supervise(user, current, "调整整改期限")
        if current.status == S.CLOSED:
            raise SupervisionError("该问题已销号，不能调整整改期限。")
        if deadline < current.found_on:
            raise SupervisionError("整改期限不能早于发现日期。")
        if deadline == current.deadline:
            raise SupervisionError("新的整改期限与原期限相同。")
        before = stats.contribution(current.status, current.overdue)
        old = current.deadline
        current.deadline = deadline
        current.overdue = timezone.localdate() > deadline
        if not current.overdue:
            current.escalation_step = 0
        _save(current, before, ["deadline", "overdue", "escalation_step"])
        _event(current, user, ProblemEvent.Action.DEADLINE, current.status, current.status, reason,
               {"from": old.isoformat(), "to": deadline.isoformat()})
        if current.overdue:
            _overdue_event(current)
        _notify(current, village_people(current), Notification.Kind.INFO,
                f"{current.org_unit.display_name}督导问题的整改期限调整为 {deadline:%Y-%m-%d}",
                f"sup-deadline-{current.pk}-{current.version}", reason[:200])
    return current


def add_problem_photo(problem, user, evidence) -> Problem:
    """Attach a photo or document to a problem (idempotent: the same evidence twice is attached once)."""
    village = problem.org_unit
    if not (can_supervise(user, village) or can_rectify(user, village)):
        raise SupervisionError(f"您无权为「{village.display_name}」的问题添加照片。")
    check_evidence(village, [evidence])
    with transaction.atomic():
        current = _locked(problem)
        if current.photos.filter(pk=evidence.pk).exists():
            return current
        current.photos.add(evidence)
        current.version += 1
        current.save(update_fields=["version", "updated_at"])
        _event(current, user, ProblemEvent.Action.EDIT, current.status, current.status,
               f"添加照片：{evidence.original_name}", {"photo": evidence.pk})
    return current
