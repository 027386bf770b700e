"""Saving answers: validated by the engine, attributed per rule, conflict-checked, O(1) in the round."""

from django.db import transaction
from django.utils import timezone

from fivestar.standards.engine import validate_inputs

from ..models import Assessment, AssessmentEvent, Status
from ..models.assessment import VILLAGE_EDITABLE
from ..stats import refresh_town_stats
from .access import can_act
from .errors import ConflictError, WorkflowError
from .evaluation import evaluate_assessment, indicators_for
from .snapshot import refresh_modified_flag

REVIEWABLE_AT = {"town": {Status.SUBMITTED}, "county": {Status.TOWN_APPROVED}, "city": {Status.COUNTY_APPROVED}, "province": {Status.CITY_APPROVED}}


def _check_editable(assessment: Assessment, level: str):
    if assessment.round.phase != assessment.round.Phase.OPEN:
        raise WorkflowError("本评星周期当前不在填报审核阶段，不能修改。")
    if level == "village" and assessment.status not in VILLAGE_EDITABLE:
        raise WorkflowError(f"申报当前状态为「{assessment.get_status_display()}」，已锁定，村级不能修改。")
    if level != "village" and assessment.status not in REVIEWABLE_AT[level]:
        raise WorkflowError(f"申报当前状态为「{assessment.get_status_display()}」，不在本级审核环节，不能修改。")


def _conflict_changes(current: Assessment, expected_version: int) -> list[dict]:
    events = current.events.filter(action__in=[AssessmentEvent.Action.ANSWER, AssessmentEvent.Action.REVIEW_CHANGE]).select_related("user").order_by("-id")[:50]
    return [{"rule": e.rule_code, "old": e.old, "new": e.new, "by": e.user.username if e.user else "系统", "at": timezone.localtime(e.at).strftime("%H:%M:%S")} for e in events][::-1]


def save_answers(assessment: Assessment, user, level: str, *, values: dict | None = None, notes: dict | None = None,
                 not_applicable: dict | None = None, cleared_na: list | None = None, reason: str = "", expected_version: int | None = None) -> Assessment:
    """Record values at `level` ("village" for self-assessment, or a review level with a reason).

    `values` maps rule code → value (None clears it); `not_applicable` maps rule code → reason.
    """
    values, notes, not_applicable, cleared_na = values or {}, notes or {}, not_applicable or {}, cleared_na or []
    if not can_act(user, assessment, level):
        raise WorkflowError("您无权在此环节修改该申报。")
    framework = assessment.framework.compiled()
    with transaction.atomic():
        current = Assessment.objects.select_for_update().select_related("round", "org_unit", "framework").get(pk=assessment.pk)
        if expected_version is not None and current.version != expected_version:
            raise ConflictError(_conflict_changes(current, expected_version), current.version)
        _check_editable(current, level)
        non_null = {c: v for c, v in values.items() if v is not None}
        errors = validate_inputs(framework, non_null, not_applicable=list(not_applicable), indicators=None)
        missing_reason = [c for c, r in not_applicable.items() if not str(r or "").strip()]
        if errors or missing_reason:
            details = [f"{e.field}：{e.message}" for e in errors] + [f"not_applicable.{c}：标记不适用须填写理由" for c in missing_reason]
            raise WorkflowError("填报内容有误，请修改后重新保存。", details)
        if level != "village" and (values or not_applicable) and not reason.strip():
            raise WorkflowError("审核改动须填写理由。")
        events = _apply(current, user, level, values, notes, not_applicable, cleared_na, reason)
        if not events:
            return current
        if level == "village" and current.status == Status.NOT_STARTED:
            current.status = Status.IN_PROGRESS
        evaluate_assessment(current, indicators_for(current), framework=framework)
        refresh_modified_flag(current)
        current.version += 1
        current.updated_by = user
        current.save()
        AssessmentEvent.objects.bulk_create(events)
        refresh_town_stats(current.round_id, current.org_unit.parent_id)
    return current


def _apply(a: Assessment, user, level, values, notes, not_applicable, cleared_na, reason) -> list[AssessmentEvent]:
    action = AssessmentEvent.Action.ANSWER if level == "village" else AssessmentEvent.Action.REVIEW_CHANGE
    target = a.answers if level == "village" else a.reviews.setdefault(level, {})
    counted = a.effective_answers(a.round.levels)
    events = []
    for code, value in values.items():
        old = counted.get(code)
        if level == "village":
            if target.get(code) == value and code not in a.to_confirm:
                continue
            if value is None:
                target.pop(code, None)
            else:
                target[code] = value
        else:
            if old == value:
                continue
            target[code] = value
        if code in a.to_confirm:
            a.to_confirm.remove(code)
        events.append(AssessmentEvent(assessment=a, user=user, level=level, action=action, rule_code=code, old=old, new=value, reason=reason[:500]))
    for code, note in notes.items():
        if (a.notes.get(code) or "") != (note or ""):
            a.notes[code] = note
    for code, why in not_applicable.items():
        if a.not_applicable.get(code) != why:
            events.append(AssessmentEvent(assessment=a, user=user, level=level, action=action, rule_code=code, old=a.not_applicable.get(code), new={"不适用": why}, reason=reason[:500] or why))
            a.not_applicable[code] = why
            if code in a.to_confirm:
                a.to_confirm.remove(code)
    for code in cleared_na:
        if code in a.not_applicable:
            events.append(AssessmentEvent(assessment=a, user=user, level=level, action=action, rule_code=code, old={"不适用": a.not_applicable.pop(code)}, new=None, reason=reason[:500]))
    return events


def confirm_carried(assessment: Assessment, user, codes: list[str]) -> Assessment:
    """The village confirms carried-forward answers unchanged (确认沿用)."""
    if not can_act(user, assessment, "village"):
        raise WorkflowError("您无权确认该申报。")
    with transaction.atomic():
        current = Assessment.objects.select_for_update().select_related("round", "org_unit").get(pk=assessment.pk)
        _check_editable(current, "village")
        confirmed = [c for c in codes if c in current.to_confirm]
        if not confirmed:
            return current
        current.to_confirm = [c for c in current.to_confirm if c not in confirmed]
        evaluate_assessment(current, indicators_for(current))  # confirmed rules now count as done
        current.version += 1
        current.updated_by = user
        current.save(update_fields=["to_confirm", "progress_done", "progress_total", "version", "updated_by", "updated_at"])
        AssessmentEvent.objects.bulk_create([AssessmentEvent(assessment=current, user=user, level="village", action=AssessmentEvent.Action.CONFIRM, rule_code=c) for c in confirmed])
    return current
