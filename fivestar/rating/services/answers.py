"""Saving answers: validated by the engine, attributed per rule, conflict-checked, O(1) in the round."""

from django.db import transaction
from django.utils import timezone

from fivestar.standards.engine import validate_inputs

from ..models import Assessment, AssessmentEvent, Status
from ..models.assessment import VILLAGE_EDITABLE
from ..models.round import LEVEL_LABELS
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


def _conflict_changes(current: Assessment, codes) -> list[dict]:
    """The recorded changes of the rules in conflict (latest 20, oldest first), for the user to check."""
    events = (current.events.filter(action__in=[AssessmentEvent.Action.ANSWER, AssessmentEvent.Action.REVIEW_CHANGE], rule_code__in=list(codes))
              .select_related("user").order_by("-id")[:20])
    return [{"rule": e.rule_code, "old": e.old, "new": e.new, "by": e.user.username if e.user else "系统", "at": timezone.localtime(e.at).strftime("%H:%M:%S")} for e in events][::-1]


def _sent_codes(values, notes, not_applicable, cleared_na) -> set[str]:
    return {*values, *notes, *not_applicable, *cleared_na}


def current_value(a: Assessment, code: str):
    """What a rule holds now, as a versionless change names it in `expected_values`: the value that counts, or
    {"不适用": reason} when the rule is marked not applicable."""
    if code in a.not_applicable:
        return {"不适用": a.not_applicable[code]}
    return a.effective_answers(a.round.levels).get(code)


def _check_conflicts(current: Assessment, level: str, codes: set[str], expected_version, expected_values) -> None:
    """Per-rule optimistic check; see `save_answers`."""
    stale = set()
    if expected_version is not None:
        stale = {c for c in codes if current.rule_versions.get(c, 0) > expected_version}
    elif level != "village":
        reviewed = {c for lvl in current.round.levels for c in current.reviews.get(lvl, {})}
        unnamed = sorted(c for c in codes if c in reviewed and c not in expected_values)
        if unnamed:
            raise ConflictError(_conflict_changes(current, unnamed), current.version,
                                message=f"细则 {'、'.join(unnamed[:5])} 已有审核改动：未带版本号的改动须写明预期被替换的原值（expected_values），以免覆盖他人的改动。")
    stale |= {c for c, v in expected_values.items() if c in codes and current_value(current, c) != v}
    if stale:
        raise ConflictError(_conflict_changes(current, stale), current.version)


def _check_higher_levels(current: Assessment, level: str, codes) -> None:
    """A review level cannot change a rule a higher level has already decided: its value would not count, and
    undoing that decision needs the higher level's authority (it reopens or changes it itself)."""
    if level == "village" or level not in current.round.levels:
        return
    higher = current.round.levels[current.round.levels.index(level) + 1:]
    for lvl in higher:
        decided = sorted(c for c in codes if c in current.reviews.get(lvl, {}))
        if decided:
            raise WorkflowError(f"细则 {'、'.join(decided[:5])} 已由{LEVEL_LABELS[lvl]}改定，本级不能再修改；如需调整，请由{LEVEL_LABELS[lvl]}办理。")


