"""截止处理 over the API, through the same services as the round and reviewer pages
(`services/deadlines.py`):

- GET  /rounds/{id}/deadlines: the round's deadlines, its outcome for closed branches, how many are closed
  (未按期完成) and how many are overdue in the token user's charge;
- POST /rounds/{id}/close-overdue: close the overdue branches in the user's charge (town/county administrators,
  after the self-assessment deadline); idempotent, a rerun closes nothing more;
- POST /rounds/{id}/close-early: 提前截止处理 of chosen branches still with the village (county authority, reason);
- POST /assessments/{id}/restore: reverse one closure (county authority, reason required, optional new deadline).

A round or assessment outside the user's scope is 404; missing authority is 403; a step the workflow does not
allow now is 400 with the Chinese reason; a missing or wrong reason or date is 422 naming the field.
"""

import datetime

from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from . import selectors_review as selectors
from .api_common import MAX_ID, ErrorOut, FilledText, ValidationErrorOut, check_id, invalid, refused, visible_assessment
from .models import Assessment, Status as AssessmentStatus
from .services import WorkflowError
from .services.access import can_act
from .services.deadlines import MAX_EXTENSION_DAYS, MIN_REASON, close_early, close_overdue, overdue, restore_expired

router = Router(tags=["评星截止处理"])


class DeadlinesOut(Schema):
    round_id: int = Field(..., description="评星周期编号")
    phase: str = Field(..., description="阶段代码")
    phase_name: str = Field(..., description="阶段名称")
    self_deadline: datetime.date = Field(..., description="村级自评截止")
    town_deadline: datetime.date = Field(..., description="镇级初审截止")
    county_deadline: datetime.date = Field(..., description="县级审核截止")
    extra_deadline: datetime.date | None = Field(None, description="增设层级截止")
    expired_outcome: str = Field(..., description="未按期完成的认定结果：keep 保留上次认定的星 | none 不授星")
    expired_outcome_name: str = Field(..., description="未按期完成的认定结果（名称）")
    closed: int = Field(..., description="您可见范围内已按“未按期完成”处理的申报数")
    overdue: int = Field(..., description="您负责的范围内逾期未完成、可截止处理的申报数")


class CloseOut(Schema):
    closed: int = Field(..., description="本次截止处理的申报数（重复调用不会重复处理）")


class CloseEarlyIn(Schema):
    assessments: list[int] = Field(..., min_length=1, max_length=1000, description="要提前截止处理的申报编号（仍在村级的：未开始、填报中、已退回）")
    reason: FilledText = Field(..., min_length=MIN_REASON, max_length=500, description=f"提前截止处理的理由（必填，至少 {MIN_REASON} 个字）")


class RestoreIn(Schema):
    reason: FilledText = Field(..., max_length=500, description="撤销截止处理的理由（必填）")
    until: datetime.date | None = Field(None, description=f"本申报新的截止日期（默认 7 天后，最多 {MAX_EXTENSION_DAYS} 天后）")


class RestoredOut(Schema):
    id: int = Field(..., description="申报编号")
    org_unit: str = Field(..., description="村（社区）代码")
    org_unit_name: str = Field(..., description="村（社区）名称")
    status: str = Field(..., description="撤销后的申报状态代码（回到截止处理前的状态）")
    status_name: str = Field(..., description="申报状态名称")
    deadline: datetime.date | None = Field(None, description="本申报新的截止日期")
    version: int = Field(..., description="申报版本号")


def _round(user, round_id: int):
    return selectors.get_round(user, check_id(round_id))


def _refusal(exc: WorkflowError):
    """No authority is 403; a missing or wrong reason or date names its field (422); the rest is 400."""
    if "无权" in exc.message or exc.message.startswith("只有"):
        return Status(403, {"detail": exc.message})
    for word, field in (("理由", "reason"), ("截止日期", "until"), ("勾选", "assessments")):
        if word in exc.message and "之后方可" not in exc.message:
            return invalid([{"field": field, "message": exc.message, "type": "value_error"}], "截止处理的内容有误。")
    return refused(exc)


ACTION_RESPONSES = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


@router.get("/rounds/{int:round_id}/deadlines", response={200: DeadlinesOut, 404: ErrorOut}, summary="截止处理情况",
            description="评星周期各阶段的截止日期、未按期完成的认定结果，您可见范围内已截止处理的申报数，以及您负责的范围内逾期未完成、"
                        "可截止处理的申报数。")
def deadlines(request, round_id: int):
    rnd = _round(request.user, round_id)
    closed = Assessment.objects.filter(round=rnd, status=AssessmentStatus.EXPIRED).visible_to(request.user).count()
    return {
        "round_id": rnd.pk, "phase": rnd.phase, "phase_name": rnd.get_phase_display(), "self_deadline": rnd.self_deadline,
        "town_deadline": rnd.town_deadline, "county_deadline": rnd.county_deadline, "extra_deadline": rnd.extra_deadline,
        "expired_outcome": rnd.expired_outcome, "expired_outcome_name": rnd.get_expired_outcome_display(), "closed": closed,
        "overdue": len(overdue(rnd, timezone.localdate(), request.user)),
    }


@router.post("/rounds/{int:round_id}/close-overdue", response={200: CloseOut, **ACTION_RESPONSES},
             summary="截止处理：逾期未完成的申报按“未按期完成”处理",
             description="村级自评截止之后，把您负责的范围内逾期未完成的申报按“未按期完成”处理（乡镇、县级管理员），认定时按周期设定的结果处理，"
                         "县级可撤销。重复调用不会重复处理；截止之前调用返回 400。")
def close(request, round_id: int):
    rnd = _round(request.user, round_id)
    try:
        count = close_overdue(rnd, request.user)
    except WorkflowError as exc:
        return _refusal(exc)
    return Status(200, {"closed": count})


@router.post("/rounds/{int:round_id}/close-early", response={200: CloseOut, **ACTION_RESPONSES},
             summary="提前截止处理（县级审核权限，须填理由）",
             description="截止日期之前，把仍在村级（未开始、填报中、已退回）的申报按“未按期完成”处理，例如村里明确本期不参加；"
                         "理由记入记录并通知该村，县级可撤销。不符合条件的申报跳过，返回实际处理的数目。")
def close_early_api(request, round_id: int, payload: CloseEarlyIn):
    rnd = _round(request.user, round_id)
    try:
        count = close_early(rnd, request.user, [i for i in payload.assessments if 1 <= i <= MAX_ID], payload.reason)
    except WorkflowError as exc:
        return _refusal(exc)
    return Status(200, {"closed": count})


@router.post("/assessments/{int:assessment_id}/restore", response={200: RestoredOut, **ACTION_RESPONSES},
             summary="撤销截止处理（县级审核权限，须填理由）",
             description="把按“未按期完成”处理的申报退回截止处理前的状态，并给它新的截止日期（默认 7 天后）；公示中的周期回到“自评与审核”阶段。")
def restore(request, assessment_id: int, payload: RestoreIn):
    a = visible_assessment(request.user, assessment_id)
    if not can_act(request.user, a, "county"):
        return Status(403, {"detail": "只有县级审核人员才能撤销截止处理。"})
    try:
        a = restore_expired(a, request.user, payload.reason, payload.until)
    except WorkflowError as exc:
        return _refusal(exc)
    return Status(200, {"id": a.pk, "org_unit": a.org_unit.code, "org_unit_name": a.org_unit.display_name, "status": a.status,
                        "status_name": a.get_status_display(), "deadline": a.deadline_override, "version": a.version})
