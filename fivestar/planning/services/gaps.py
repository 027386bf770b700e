"""One click from a village's 差距清单 to ledger tasks: one task per rule the engine's gap list says to raise for
each target star the village's current assessment does not reach (the same evaluation as the 差距 page:
fivestar/standards/gap_selectors.current_for), owned by the 包村干部 (else the secretary), due a few days before
the round's self-assessment deadline. Idempotent: a rule already turned into a task this year (whatever its
status) is skipped, and the partial unique constraint `ledger_gap_once` holds against a concurrent click."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from fivestar.inbox.models import Notification
from fivestar.inbox.services import notify_many

from ..models import LedgerTask, TaskEvent, VillageTarget
from ..models.ledger import TaskSource, TaskStatus
from . import stats
from .access import can_manage
from .errors import PlanningError
from .ledger import MAX_TITLE, notify_new, suggested_owner
from .targets import check_year

DAYS_BEFORE_ROUND_DEADLINE = 3
DAYS_WITHOUT_ROUND = 30


def default_deadline(assessment, today: datetime.date | None = None) -> datetime.date:
    """A few days before the current round's self-assessment deadline (the village's own, if extended); 30 days
    from today when there is no open round or that day has passed."""
    from fivestar.rating.models import Round

    today = today or timezone.localdate()
    if assessment is not None and assessment.round.phase in (Round.Phase.DRAFT, Round.Phase.OPENING, Round.Phase.OPEN):
        day = assessment.round.self_deadline
        if assessment.deadline_override:
            day = max(day, assessment.deadline_override)
        day -= datetime.timedelta(days=DAYS_BEFORE_ROUND_DEADLINE)
        if day >= today:
            return day
    return today + datetime.timedelta(days=DAYS_WITHOUT_ROUND)


def gap_items(report, stars: list[str]) -> list[dict]:
    """Per target star missing from the evaluation: each rule to raise (improvements, mandatory ones first), once."""
    out, seen = [], set()
    for gap in report:
        if gap.star_code not in stars:
            continue
        for item in gap.improvements:
            if item.rule_code in seen:
                continue
            seen.add(item.rule_code)
            out.append({"star_code": gap.star_code, "star_name": gap.star_name, "rule_code": item.rule_code,
                        "text": item.text, "action": item.action, "mandatory": item.mandatory})
    return out


def _title(rule_text: str) -> str:
    rule_text = " ".join((rule_text or "").split())
    return rule_text if len(rule_text) <= MAX_TITLE else rule_text[:MAX_TITLE - 1] + "…"


def tasks_from_gaps(user, village, year, deadline=None) -> int:
    """Turn the village's gap list into ledger tasks for the target stars still missing; returns how many were
    created (0 on a second click)."""
    from fivestar.standards.gap_selectors import current_for

    year = check_year(year)
    if village is None or not can_manage(user, village):
        raise PlanningError(f"您无权管理「{getattr(village, 'display_name', '')}」的创建台账。")
    target = VillageTarget.objects.filter(year=year, org_unit=village).first()
    if target is None or not target.target_stars:
        raise PlanningError(f"「{village.display_name}」尚未设置 {year} 年度的目标星，请先设置创建目标。")
    current = current_for(user, village)
    if current.framework is None:
        raise PlanningError(f"「{village.display_name}」所在地区尚未发布创建标准，无法生成差距清单。")
    awarded = set(current.evaluation.awarded_codes) if current.evaluation is not None else set()
    missing = [c for c in target.target_stars if c not in awarded]
    items = gap_items(current.report, missing)
    if not items:
        return 0
    today = timezone.localdate()
    if deadline is None:
        deadline = default_deadline(current.assessment, today)
    elif isinstance(deadline, datetime.datetime) or not isinstance(deadline, datetime.date) or deadline < today:
        raise PlanningError("完成时限不能早于今天。")
    owner = suggested_owner(village)
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _create(user, village, year, items, deadline, owner, current.assessment)
        except IntegrityError:  # a concurrent click created some of them first: skip those
            if attempt:
                raise
    return 0


def _create(user, village, year, items, deadline, owner, assessment) -> int:
    done = set(LedgerTask.objects.filter(org_unit=village, year=year, source=TaskSource.GAP).values_list("rule_code", flat=True))
    fresh = [i for i in items if i["rule_code"] not in done]
    if not fresh:
        return 0
    tasks = LedgerTask.objects.bulk_create([
        LedgerTask(org_unit=village, year=year, star_code=i["star_code"], rule_code=i["rule_code"], title=_title(i["text"]),
                   description=f"{i['star_name']}差距：{i['action']}", responsible=owner, deadline=deadline,
                   status=TaskStatus.TODO, overdue=False, source=TaskSource.GAP,
                   source_ref=str(assessment.pk) if assessment is not None else "", created_by=user)
        for i in fresh])
    if any(t.pk is None for t in tasks):  # a backend without RETURNING: read them back
        tasks = list(LedgerTask.objects.filter(org_unit=village, year=year, source=TaskSource.GAP,
                                               rule_code__in=[i["rule_code"] for i in fresh]))
    TaskEvent.objects.bulk_create([
        TaskEvent(task=t, user=user, action=TaskEvent.Action.CREATE, to_status=TaskStatus.TODO, reason="由差距清单生成",
                  detail={"rule": t.rule_code, "deadline": deadline.isoformat(), "responsible": getattr(owner, "name", "")})
        for t in tasks])
    stats.apply(stats.task_keys(tasks[0]), {**stats.contribution(TaskStatus.TODO, False), "total": len(tasks),
                                            "open": len(tasks), "by_status": {TaskStatus.TODO: len(tasks)}})
    if len(tasks) == 1:
        notify_new(tasks, user)
    else:
        _notify_batch(tasks, user, owner, village)
    return len(tasks)


def _notify_batch(tasks, user, owner, village) -> int:
    if owner is None or not owner.user_id or owner.user_id == user.pk:
        return 0
    return notify_many([{"user_id": owner.user_id, "kind": Notification.Kind.INFO, "url": f"/planning/villages/{village.pk}/ledger/",
                         "org_unit_id": village.pk, "dedupe_key": f"plan-gaps-{village.pk}-{tasks[0].pk}",
                         "title": f"{village.display_name}由差距清单新增 {len(tasks)} 项创建台账任务，"
                                  f"请于 {tasks[0].deadline:%Y-%m-%d} 前完成"}])

