"""Monthly commitments and results (月初晒承诺、月底亮业绩) over the API: the list (a village, town or county, a
month, a person), posting a commitment, its result with evidence, and the town's grade. Period rules and who may
do what are the services' (fivestar/planning/services/commitments.py)."""

from django.http import Http404
from ninja import Query, Router, Status

from fivestar.api.schemas import ApiErrorOut, ApiValidationErrorOut
from fivestar.orgs.models import Level
from fivestar.people.models import Person
from fivestar.rating.api_common import check_id

from . import selectors
from .api_schemas import (PlanningCommitmentFiltersIn, PlanningCommitmentIn, PlanningCommitmentOut,
                          PlanningCommitmentPage, PlanningGradeIn, PlanningResultIn)
from .api_support import field_error, invalid, ref_out, refusal, unit_out, visible_evidence, visible_unit
from .models import Commitment, LedgerTask
from .services import PlanningError, can_commit, can_manage, grade_commitment, month_start, post_commitment, post_result

router = Router()  # tagged by the parent router (api.py)

E = ApiErrorOut
STEP = {400: E, 403: E, 404: E, 422: ApiValidationErrorOut}


def commitment_out(c) -> dict:
    return {"id": c.pk, "village": unit_out(c.org_unit), "month": f"{c.month:%Y-%m}", "person": ref_out(c.person),
            "content": c.content, "star_code": c.star_code, "task_id": c.task_id, "result": c.result, "result_at": c.result_at,
            "grade": c.grade, "town_comment": c.town_comment, "graded_at": c.graded_at}


def _month(value: str, field: str = "month"):
    try:
        return month_start(value), None
    except PlanningError:
        return None, invalid([field_error(field, "月份格式应为 YYYY-MM")])


def _commitment(user, commitment_id: int) -> Commitment:
    c = (Commitment.objects.visible_to(user).select_related("org_unit", "person").filter(pk=check_id(commitment_id)).first())
    if c is None:
        raise Http404
    return c


@router.get("/planning/commitments", response={200: PlanningCommitmentPage, 404: E, 422: ApiValidationErrorOut},
            summary="月度承诺列表",
            description="unit 单位代码（村、镇、县；不在管辖范围内的返回 404）、month（YYYY-MM）、person（人员编号）；最新月份在前，分页。")
def list_commitments(request, filters: PlanningCommitmentFiltersIn = Query(...)):
    unit = visible_unit(request.user, filters.unit) if filters.unit else None
    month = None
    if filters.month:
        month, error = _month(filters.month)
        if error:
            return error
    qs = selectors.commitments_for(request.user, unit=unit, month=month, person=filters.person)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {"items": [commitment_out(c) for c in page], "count": qs.count()}


@router.post("/planning/commitments", response={201: PlanningCommitmentOut, **STEP}, summary="晒承诺",
             description="村干部、包村干部为本村填写本月或下月的承诺，可关联所涉星或本村的台账任务。")
def create_commitment(request, payload: PlanningCommitmentIn):
    user = request.user
    village = visible_unit(user, payload.village, [Level.VILLAGE])
    if not can_commit(user, village):
        return Status(403, {"detail": f"您无权为「{village.display_name}」晒承诺。"})
    month, error = _month(payload.month)
    if error:
        return error
    errors = []
    person = Person.objects.visible_to(user).select_related("org_unit").filter(pk=payload.person).first()
    if person is None:
        errors.append(field_error("person", "人员不存在或不在您的管辖范围内"))
    task = None
    if payload.task:
        task = LedgerTask.objects.visible_to(user).filter(pk=payload.task, org_unit=village).first()
        if task is None:
            errors.append(field_error("task", "台账任务不存在或不属于本村"))
    if errors:
        return invalid(errors)
    try:
        c = post_commitment(user, village, month, person, payload.content, payload.star_code, task)
    except PlanningError as exc:
        return refusal(exc, True)
    return Status(201, commitment_out(_commitment(user, c.pk)))


@router.post("/planning/commitments/{int:commitment_id}/result", response={200: PlanningCommitmentOut, **STEP},
             summary="亮业绩（填写完成情况）",
             description="村干部、包村干部填写本月或上月承诺的完成情况，可附佐证（已上传文件的编号）；镇级点评后不能再改。")
def result(request, commitment_id: int, payload: PlanningResultIn):
    c = _commitment(request.user, commitment_id)
    evidence, errors = visible_evidence(request.user, payload.evidence, "evidence")
    if errors:
        return invalid(errors)
    try:
        post_result(c, request.user, payload.result, evidence)
    except PlanningError as exc:
        return refusal(exc, can_commit(request.user, c.org_unit))
    return Status(200, commitment_out(_commitment(request.user, c.pk)))


@router.post("/planning/commitments/{int:commitment_id}/grade", response={200: PlanningCommitmentOut, **STEP},
             summary="点评承诺", description="乡镇、县级管理员按乡镇设置的等次点评（亮业绩后或月份结束后）。")
def grade(request, commitment_id: int, payload: PlanningGradeIn):
    c = _commitment(request.user, commitment_id)
    try:
        grade_commitment(c, request.user, payload.grade, payload.comment)
    except PlanningError as exc:
        return refusal(exc, can_manage(request.user, c.org_unit))
    return Status(200, commitment_out(_commitment(request.user, c.pk)))
