"""The creation ledger (创建台账): a task recorded or edited (save_task), from a supervision problem, its status
steps and its evidence. Every change locks the task row, bumps `version`, writes a TaskEvent (who, when, what)
and moves the kept counts (LedgerStats) in the same transaction. Tasks from a gap list are in gaps.py."""

import datetime

from django.db import transaction
from django.utils import timezone

from fivestar.core.text import clean_text
from fivestar.inbox.models import Notification
from fivestar.inbox.services import notify_many
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Duty, Person, Position, Responsibility

from ..models import LedgerTask, TaskEvent
from ..models.ledger import OPEN_TASK_STATUSES, TaskSource, TaskStatus
from . import stats
from .access import can_manage, can_work, outranked
from .errors import PlanningError
from .stars import StarCatalog
from .targets import check_year

S = TaskStatus
LABEL = dict(TaskStatus.choices)
MAX_TITLE, MAX_TEXT = 200, 2000


def task_url(task) -> str:
    return f"/planning/tasks/{task.pk}/"


def is_overdue(status: str, deadline: datetime.date, today: datetime.date | None = None) -> bool:
    return status in OPEN_TASK_STATUSES and (today or timezone.localdate()) > deadline


def overdue_reason(deadline: datetime.date) -> str:
    """The reason of a task's overdue event; with the deadline in it, one event per deadline (unique)."""
    return f"已超过完成时限 {deadline:%Y-%m-%d}"


def text(value, label: str, required: bool = True, limit: int = MAX_TEXT, multiline: bool = True) -> str:
    value = clean_text(str(value or ""), multiline=multiline).strip()
    if required and not value:
        raise PlanningError(f"请填写{label}。")
    if len(value) > limit:
        raise PlanningError(f"{label}不能超过 {limit} 字。")
    return value


def suggested_owner(village) -> Person | None:
    """The village's 包村干部 (Responsibility duty=village), else its secretary (active people only)."""
    liaison = (Responsibility.objects.filter(duty=Duty.VILLAGE, org_unit=village, person__active=True)
               .select_related("person").order_by("-person__user_id", "id").first())
    if liaison is not None:
        return liaison.person
    return Person.objects.filter(org_unit=village, position=Position.SECRETARY, active=True).order_by("-user_id", "pk").first()


def check_responsible(village, person) -> Person | None:
    """A responsible person must be active and belong to the village, a unit below it or a unit above it."""
    if person is None:
        return None
    path = OrgUnit.objects.filter(pk=person.org_unit_id).values_list("path", flat=True).first() or "#"
    if not person.active or not (path.startswith(village.path) or village.path.startswith(path)):
        raise PlanningError(f"责任人「{person.name}」不是「{village.display_name}」或其上级单位的在职人员。")
    return person


def check_evidence(unit, evidence) -> list:
    """Evidence may be used for a unit when it was stored for that unit or a unit above it."""
    evidence = [e for e in evidence or () if e is not None]
    if not evidence:
        return []
    paths = dict(OrgUnit.objects.filter(pk__in={e.org_unit_id for e in evidence}).values_list("id", "path"))
    for item in evidence:
        if not unit.path.startswith(paths.get(item.org_unit_id, "#")):
            raise PlanningError(f"材料「{item.original_name}」不属于「{unit.display_name}」，不能使用。")
    return evidence


def event(task, user, action, from_status="", to_status="", reason="", detail=None) -> TaskEvent:
    return TaskEvent.objects.create(task=task, user=user, action=action, from_status=from_status, to_status=to_status,
                                    reason=(reason or "")[:500], detail=detail)


def overdue_event(task) -> None:
    """A task saved past its deadline is overdue from that moment, as the daily job would mark it (once)."""
    TaskEvent.objects.bulk_create([TaskEvent(task=task, action=TaskEvent.Action.OVERDUE, from_status=task.status,
                                             reason=overdue_reason(task.deadline))], ignore_conflicts=True)


def owner_users(tasks) -> dict[int, int]:
    """task id → its responsible person's account (tasks whose person has none are left out)."""
    people = dict(Person.objects.filter(pk__in={t.responsible_id for t in tasks if t.responsible_id}, user__isnull=False,
                                        user__is_active=True).values_list("pk", "user_id"))
    return {t.pk: people[t.responsible_id] for t in tasks if t.responsible_id in people}


def notify_new(tasks, user) -> int:
    owners = owner_users(tasks)
    return notify_many({"user_id": uid, "kind": Notification.Kind.INFO, "url": task_url(t), "org_unit_id": t.org_unit_id,
                        "title": f"新的创建台账任务：{t.title[:60]}（{t.deadline:%Y-%m-%d} 前完成）",
                        "dedupe_key": f"plan-task-new-{t.pk}"}
                       for t in tasks if (uid := owners.get(t.pk)) and uid != getattr(user, "pk", None))


def _village(village) -> OrgUnit:
    if village is None or getattr(village, "level", None) != Level.VILLAGE:
        raise PlanningError("创建台账任务只能登记到村（社区）。")
    return village


