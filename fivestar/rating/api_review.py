"""Reviewing one assessment over the API, through the same services as the review page: change values
(改值), return (退回修改), approve (通过) and reopen (重新打开).

An assessment outside the token user's scope is 404; a level the user cannot act at is 403; a step the
workflow does not allow now is 400 with the Chinese reason; a save conflict is 409 with the recorded
changes of the rules in conflict. A change sent without `expected_version` must name, for every rule a
reviewer has already changed, the value it expects to replace (`expected_values`), so a script never
silently overwrites someone else's change (see `services.answers.save_answers`).
"""

from typing import Any

from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field

from . import selectors_assessment as review
from .models.round import LEVEL_LABELS
from .services import ConflictError, WorkflowError, approve, reopen, return_for_changes, save_answers
from .services.access import acting_levels, can_act

router = Router(tags=["评星审核"])

MAX_ID = 2**63 - 1
MAX_RULES = 500


class AssessmentOut(Schema):
    id: int
    org_unit: str
    org_unit_name: str
    round_id: int
    status: str
    status_name: str
    version: int
    rating: int
    awarded: list[str]
    values: dict[str, Any] = Field(..., description="每条细则当前计入的值（最高审核层级的改动优先）")
    not_applicable: dict[str, str]
    acting_levels: list[str] = Field(..., description="您可以办理的层级")


class ErrorOut(Schema):
    detail: str
    details: list[str] = []


class ConflictOut(Schema):
    detail: str
    current_version: int
    changes: list[dict]


class LevelIn(Schema):
    level: str = Field(..., description="审核层级：town 镇级初审 | county 县级审核 | city 市级复核 | province 省级抽查")


class ChangeIn(LevelIn):
    values: dict[str, Any] = Field(..., min_length=1, max_length=MAX_RULES, description="细则编码 → 改动后的值")
    reason: str = Field(..., max_length=500, description="改动理由（必填）")
    expected_version: int | None = Field(None, ge=0, le=MAX_ID, description="您读取时的申报版本；只与这些细则此后的改动比较")
    expected_values: dict[str, Any] | None = Field(None, max_length=MAX_RULES,
                                                   description="细则编码 → 预期被替换的原值（不带版本号时，已有审核改动的细则必填）")


class ReturnIn(LevelIn):
    comment: str = Field("", max_length=2000, description="退回意见")
    rule_comments: dict[str, str] = Field(default_factory=dict, max_length=MAX_RULES, description="细则编码 → 意见")


class ReopenIn(LevelIn):
    reason: str = Field(..., max_length=500, description="重新打开的理由（必填）")


def _out(a, user) -> dict:
    return {
        "id": a.pk, "org_unit": a.org_unit.code, "org_unit_name": a.org_unit.display_name, "round_id": a.round_id,
        "status": a.status, "status_name": a.get_status_display(), "version": a.version, "rating": a.rating,
        "awarded": list(a.awarded), "values": a.effective_answers(a.round.levels), "not_applicable": dict(a.not_applicable),
        "acting_levels": [lvl for lvl in acting_levels(user, a) if lvl != "village"],
    }


def _visible(user, assessment_id: int):
    if not 1 <= assessment_id <= MAX_ID:
        raise Http404
    return review.get_assessment(user, assessment_id)


def _acting(request, assessment_id: int, level: str):
    """The visible assessment (404 otherwise) and a 403 answer when the user cannot act at `level`."""
    a = _visible(request.user, assessment_id)
    if level not in a.round.levels:
        return a, Status(400, {"detail": "审核层级无效。"})
    if not can_act(request.user, a, level):
        return a, Status(403, {"detail": f"您无权以「{LEVEL_LABELS[level]}」身份办理该申报。"})
    return a, None


def _run(request, assessment_id: int, level: str, step):
    a, refused = _acting(request, assessment_id, level)
    if refused is not None:
        return refused
    try:
        a = step(a)
    except ConflictError as exc:
        return Status(409, {"detail": exc.message, "current_version": exc.current_version, "changes": exc.changes})
    except WorkflowError as exc:
        return Status(400, {"detail": exc.message, "details": exc.details})
    return Status(200, _out(review.get_assessment(request.user, a.pk), request.user))


RESPONSES = {200: AssessmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("/assessments/{int:assessment_id}", response={200: AssessmentOut, 404: ErrorOut}, summary="申报详情（审核用）")
def get_assessment(request, assessment_id: int):
    return _out(_visible(request.user, assessment_id), request.user)


@router.post("/assessments/{int:assessment_id}/review/change", response={**RESPONSES, 409: ConflictOut}, summary="审核改值")
def change_values(request, assessment_id: int, payload: ChangeIn):
    return _run(request, assessment_id, payload.level, lambda a: save_answers(
        a, request.user, payload.level, values=payload.values, reason=payload.reason.strip(),
        expected_version=payload.expected_version, expected_values=payload.expected_values))


@router.post("/assessments/{int:assessment_id}/review/return", response=RESPONSES, summary="退回修改")
def return_assessment(request, assessment_id: int, payload: ReturnIn):
    def step(a):
        rules = a.framework.compiled().rules_by_code
        comments = {code: text.strip()[:300] for code, text in payload.rule_comments.items() if code in rules and text.strip()}
        return return_for_changes(a, request.user, payload.level, payload.comment.strip(), comments)

    return _run(request, assessment_id, payload.level, step)


@router.post("/assessments/{int:assessment_id}/review/approve", response=RESPONSES, summary="审核通过")
def approve_assessment(request, assessment_id: int, payload: LevelIn):
    return _run(request, assessment_id, payload.level, lambda a: approve(a, request.user, payload.level))


@router.post("/assessments/{int:assessment_id}/review/reopen", response=RESPONSES,
             summary="重新打开（须有作出该审核通过决定的层级的权限）")
def reopen_assessment(request, assessment_id: int, payload: ReopenIn):
    return _run(request, assessment_id, payload.level, lambda a: reopen(a, request.user, payload.level, payload.reason.strip()))
