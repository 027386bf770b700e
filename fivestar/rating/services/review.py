"""Submitting, returning, approving and reopening: level by level, locked once approved.

Authority: every review action is checked against the level whose decision it undoes, not only the level
the user acts at. Returning or approving at a level is possible only while the assessment waits at that
level (it undoes nothing above it); a change cannot touch a rule a higher level has decided
(`answers._check_higher_levels`); reopening undoes the approval the assessment holds, so it needs the
authority of the level that approved it.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fivestar.inbox.models import Notification
from fivestar.inbox.services import notify

from ..models import Assessment, AssessmentEvent, Status
from ..models.assessment import APPROVED_BY_LEVEL, VILLAGE_EDITABLE
from ..models.round import LEVEL_LABELS
from ..stats import refresh_town_stats
from .access import can_act
from . import notifications
from .answers import REVIEWABLE_AT
from .errors import WorkflowError
from .evaluation import indicators_for
from .recipients import village_users
from .snapshot import take_snapshot


@dataclass(frozen=True)
class MissingItem:
    """One thing that blocks submission: the star and rule it belongs to (empty for the page as a whole),
    the rule's text and why, in Chinese. `str()` is the plain-text form the API returns."""

    star: str
    star_name: str
    rule: str
    rule_text: str
    reason: str

    def __str__(self):
        if not self.rule:
            return self.reason
        return f"{self.star_name} · {self.rule_text}（{self.rule}）：{self.reason}"


UNFILLED = "尚未填报"
UNCONFIRMED = "沿用上期结果，尚未确认"


class IncompleteError(WorkflowError):
    """Submission refused: `details` in plain text (API), `items` structured (pages group them by star)."""

    def __init__(self, message: str, items: list[MissingItem]):
        super().__init__(message, [str(i) for i in items])
        self.items = items


def missing_for_submission(assessment: Assessment, applied_stars: list[str], indicators: dict | None = None) -> list[MissingItem]:
    """Everything that blocks submission: unanswered rules, unconfirmed carry-overs, missing evidence.

    `indicators`: the assessment's indicator values when the caller has them already (a list of assessments
    reads them in bulk, `indicators.registry.values_for_many`); read here (one query) otherwise."""
    framework = assessment.framework.compiled()
    values = assessment.effective_answers(assessment.round.levels)
    indicators = indicators_for(assessment) if indicators is None else indicators
    missing = []
    if not applied_stars:
        missing.append(MissingItem("", "", "", "", "请选择申报的星（申报星级）。"))
    unknown = [s for s in applied_stars if s not in framework.stars_by_code]
    if unknown:
        missing.append(MissingItem("", "", "", "", f"未知的星：{'、'.join(unknown)}"))
    for star in framework.stars:
        if star.code not in applied_stars:
            continue
        for rule in star.rules:
            if rule.code in assessment.not_applicable:
                continue

            def item(reason, rule=rule, star=star):
                return MissingItem(star.code, star.name, rule.code, rule.text, reason)

            has_value = values.get(rule.code) is not None or (rule.indicator and rule.indicator in indicators)
            if not has_value:
                missing.append(item(UNFILLED))
                continue
            if rule.code in assessment.to_confirm:
                missing.append(item(UNCONFIRMED))
            if rule.evidence and rule.evidence.min_count and rule.points_for(values.get(rule.code)) > 0:
                have = len(assessment.evidence.get(rule.code, []))
                if have < rule.evidence.min_count:
                    missing.append(item(f"缺少佐证材料（需 {rule.evidence.min_count} 份，已有 {have} 份：{rule.evidence.hint}）"))
    return missing


def _locked_for_update(assessment):
    return Assessment.objects.select_for_update().select_related("round", "org_unit", "framework").get(pk=assessment.pk)


def _finish(current, user, event: AssessmentEvent, fields):
    current.version += 1
    current.updated_by = user
    current.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
    event.save()
    refresh_town_stats(current.round_id, current.org_unit.parent_id)
    return current


def submit(assessment: Assessment, user, applied_stars: list[str]) -> Assessment:
    if not can_act(user, assessment, "village"):
        raise WorkflowError("您无权提交该申报。")
    with transaction.atomic():
        current = _locked_for_update(assessment)
        if current.round.phase != current.round.Phase.OPEN or current.status not in VILLAGE_EDITABLE:
            raise WorkflowError(f"申报当前状态为「{current.get_status_display()}」，不能提交。")
        missing = missing_for_submission(current, applied_stars)
        if missing:
            raise IncompleteError("还有以下内容未完成，暂不能提交：", missing)
        current.applied_stars = list(applied_stars)
        current.status = Status.SUBMITTED
        current.submitted_at = timezone.now()
        event = AssessmentEvent(assessment=current, user=user, level="village", action=AssessmentEvent.Action.SUBMIT, new={"申报": applied_stars})
        return _finish(current, user, event, ["applied_stars", "status", "submitted_at"])


