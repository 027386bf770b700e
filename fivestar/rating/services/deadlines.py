"""Stage deadlines (截止处理): what is still unfinished after its stage's deadline is closed as 未按期完成, so
one village that never submits does not hold up its town's notice and recognition.

Which deadline applies to a branch (the day after it, the branch is closed):
- not submitted (未开始、填报中): the round's 村级自评截止;
- returned (已退回): the deadline of the level that returned it (镇级初审截止, 县级审核截止, 增设层级截止):
  the village had that level's review period to fix and resubmit;
- waiting for a review (已提交 → 镇级初审截止, 镇级初审通过 → 县级审核截止, and 增设层级截止 for city/province):
  the reviewers had their own deadline and overdue reminders; after it the branch is closed too, otherwise
  one reviewer's backlog blocks the whole round. The reason names the stage, and the county may reverse it;
- a county reversal (撤销截止处理) gives the branch its own date: it is not closed before that day.

Before a deadline, the county (county review authority, with a reason) may close branches still with the village
(未开始、填报中、已退回) as 未按期完成 at once: 提前截止处理, e.g. a village that declared it will not take part
this period. It is attributed, its reason recorded and sent to the village, and reversible like any closure.

What a closed branch gets at 认定 is the round's `expired_outcome`: the stars it held from its last recognised
result (minus any withdrawn by a veto since), or none. Closing is idempotent (a closed branch is not selected
again) and runs daily from `fivestar close_overdue` (in `fivestar scheduler`); a town or county administrator
can also run it for their units from the round page once a deadline has passed.
"""

import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from fivestar.core.roles import Action

from ..models import Assessment, AssessmentEvent, Round, Status
from ..models.assessment import APPROVED_BY_LEVEL, UNFINISHED
from ..models.round import LEVEL_LABELS
from ..stats import refresh_town_stats, refresh_towns
from . import notifications
from .access import can_act
from .errors import WorkflowError

# The level whose review each status waits for.
WAITING_AT = {Status.SUBMITTED: "town", Status.TOWN_APPROVED: "county", Status.COUNTY_APPROVED: "city", Status.CITY_APPROVED: "province"}
MAX_EXTENSION_DAYS = 90
DEFAULT_EXTENSION_DAYS = 7


def level_deadline(rnd: Round, level: str) -> datetime.date:
    return notifications.deadline_of(rnd, level)


def closable_statuses(rnd: Round) -> list[str]:
    """Every status short of the round's last approval (the last level's approval is final)."""
    final = APPROVED_BY_LEVEL[rnd.levels[-1]]
    order = UNFINISHED
    return [s for s in order if s != final and not (s in WAITING_AT and WAITING_AT[s] not in rnd.levels)]


def stage_of(rnd: Round, status: str, return_comments=None) -> tuple[str, datetime.date]:
    """(the stage in words, its deadline) for a branch in `status`."""
    if status in (Status.NOT_STARTED, Status.IN_PROGRESS):
        return "村级自评", rnd.self_deadline
    if status == Status.RETURNED:
        level = ((return_comments or [{}])[-1] or {}).get("level") or "town"
        level = level if level in rnd.levels else "town"
        return f"退回后重新提交（{LEVEL_LABELS[level]}）", level_deadline(rnd, level)
    level = WAITING_AT[status]
    return LEVEL_LABELS[level], level_deadline(rnd, level)


def deadline_for(rnd: Round, a: Assessment) -> datetime.date:
    _, day = stage_of(rnd, a.status, a.return_comments)
    return max(day, a.deadline_override) if a.deadline_override else day


def reason_for(rnd: Round, a: Assessment) -> str:
    stage, day = stage_of(rnd, a.status, a.return_comments)
    day = max(day, a.deadline_override) if a.deadline_override else day
    if a.status in (Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED):
        return f"{stage}截止（{day:%Y-%m-%d}）前未提交"
    return f"{stage}截止（{day:%Y-%m-%d}）前未完成{stage}"


