"""Reviewing one assessment over the API, through the same services as the review page: change values
(改值), return (退回修改), approve (通过) and reopen (重新打开).

An assessment outside the token user's scope is 404; a level the user cannot act at is 403; a step the
workflow does not allow now is 400 with the Chinese reason; a save conflict is 409 with the recorded
changes of the rules in conflict. A change sent without `expected_version` must name, for every rule a
reviewer has already changed, the value it expects to replace (`expected_values`), so a script never
silently overwrites someone else's change (see `services.answers.save_answers`); values are checked first
(unknown rule, wrong type, implausible number) and refused with 422 naming the field, as are a level the
round does not have and return comments on unknown rules.

Every action answers with the assessment as `GET /assessments/{id}` shows it (api_assessments).
"""

from typing import Any, Literal

from ninja import Router, Schema, Status
from pydantic import Field

from .api_common import (
    MAX_ID, MAX_RULES, REVIEW_LEVELS, AssessmentOut, ConflictOut, ErrorOut, FilledText, ValidationErrorOut, conflict, fresh_out, invalid,
    refused, value_errors, visible_assessment,
)
from .models.round import LEVEL_LABELS
from .services import ConflictError, WorkflowError, approve, reopen, return_for_changes, save_answers
from .services.access import can_act

router = Router(tags=["评星审核"])


class LevelIn(Schema):
    level: Literal[REVIEW_LEVELS] = Field(..., description="审核层级：town 镇级初审 | county 县级审核 | city 市级复核 | province 省级抽查")


class ChangeIn(LevelIn):
    values: dict[str, Any] = Field(..., min_length=1, max_length=MAX_RULES, description="细则编码 → 改动后的值")
    reason: FilledText = Field(..., max_length=500, description="改动理由（必填）")
    expected_version: int | None = Field(None, ge=0, le=MAX_ID, description="您读取时的申报版本；只与这些细则此后的改动比较")
    expected_values: dict[str, Any] | None = Field(None, max_length=MAX_RULES,
                                                   description="细则编码 → 预期被替换的原值（不带版本号时，已有审核改动的细则必填）")


class ReturnIn(LevelIn):
    comment: str = Field("", max_length=2000, description="退回意见")
    rule_comments: dict[str, str] = Field(default_factory=dict, max_length=MAX_RULES, description="细则编码 → 意见（每条最多 300 字）")


class ReopenIn(LevelIn):
    reason: FilledText = Field(..., max_length=500, description="重新打开的理由（必填）")


def _visible(user, assessment_id: int):
    return visible_assessment(user, assessment_id)


def _acting(request, assessment_id: int, level: str):
    """The visible assessment (404 otherwise) and a 403 answer when the user cannot act at `level`."""
    a = _visible(request.user, assessment_id)
    if level not in a.round.levels:
        names = "、".join(LEVEL_LABELS[lvl] for lvl in a.round.levels)
        return a, invalid([{"field": "level", "message": f"该评星周期没有「{LEVEL_LABELS[level]}」层级（审核层级：{names}）", "type": "value_error"}],
                          "审核层级无效。")
    if not can_act(request.user, a, level):
        return a, Status(403, {"detail": f"您无权以「{LEVEL_LABELS[level]}」身份办理该申报。"})
    return a, None


def _run(request, assessment_id: int, level: str, step):
    a, refusal = _acting(request, assessment_id, level)
    if refusal is not None:
        return refusal
    try:
        a = step(a)
    except ConflictError as exc:
        return conflict(exc)
    except WorkflowError as exc:
        return refused(exc)
    if isinstance(a, Status):
        return a
    return Status(200, fresh_out(request.user, a.pk))


RESPONSES = {200: AssessmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


@router.post("/assessments/{int:assessment_id}/review/change", response={**RESPONSES, 409: ConflictOut},
             summary="审核改值", description="在本级审核环节改动细则的值，须填写理由；值先校验（未知细则、类型不符、数值超出合理范围返回 422）。"
                                            "冲突按细则判断（409 返回冲突细则的改动）；上级已改定的细则本级不能再改（400）。")
def change_values(request, assessment_id: int, payload: ChangeIn):
    def step(a):
        errors = value_errors(a.framework.compiled(), payload.values)
        if errors:
            return invalid(errors)
        return save_answers(a, request.user, payload.level, values=payload.values, reason=payload.reason.strip(),
                            expected_version=payload.expected_version, expected_values=payload.expected_values)

    return _run(request, assessment_id, payload.level, step)


@router.post("/assessments/{int:assessment_id}/review/return", response=RESPONSES, summary="退回修改",
             description="在本级审核环节退回村级修改，须填写退回意见（总体意见或逐条细则的意见）；村级看到意见后修改并重新提交。")
def return_assessment(request, assessment_id: int, payload: ReturnIn):
    def step(a):
        rules = a.framework.compiled().rules_by_code
        errors = [{"field": f"rule_comments.{code[:40]}", "message": "未知的细则编码", "type": "value_error"}
                  for code in payload.rule_comments if code not in rules]
        errors += [{"field": f"rule_comments.{code[:40]}", "message": "意见不能超过 300 字", "type": "too_long"}
                   for code, text in payload.rule_comments.items() if code in rules and len(text.strip()) > 300]
        if not payload.comment.strip() and not any(text.strip() for code, text in payload.rule_comments.items() if code in rules):
            errors.append({"field": "comment", "message": "请填写退回意见（总体意见或逐条细则的意见）", "type": "missing"})
        if errors:
            return invalid(errors, "退回意见有误。")
        comments = {code: text.strip() for code, text in payload.rule_comments.items() if text.strip()}
        return return_for_changes(a, request.user, payload.level, payload.comment.strip(), comments)

    return _run(request, assessment_id, payload.level, step)


@router.post("/assessments/{int:assessment_id}/review/approve", response=RESPONSES, summary="审核通过",
             description="本级审核通过并锁定，记录审核通过时的快照；只能在申报等待本级审核时办理，无本级权限返回 403。")
def approve_assessment(request, assessment_id: int, payload: LevelIn):
    return _run(request, assessment_id, payload.level, lambda a: approve(a, request.user, payload.level))


@router.post("/assessments/{int:assessment_id}/review/reopen", response=RESPONSES,
             summary="重新打开（须有作出该审核通过决定的层级的权限）",
             description="把已审核通过的申报退回 level 层级重新审核，须填写理由；须有作出该审核通过决定的层级的权限。")
def reopen_assessment(request, assessment_id: int, payload: ReopenIn):
    return _run(request, assessment_id, payload.level, lambda a: reopen(a, request.user, payload.level, payload.reason.strip()))