def return_for_changes(assessment: Assessment, user, level: str, comment: str, rule_comments: dict | None = None) -> Assessment:
    """退回修改: the village sees exactly what to fix (a general comment plus per-rule comments)."""
    if not can_act(user, assessment, level):
        raise WorkflowError("您无权退回该申报。")
    if not comment.strip() and not rule_comments:
        raise WorkflowError("退回修改须填写意见。")
    with transaction.atomic():
        current = _locked_for_update(assessment)
        if level not in current.round.levels:
            raise WorkflowError("本评星周期未设置该审核层级。")
        if current.status not in REVIEWABLE_AT[level]:
            raise WorkflowError(f"申报当前状态为「{current.get_status_display()}」，不在本级审核环节。")
        current.status = Status.RETURNED
        current.return_comments = [{"level": level, "by": user.username, "at": timezone.now().isoformat(), "comment": comment, "rules": rule_comments or {}}]
        event = AssessmentEvent(assessment=current, user=user, level=level, action=AssessmentEvent.Action.RETURN, reason=comment[:500], new=rule_comments or None)
        _finish(current, user, event, ["status", "return_comments"])
    notify(village_users(current.org_unit), Notification.Kind.RETURNED, f"{current.round.name}：申报被退回修改",
           comment, f"/rating/assessments/{current.pk}/", current.org_unit)
    return current


def approve(assessment: Assessment, user, level: str) -> Assessment:
    if not can_act(user, assessment, level):
        raise WorkflowError("您无权审核该申报。")
    with transaction.atomic():
        current = _locked_for_update(assessment)
        if current.status not in REVIEWABLE_AT[level]:
            raise WorkflowError(f"申报当前状态为「{current.get_status_display()}」，不在本级审核环节。")
        if level not in current.round.levels:
            raise WorkflowError("本评星周期未设置该审核层级。")
        current.status = APPROVED_BY_LEVEL[level]
        current.return_comments = []
        current.approved_snapshot = take_snapshot(current, user, level)
        current.modified_since_approval = False
        event = AssessmentEvent(assessment=current, user=user, level=level, action=AssessmentEvent.Action.APPROVE, new={"星级": current.rating, "星": current.awarded})
        _finish(current, user, event, ["status", "return_comments", "approved_snapshot", "modified_since_approval"])
    notifications.approved(current, level)
    return current


def reopen(assessment: Assessment, user, level: str, reason: str) -> Assessment:
    """Unlock an approved assessment back into `level`'s review, with a reason. The snapshot is kept."""
    if not reason.strip():
        raise WorkflowError("重新打开须填写理由。")
    if level not in REVIEWABLE_AT:
        raise WorkflowError("审核层级无效。")
    if not can_act(user, assessment, level):
        raise WorkflowError("您无权重新打开该申报。")
    back_to = {"town": Status.SUBMITTED, "county": Status.TOWN_APPROVED, "city": Status.COUNTY_APPROVED, "province": Status.CITY_APPROVED}[level]
    with transaction.atomic():
        current = _locked_for_update(assessment)
        if current.round.phase != current.round.Phase.OPEN:
            raise WorkflowError("本评星周期当前不在审核阶段，不能重新打开。")
        order = [Status.SUBMITTED, Status.TOWN_APPROVED, Status.COUNTY_APPROVED, Status.CITY_APPROVED, Status.PROVINCE_APPROVED]
        if level not in current.round.levels:
            raise WorkflowError("本评星周期未设置该审核层级。")
        if current.status not in order or order.index(current.status) <= order.index(back_to):
            raise WorkflowError(f"申报当前状态为「{current.get_status_display()}」，无需重新打开。")
        approved_by = next(lvl for lvl, status in APPROVED_BY_LEVEL.items() if status == current.status)
        if not can_act(user, current, approved_by):
            raise WorkflowError(f"该申报已经{LEVEL_LABELS[approved_by]}通过，只有{LEVEL_LABELS[approved_by]}才能重新打开。")
        old = current.status
        current.status = back_to
        event = AssessmentEvent(assessment=current, user=user, level=level, action=AssessmentEvent.Action.REOPEN, old={"状态": old}, new={"状态": back_to}, reason=reason[:500])
        return _finish(current, user, event, ["status"])