def overdue(rnd: Round, today: datetime.date | None = None, user=None) -> list[Assessment]:
    """The branches of an open round past their deadline (in the user's charge, when a user is given)."""
    today = today or timezone.localdate()
    if rnd.phase != Round.Phase.OPEN:
        return []
    qs = Assessment.objects.filter(round=rnd, status__in=closable_statuses(rnd))
    if user is not None:
        qs = qs.visible_to(user, Action.MANAGE_ROUNDS)
    # Coarse filter in SQL (no branch is due before the earliest deadline), exact one per row in Python.
    earliest = min(rnd.self_deadline, rnd.town_deadline, rnd.county_deadline)
    if today <= earliest:
        return []
    qs = qs.filter(Q(deadline_override__isnull=True) | Q(deadline_override__lt=today))
    rows = list(qs.select_related("org_unit").only("id", "status", "return_comments", "deadline_override", "version", "town_id",
                                                   "org_unit_id", "org_unit__display_name", "org_unit__parent_id", "round_id"))
    return [a for a in rows if deadline_for(rnd, a) < today]


def close_overdue(rnd: Round, user=None, today: datetime.date | None = None) -> int:
    """截止处理: close the round's overdue branches (those in the user's charge; all of them for the scheduler)
    as 未按期完成, each attributed (AssessmentEvent) with the status it leaves and why. Returns how many."""
    today = today or timezone.localdate()
    if user is not None:
        if not Assessment.objects.filter(round=rnd).visible_to(user, Action.MANAGE_ROUNDS).exists():
            raise WorkflowError("您无权对本评星周期作截止处理。")
        if rnd.phase != Round.Phase.OPEN:
            raise WorkflowError(f"评星周期当前为「{rnd.get_phase_display()}」阶段，不需要截止处理。")
        if today <= rnd.self_deadline:
            raise WorkflowError(f"村级自评截止日期（{rnd.self_deadline:%Y-%m-%d}）之后方可作截止处理。")
    candidates = overdue(rnd, today, user)
    if not candidates:
        return 0
    level = "system" if user is None else ("county" if any(can_act(user, a, "county") for a in candidates[:1]) else "town")
    return _close(rnd, candidates, user, level, lambda a: reason_for(rnd, a))


# 提前截止处理: only what the village itself has to move (a review waiting is moved by its reviewers).
EARLY_CLOSABLE = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED]
MIN_REASON = 5
MAX_ID = 2**63 - 1


def early_closable(rnd: Round, user):
    """The branches of an open round the user may close before their deadline: county authority over them,
    still with the village (未开始、填报中、已退回)."""
    if rnd.phase != Round.Phase.OPEN:
        return Assessment.objects.none()
    return Assessment.objects.filter(round=rnd, status__in=EARLY_CLOSABLE).visible_to(user, Action.REVIEW_COUNTY)


def close_early(rnd: Round, user, assessment_ids, reason: str, today: datetime.date | None = None) -> int:
    """提前截止处理 (county authority, with a reason): close chosen branches as 未按期完成 before their deadline,
    e.g. a village that declared it will not take part this period, or whose secretary's post is vacant. Each
    closure is attributed, its reason recorded and sent to the village, and the county may reverse it
    (`restore_expired`). Branches not eligible (already moved on, out of the user's charge) are skipped.
    Returns how many were closed."""
    reason = (reason or "").strip()
    if not Assessment.objects.filter(round=rnd).visible_to(user, Action.REVIEW_COUNTY).exists():
        raise WorkflowError("只有县级审核人员才能提前截止处理。")
    if rnd.phase != Round.Phase.OPEN:
        raise WorkflowError(f"评星周期当前为「{rnd.get_phase_display()}」阶段，不能截止处理。")
    if len(reason) < MIN_REASON:
        raise WorkflowError(f"提前截止处理须填写理由（至少 {MIN_REASON} 个字）。")
    if len(reason) > 500:
        raise WorkflowError("理由不能超过 500 字。")
    ids = sorted({int(i) for i in assessment_ids if str(i).isdigit() and 0 < int(i) <= MAX_ID})
    if not ids:
        raise WorkflowError("请先勾选要提前截止处理的村（社区）。")
    rows = list(early_closable(rnd, user).filter(pk__in=ids).select_related("org_unit").only(
        "id", "status", "return_comments", "deadline_override", "version", "town_id", "org_unit_id", "org_unit__display_name",
        "org_unit__parent_id", "round_id"))

    def why(a):
        stage, _ = stage_of(rnd, a.status, a.return_comments)
        return f"提前截止处理（{stage}截止 {deadline_for(rnd, a):%Y-%m-%d} 前）：{reason}"

    return _close(rnd, rows, user, "county", why)


