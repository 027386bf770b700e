"""Monthly commitments and results (月初晒承诺、月底亮业绩): a village cadre posts what they promise for a month,
then the result with evidence; the town comments and grades it on its own scale.

Period rules (Asia/Shanghai months):
- a commitment is posted for the current month or the next one (never for a past month);
- a result is posted for a commitment of the current or the previous month, and no longer once graded;
- a grade is given once the result is posted or the month is over, on the town's scale.
Every write is attributed and kept in the audit log (AuditEvent, model planning.commitment)."""

import datetime

from django.db import transaction
from django.utils import timezone

from fivestar.core.models import AuditEvent
from fivestar.orgs.models import Level
from fivestar.people.models import Duty, Responsibility

from ..models import Commitment, LedgerTask
from .access import can_commit, can_manage
from .errors import PlanningError
from .ledger import check_evidence, text
from .settings import grade_scale, planning_settings_for
from .stars import StarCatalog

MAX_CONTENT, MAX_RESULT, MAX_COMMENT = 1000, 2000, 500


def month_start(value) -> datetime.date:
    """A date (any day) or "YYYY-MM" → the first day of its month."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip()[:7] + "-01")
        except ValueError:
            raise PlanningError("月份格式应为 YYYY-MM。") from None
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if not isinstance(value, datetime.date):
        raise PlanningError("请选择月份。")
    return value.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


def month_label(month: datetime.date) -> str:
    return f"{month.year}年{month.month}月"


def _audit(user, commitment, action, changes, summary) -> None:
    AuditEvent.objects.create(user=user if getattr(user, "pk", None) else None, action=action, model="planning.commitment",
                              model_label="月度承诺", object_id=str(commitment.pk),
                              object_repr=f"{commitment.person.name} {month_label(commitment.month)}承诺"[:200],
                              org_unit_id=commitment.org_unit_id, changes=changes, summary=summary[:300])


def _check_person(village, person):
    if person is None:
        raise PlanningError("请选择承诺人。")
    if not person.active:
        raise PlanningError(f"「{person.name}」已不在职，不能作为承诺人。")
    own = person.org_unit_id == village.pk or (person.org_unit.path.startswith(village.path))
    if not own and not Responsibility.objects.filter(duty=Duty.VILLAGE, org_unit=village, person=person).exists():
        raise PlanningError(f"「{person.name}」不是「{village.display_name}」的村干部或包村干部。")
    return person


def post_commitment(user, village, month, person, content, star_code="", task=None) -> Commitment:
    """A commitment for this month or the next, by a village cadre or 包村干部 (Action.COMMIT over the village)."""
    if village is None or village.level != Level.VILLAGE:
        raise PlanningError("月度承诺只能按村（社区）填报。")
    if not can_commit(user, village):
        raise PlanningError(f"您无权为「{village.display_name}」晒承诺。")
    month = month_start(month)
    current = timezone.localdate().replace(day=1)
    if month < current:
        raise PlanningError(f"{month_label(month)}已过，不能再晒承诺；请填写本月（{month_label(current)}）的承诺。")
    if month > add_months(current, 1):
        raise PlanningError(f"只能填写本月或下月的承诺，不能提前填写{month_label(month)}的承诺。")
    person = _check_person(village, person)
    content = text(content, "承诺事项", limit=MAX_CONTENT)
    star_code = (star_code or "").strip()
    if star_code and star_code not in StarCatalog(village).stars(village.branch_type):
        raise PlanningError(f"「{star_code[:10]}」不是该村适用标准中的星。")
    if task is not None:
        if not isinstance(task, LedgerTask) or task.org_unit_id != village.pk:
            raise PlanningError("所选台账任务不属于本村。")
        star_code = star_code or task.star_code
    with transaction.atomic():
        commitment = Commitment.objects.create(org_unit=village, month=month, person=person, content=content,
                                               star_code=star_code, task=task, created_by=user)
        _audit(user, commitment, AuditEvent.Action.CREATE,
               [{"field": "content", "label": "承诺事项", "old": "", "new": content[:80]}], f"晒承诺：{content[:100]}")
    return commitment


def post_result(commitment, user, result, evidence=()) -> Commitment:
    """The result of a commitment of the current or the previous month, with evidence; again to correct it until
    the town has graded it."""
    village = commitment.org_unit
    if not can_commit(user, village):
        raise PlanningError(f"您无权为「{village.display_name}」亮业绩。")
    result = text(result, "完成情况", limit=MAX_RESULT)
    current = timezone.localdate().replace(day=1)
    with transaction.atomic():
        locked = Commitment.objects.select_for_update(of=("self",)).select_related("org_unit", "person").get(pk=commitment.pk)
        if locked.month > current:
            raise PlanningError(f"{month_label(locked.month)}尚未开始，不能填写完成情况。")
        if locked.month < add_months(current, -1):
            raise PlanningError(f"{month_label(locked.month)}的承诺已过填报期（只能填写本月或上月的完成情况）。")
        if locked.grade:
            raise PlanningError("镇级已点评该承诺，不能再修改完成情况。")
        evidence = check_evidence(village, evidence)
        old = locked.result
        locked.result, locked.result_at = result, timezone.now()
        locked.save(update_fields=["result", "result_at", "updated_at"])
        if evidence:
            locked.result_evidence.add(*evidence)
        _audit(user, locked, AuditEvent.Action.UPDATE,
               [{"field": "result", "label": "完成情况", "old": old[:80], "new": result[:80]}]
               + ([{"field": "result_evidence", "label": "业绩佐证", "old": "", "new": "、".join(e.original_name for e in evidence)[:80]}]
                  if evidence else []), f"亮业绩：{result[:100]}")
    return locked


def grade_commitment(commitment, user, grade, comment="") -> Commitment:
    """The town's grade (its scale) and comment, once the result is posted or the month is over."""
    village = commitment.org_unit
    if not can_manage(user, village):
        raise PlanningError(f"您无权点评「{village.display_name}」的承诺。")
    scale = grade_scale(planning_settings_for(village))
    grade = (grade or "").strip()
    if grade not in scale:
        raise PlanningError(f"评价等次应为 {'、'.join(scale)} 之一。")
    comment = text(comment, "点评", required=False, limit=MAX_COMMENT)
    today = timezone.localdate()
    with transaction.atomic():
        locked = Commitment.objects.select_for_update(of=("self",)).select_related("org_unit", "person").get(pk=commitment.pk)
        if not locked.result and today <= month_end(locked.month):
            raise PlanningError("该承诺尚未亮业绩，月底前不能点评。")
        changes = [{"field": "grade", "label": "评价等次", "old": locked.grade, "new": grade}]
        if comment != locked.town_comment:
            changes.append({"field": "town_comment", "label": "镇级点评", "old": locked.town_comment[:80], "new": comment[:80]})
        locked.grade, locked.town_comment, locked.graded_by, locked.graded_at = grade, comment, user, timezone.now()
        locked.save(update_fields=["grade", "town_comment", "graded_by", "graded_at", "updated_at"])
        _audit(user, locked, AuditEvent.Action.UPDATE, changes, f"点评承诺：{grade}")
    return locked