def save_answers(assessment: Assessment, user, level: str, *, values: dict | None = None, notes: dict | None = None,
                 not_applicable: dict | None = None, cleared_na: list | None = None, reason: str = "", expected_version: int | None = None,
                 expected_values: dict | None = None) -> Assessment:
    """Record values at `level` ("village" for self-assessment, or a review level with a reason).

    `values` maps rule code → value (None clears it); `not_applicable` maps rule code → reason.

    Conflicts are per rule, never per assessment: every save stamps the rules it changed (value, note, 不适用)
    with the new `version` in `rule_versions`.
    - With `expected_version` (the version the client loaded), the save is refused (`ConflictError`) only if
      one of the rules it sends was changed after that version; other rules saved meanwhile do not matter.
    - A review change without `expected_version` (API, scripts) never silently overwrites: every rule it
      sends that already carries a review change (at any level) must be named in `expected_values`
      (rule code → the value it expects to replace, as `current_value` gives it), otherwise it is refused.
      Rules no reviewer has changed yet replace the village's submitted value, which is what review is for.
    - `expected_values`, when given, is always compared with what the rule holds now; a mismatch conflicts.

    The engine runs once per save that changes anything; the assessment returned carries that evaluation and
    the indicators it read (`evaluation`, `indicator_values`), so the caller never scores it again.
    """
    values, notes, not_applicable, cleared_na = values or {}, notes or {}, not_applicable or {}, cleared_na or []
    if not can_act(user, assessment, level):
        raise WorkflowError("您无权在此环节修改该申报。")
    framework = assessment.framework.compiled()
    with transaction.atomic():
        current = (Assessment.objects.select_for_update().select_related("round", "org_unit", "framework")
                   .defer("framework__data").get(pk=assessment.pk))  # compiled above: its JSON is not read again
        _check_editable(current, level)
        codes = _sent_codes(values, notes, not_applicable, cleared_na)
        _check_higher_levels(current, level, _sent_codes(values, {}, not_applicable, cleared_na))
        _check_conflicts(current, level, codes, expected_version, expected_values or {})
        non_null = {c: v for c, v in values.items() if v is not None}
        errors = validate_inputs(framework, non_null, not_applicable=list(not_applicable), indicators=None)
        missing_reason = [c for c, r in not_applicable.items() if not str(r or "").strip()]
        if errors or missing_reason:
            details = [f"{e.field}：{e.message}" for e in errors] + [f"not_applicable.{c}：标记不适用须填写理由" for c in missing_reason]
            raise WorkflowError("填报内容有误，请修改后重新保存。", details)
        if level != "village" and (values or not_applicable) and not reason.strip():
            raise WorkflowError("审核改动须填写理由。")
        events, changed = _apply(current, user, level, values, notes, not_applicable, cleared_na, reason)
        if not changed:
            return current
        if level == "village" and current.status == Status.NOT_STARTED:
            current.status = Status.IN_PROGRESS
        indicators = indicators_for(current)
        evaluation = evaluate_assessment(current, indicators, framework=framework)
        refresh_modified_flag(current)
        current.version += 1
        current.rule_versions = {**current.rule_versions, **{c: current.version for c in changed}}
        current.updated_by = user
        current.save()
        AssessmentEvent.objects.bulk_create(events)
        refresh_town_stats(current.round_id, current.org_unit.parent_id)
    current.evaluation, current.indicator_values = evaluation, indicators  # for the caller's answer (not saved)
    return current


def _apply(a: Assessment, user, level, values, notes, not_applicable, cleared_na, reason) -> tuple[list[AssessmentEvent], set[str]]:
    """Apply the changes to `a`; the events to record and the codes of every rule changed (notes included)."""
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
    changed = {e.rule_code for e in events}
    for code, note in notes.items():
        if (a.notes.get(code) or "") != (note or ""):
            a.notes[code] = note
            changed.add(code)
    for code, why in not_applicable.items():
        if a.not_applicable.get(code) != why:
            events.append(AssessmentEvent(assessment=a, user=user, level=level, action=action, rule_code=code, old=a.not_applicable.get(code), new={"不适用": why}, reason=reason[:500] or why))
            a.not_applicable[code] = why
            if code in a.to_confirm:
                a.to_confirm.remove(code)
    for code in cleared_na:
        if code in a.not_applicable:
            events.append(AssessmentEvent(assessment=a, user=user, level=level, action=action, rule_code=code, old={"不适用": a.not_applicable.pop(code)}, new=None, reason=reason[:500]))
    return events, changed | {e.rule_code for e in events}


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
        indicators = indicators_for(current)
        evaluation = evaluate_assessment(current, indicators)  # confirmed rules now count as done
        current.version += 1
        current.updated_by = user
        current.save(update_fields=["to_confirm", "progress_done", "progress_total", "version", "updated_by", "updated_at"])
        AssessmentEvent.objects.bulk_create([AssessmentEvent(assessment=current, user=user, level="village", action=AssessmentEvent.Action.CONFIRM, rule_code=c) for c in confirmed])
    current.evaluation, current.indicator_values = evaluation, indicators  # as save_answers
    return current