def _close(rnd: Round, candidates: list[Assessment], user, level: str, reason_of) -> int:
    """Close `candidates` as 未按期完成 (those still in the status they were read in), with an event each, the
    town figures refreshed and each village told."""
    if not candidates:
        return 0
    closed_rows, towns = [], set()
    with transaction.atomic():
        by_status: dict[str, list[Assessment]] = {}
        for a in candidates:
            by_status.setdefault(a.status, []).append(a)
        events = []
        for status, rows in by_status.items():
            ids = [a.pk for a in rows]
            # Only rows still in that status (a village submitting this very moment is not closed).
            still = set(Assessment.objects.select_for_update().filter(pk__in=ids, status=status).values_list("pk", flat=True))
            rows = [a for a in rows if a.pk in still]
            Assessment.objects.filter(pk__in=[a.pk for a in rows], status=status).update(
                status=Status.EXPIRED, closed_from=status, version=F("version") + 1, updated_by=user, updated_at=timezone.now())
            for a in rows:
                reason = reason_of(a)
                events.append(AssessmentEvent(assessment_id=a.pk, user=user, level=level, action=AssessmentEvent.Action.EXPIRE,
                                              old={"状态": status}, new={"状态": Status.EXPIRED}, reason=reason[:500]))
                closed_rows.append((a.pk, a.org_unit_id, a.version + 1, reason))
                towns.add(a.town_id or a.org_unit.parent_id)
        AssessmentEvent.objects.bulk_create(events)
        refresh_towns(rnd.pk, towns)  # every level's figures, in this transaction
    notifications.closed(rnd, closed_rows)
    return len(closed_rows)


def close_all_overdue(today: datetime.date | None = None) -> int:
    """For the scheduler: every open round, idempotent (closed branches are not selected again)."""
    return sum(close_overdue(rnd, None, today) for rnd in Round.objects.filter(phase=Round.Phase.OPEN))


def restore_expired(assessment: Assessment, user, reason: str, until: datetime.date | None = None,
                    today: datetime.date | None = None) -> Assessment:
    """撤销截止处理 (county authority, with a reason): the branch goes back to where it was closed from, with its
    own deadline `until` (default a week from today). A round in notice goes back to 自评与审核."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("撤销截止处理须填写理由。")
    if len(reason) > 500:
        raise WorkflowError("理由不能超过 500 字。")
    if not can_act(user, assessment, "county"):
        raise WorkflowError("只有县级审核人员才能撤销截止处理。")
    until = until or today + datetime.timedelta(days=DEFAULT_EXTENSION_DAYS)
    if until < today:
        raise WorkflowError("新的截止日期不能早于今天。")
    if until > today + datetime.timedelta(days=MAX_EXTENSION_DAYS):
        raise WorkflowError(f"新的截止日期最多可延至 {MAX_EXTENSION_DAYS} 天后。")
    with transaction.atomic():
        current = Assessment.objects.select_for_update().select_related("round", "org_unit").get(pk=assessment.pk)
        rnd = current.round
        if current.status != Status.EXPIRED:
            raise WorkflowError(f"申报当前状态为「{current.get_status_display()}」，不是未按期完成，无需撤销。")
        if rnd.phase not in (Round.Phase.OPEN, Round.Phase.NOTICE):
            raise WorkflowError(f"评星周期已{rnd.get_phase_display()}，不能再撤销截止处理。")
        back = current.closed_from if current.closed_from in closable_statuses(rnd) else Status.IN_PROGRESS
        current.status, current.closed_from, current.deadline_override = back, "", until
        current.version += 1
        current.updated_by = user
        current.save(update_fields=["status", "closed_from", "deadline_override", "version", "updated_by", "updated_at"])
        AssessmentEvent.objects.create(assessment=current, user=user, level="county", action=AssessmentEvent.Action.RESTORE,
                                       old={"状态": Status.EXPIRED}, new={"状态": back, "截止日期": f"{until:%Y-%m-%d}"}, reason=reason)
        if rnd.phase == Round.Phase.NOTICE:
            rnd.phase = Round.Phase.OPEN
            rnd._history_user = user
            rnd.save()
        refresh_town_stats(rnd.pk, current.town_id or current.org_unit.parent_id)
    notifications.restored(current, until)
    return current