def _star(village, star_code: str, rule_code: str, catalog: StarCatalog | None = None) -> tuple[str, str]:
    catalog = catalog or StarCatalog(village)
    stars = catalog.stars(village.branch_type)
    star_code, rule_code = (star_code or "").strip(), (rule_code or "").strip()
    if star_code not in stars:
        raise PlanningError("请选择任务所属的星。" if not star_code else f"「{star_code[:10]}」不是该村适用标准中的星。")
    if rule_code:
        rule = catalog.rule(village.branch_type, rule_code)
        if rule is None or rule.star_code != star_code:
            raise PlanningError(f"细则「{rule_code[:40]}」不属于{stars[star_code].name}。")
    return star_code, rule_code


def _deadline(value) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise PlanningError("请填写正确的完成时限。")
    return value


def _locked(task, version=None) -> LedgerTask:
    current = LedgerTask.objects.select_for_update(of=("self",)).select_related("org_unit", "created_by").get(pk=task.pk)
    if version is not None and int(version) != current.version:
        raise PlanningError(f"该任务已被他人修改（当前状态：{LABEL[current.status]}），请刷新后重试。")
    return current


def _save(current, before: dict, fields: list[str]) -> None:
    current.version += 1
    current.save(update_fields=[*fields, "version", "updated_at"])
    stats.apply(stats.task_keys(current), stats.delta(before, stats.contribution(current.status, current.overdue)))


def save_task(user, *, village, year, star_code, title, deadline, responsible=None, rule_code="", description="",
              task=None, version=None) -> LedgerTask:
    """Record a task (task=None) or edit one (its village and year stay). MANAGE_PLANNING over the village."""
    village = _village(village)
    if not can_manage(user, village):
        raise PlanningError(f"您无权管理「{village.display_name}」的创建台账。")
    year = check_year(year)
    star_code, rule_code = _star(village, star_code, rule_code)
    title = text(title, "任务内容", limit=MAX_TITLE, multiline=False)
    description = text(description, "说明", required=False)
    deadline = _deadline(deadline)
    responsible = check_responsible(village, responsible)
    today = timezone.localdate()
    if task is None:
        if deadline < today:
            raise PlanningError("完成时限不能早于今天。")
        task = LedgerTask(org_unit=village, year=year, star_code=star_code, rule_code=rule_code, title=title,
                          description=description, responsible=responsible or suggested_owner(village), deadline=deadline,
                          status=S.TODO, overdue=False, source=TaskSource.MANUAL, created_by=user)
        with transaction.atomic():
            task.save()
            event(task, user, TaskEvent.Action.CREATE, "", S.TODO, title[:200],
                  {"deadline": deadline.isoformat(), "responsible": getattr(task.responsible, "name", "")})
            stats.apply(stats.task_keys(task), stats.contribution(task.status, task.overdue))
            notify_new([task], user)
        return task
    with transaction.atomic():
        current = _locked(task, version)
        if current.org_unit_id != village.pk or current.year != year:
            raise PlanningError("不能修改任务所属的村（社区）和年度。")
        if (above := outranked(user, current)) is not None:
            raise PlanningError(f"该任务由{above.display_name}下达，只有{above.display_name}或上级管理员才能修改。")
        if current.source == TaskSource.GAP and rule_code != current.rule_code:
            raise PlanningError("由差距清单生成的任务不能修改所涉细则。")
        new = {"star_code": star_code, "rule_code": rule_code, "title": title, "description": description,
               "deadline": deadline, "responsible_id": getattr(responsible, "pk", None)}
        changed = {name: (getattr(current, name), value) for name, value in new.items() if getattr(current, name) != value}
        if not changed:
            return current
        if "deadline" in changed and deadline < today and current.status in OPEN_TASK_STATUSES:
            raise PlanningError("完成时限不能早于今天。")
        before = stats.contribution(current.status, current.overdue)
        for name, (_old, value) in changed.items():
            setattr(current, name, value)
        current.overdue = is_overdue(current.status, current.deadline, today) if current.status in OPEN_TASK_STATUSES else current.overdue
        _save(current, before, [*changed, "overdue"])
        detail = {name: [_plain(old), _plain(value)] for name, (old, value) in changed.items()}
        event(current, user, TaskEvent.Action.EDIT, current.status, current.status, "修改：" + "、".join(FIELD_LABELS[n] for n in changed), detail)
        if current.overdue:
            overdue_event(current)
    return current


FIELD_LABELS = {"star_code": "所属星", "rule_code": "所涉细则", "title": "任务", "description": "说明", "deadline": "完成时限",
                "responsible_id": "责任人"}


def _plain(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


# --------------------------------------------------------------------------------------------- status

MOVES = {  # from → allowed targets
    S.TODO: {S.DOING, S.DONE, S.CANCELLED},
    S.DOING: {S.DONE, S.CANCELLED},
    S.DONE: {S.DOING},
    S.CANCELLED: {S.TODO},
}


def set_task_status(task, user, status, reason: str = "", completed_on=None, version=None) -> LedgerTask:
    """未开始 → 推进中 → 已完成; 取消 (MANAGE_PLANNING, with a reason); 已完成 → 推进中 (reopen, with a reason);
    已取消 → 未开始 (MANAGE_PLANNING). WORK_TASKS or MANAGE_PLANNING over the village."""
    if status not in S.values:
        raise PlanningError("任务状态无效。")
    reason = text(reason, "说明", required=False, limit=500)
    with transaction.atomic():
        current = _locked(task, version)
        village = current.org_unit
        manager = can_manage(user, village)
        if not (manager or can_work(user, village)):
            raise PlanningError(f"您无权推进「{village.display_name}」的创建台账任务。")
        if status == current.status:
            raise PlanningError(f"该任务已是「{LABEL[status]}」。")
        if status not in MOVES[current.status]:
            raise PlanningError(f"该任务当前为「{LABEL[current.status]}」，不能改为「{LABEL[status]}」。")
        if (status == S.CANCELLED or current.status == S.CANCELLED) and not manager:
            raise PlanningError("只有乡镇或县级管理员才能取消或恢复任务。")
        if (status == S.CANCELLED or current.status == S.CANCELLED) and (above := outranked(user, current)) is not None:
            raise PlanningError(f"该任务由{above.display_name}下达，只有{above.display_name}或上级管理员才能取消或恢复。")
        if (status == S.CANCELLED or current.status == S.DONE) and not reason:
            raise PlanningError("请填写取消任务的原因。" if status == S.CANCELLED else "请填写重新推进的原因。")
        today = timezone.localdate()
        fields = ["status", "completed_on", "overdue"]
        before = stats.contribution(current.status, current.overdue)
        from_status = current.status
        current.status = status
        if status == S.DONE:
            completed_on = completed_on or today
            if isinstance(completed_on, datetime.datetime) or not isinstance(completed_on, datetime.date):
                raise PlanningError("请填写正确的完成日期。")
            if completed_on > today:
                raise PlanningError("完成日期不能晚于今天。")
            if completed_on < timezone.localdate(current.created_at) - datetime.timedelta(days=366):
                raise PlanningError("完成日期过早，请核对。")
            current.completed_on = completed_on
        else:
            current.completed_on = None
        if status in OPEN_TASK_STATUSES:
            current.overdue = is_overdue(status, current.deadline, today)
        _save(current, before, fields)
        detail = {"completed_on": current.completed_on.isoformat()} if current.completed_on else None
        event(current, user, TaskEvent.Action.STATUS, from_status, status, reason, detail)
        if current.overdue and status in OPEN_TASK_STATUSES:
            overdue_event(current)
    return current


def add_task_evidence(task, user, evidence) -> LedgerTask:
    """Attach evidence to a task (idempotent: the same evidence twice is attached once)."""
    village = task.org_unit
    if not (can_work(user, village) or can_manage(user, village)):
        raise PlanningError(f"您无权为「{village.display_name}」的任务添加佐证。")
    check_evidence(village, [evidence])
    with transaction.atomic():
        current = _locked(task)
        if current.evidence.filter(pk=evidence.pk).exists():
            return current
        current.evidence.add(evidence)
        current.version += 1
        current.save(update_fields=["version", "updated_at"])
        event(current, user, TaskEvent.Action.EVIDENCE, current.status, current.status,
              f"添加佐证：{evidence.original_name}", {"evidence": evidence.pk})
    return current


# --------------------------------------------------------------------------------------------- problems

def task_from_problem(user, problem) -> LedgerTask:
    """The ledger task of a supervision problem (its village, star, rule, deadline, responsible person); the same
    task when called again."""
    from fivestar.supervision.models import Problem
    from fivestar.supervision.models.problem import ProblemStatus

    village = problem.org_unit
    if not can_manage(user, village):
        raise PlanningError(f"您无权管理「{village.display_name}」的创建台账。")
    with transaction.atomic():
        locked = Problem.objects.select_for_update(of=("self",)).select_related("org_unit", "responsible").get(pk=problem.pk)
        existing = LedgerTask.objects.filter(problem=locked, source=TaskSource.PROBLEM).first()
        if existing is not None:
            return existing
        today = timezone.localdate()
        done = locked.status == ProblemStatus.CLOSED
        status = S.DONE if done else S.TODO
        title = text(f"督导问题整改：{locked.description}", "任务内容", multiline=False, limit=10_000)[:MAX_TITLE]
        task = LedgerTask(org_unit=village, year=locked.found_on.year, star_code=locked.star_code, rule_code=locked.rule_code,
                          title=title, description=locked.description, responsible=locked.responsible or suggested_owner(village),
                          deadline=locked.deadline, status=status, overdue=is_overdue(status, locked.deadline, today),
                          completed_on=timezone.localdate(locked.closed_at) if done and locked.closed_at else None,
                          source=TaskSource.PROBLEM, problem=locked, source_ref=str(locked.pk), created_by=user)
        task.save()
        event(task, user, TaskEvent.Action.CREATE, "", status, title[:200], {"problem": locked.pk, "deadline": locked.deadline.isoformat()})
        if task.overdue:
            overdue_event(task)
        stats.apply(stats.task_keys(task), stats.contribution(task.status, task.overdue))
        notify_new([task], user)
    return task
