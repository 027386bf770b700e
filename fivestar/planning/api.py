"""创建目标、责任书、台账与承诺 over the API (/api/v1/planning/…), through the same services and scoping as the pages:

- targets of a town's (or county's) villages for a year, saved in bulk; a town's or county's plan and its check
  against the villages' targets (here);
- responsibility letters: signing status per village, marking one signed with its scan, the town's batch (here);
- the creation ledger (`api_ledger.py`) and monthly commitments (`api_commitments.py`).

Conventions (as in the rating and supervision APIs): an object outside the token user's scope is 404; an action
the user has no authority for is 403; a step not allowed now is 400 with the Chinese reason; invalid data is 422
naming the field; a task changed by someone else since the version given is 409.
"""

import datetime

from django.db.models import F, FilteredRelation, Q
from django.http import Http404
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from fivestar.api.schemas import ApiErrorOut, ApiValidationErrorOut
from fivestar.orgs.models import Level, OrgUnit
from fivestar.rating.api_common import check_id
from fivestar.rating.models import Evidence

from . import selectors
from .api_commitments import router as commitments_router
from .api_ledger import router as ledger_router
from .api_schemas import (PlanningBatchIn, PlanningBatchOut, PlanningCheckOut, PlanningLetterOut, PlanningLetterPage,
                          PlanningPlanIn, PlanningPlanOut, PlanningSavedOut, PlanningTargetPage, PlanningTargetsIn)
from .api_support import evidence_out, field_error, invalid, refusal, unit_out, visible_unit
from .models import LetterBatch, ResponsibilityLetter, UnitPlan
from .services import (PlanningError, can_manage, category_labels, mark_signed, plan_check, planning_settings_for,
                       save_plan, save_targets, start_letter_batch, town_of)
from .services.letters import letter_for

router = Router(tags=["创建目标与台账"])
router.add_router("", ledger_router)
router.add_router("", commitments_router)

E = ApiErrorOut
WRITE = {400: E, 403: E, 404: E, 422: ApiValidationErrorOut}
PLAN_LEVELS = [Level.COUNTY, Level.TOWN]


def _year(year: int | None) -> int:
    return year or timezone.localdate().year


# ---- targets -----------------------------------------------------------------------------------------------


@router.get("/planning/targets", response={200: PlanningTargetPage, 404: E}, summary="各村创建目标",
            description="unit（乡镇、县或村的代码）之下各村（社区）在 year 年度的创建类别、目标星级和目标星，按代码排序，分页；"
                        "未设置目标的村 has_target=false。不在管辖范围内的单位返回 404。")
def list_targets(request, unit: str = Query(..., max_length=15), year: int | None = Query(None, ge=2000, le=2100),
                 limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=10_000_000)):
    scope, year = visible_unit(request.user, unit), _year(year)
    qs = selectors.targets_for(request.user, scope, year)
    page = list(qs[offset : offset + limit])
    labels: dict[int, dict] = {}
    items = []
    for v in page:
        town = town_of(v.parent if v.parent_id else v)
        if town is not None and town.pk not in labels:
            labels[town.pk] = category_labels(planning_settings_for(town))
        category = v.target_category or ""
        items.append({"village": unit_out(v), "town": town.display_name if town else "", "has_target": v.target_id is not None,
                      "category": category, "category_name": labels.get(getattr(town, "pk", None), {}).get(category, ""),
                      "target_rating": v.target_rating or 0, "target_stars": list(v.target_stars or [])})
    return {"year": year, "items": items, "count": qs.count()}


@router.put("/planning/targets", response={200: PlanningSavedOut, **WRITE}, summary="批量保存各村创建目标",
            description="乡镇、县级管理员：一次保存多个村的目标（全部通过才保存，任何一行有误都不保存，错误说明指明村名）。"
                        "目标星的颗数须等于目标星级。村代码不存在或不在管辖范围内时 422 指明 rows.N.village。")
def put_targets(request, payload: PlanningTargetsIn):
    codes = [r.village for r in payload.rows]
    villages = {v.code: v for v in OrgUnit.objects.visible_to(request.user).select_related("parent")
                .filter(code__in=codes, level=Level.VILLAGE, active=True)}
    errors = [field_error(f"rows.{n}.village", "村（社区）不存在或不在您的管辖范围内") for n, c in enumerate(codes) if c not in villages]
    if errors:
        return invalid(errors)
    allowed = all(can_manage(request.user, v) for v in villages.values())
    rows = [{"village": villages[r.village], "category": r.category, "target_rating": r.target_rating,
             "target_stars": r.target_stars} for r in payload.rows]
    try:
        changed = save_targets(request.user, payload.year, rows)
    except PlanningError as exc:
        return refusal(exc, allowed)
    return Status(200, {"changed": changed})


# ---- plans -------------------------------------------------------------------------------------------------


def _plan_out(unit, year, plan) -> dict:
    return {"unit": unit_out(unit), "year": year, "exists": plan is not None,
            "rating_counts": {str(k): int(v) for k, v in ((plan.rating_counts if plan else {}) or {}).items()},
            "star_counts": {str(k): int(v) for k, v in ((plan.star_counts if plan else {}) or {}).items()},
            "note": plan.note if plan else "", "updated_at": plan.updated_at if plan else None}


@router.get("/planning/plans/{code}", response={200: PlanningPlanOut, 404: E}, summary="乡镇或县的年度创建计划",
            description="如 4 个五星、12 个四星、37 个三星，以及获得各星的村数；未制定时 exists=false。")
def get_plan(request, code: str, year: int | None = Query(None, ge=2000, le=2100)):
    unit, year = visible_unit(request.user, code, PLAN_LEVELS), _year(year)
    return _plan_out(unit, year, UnitPlan.objects.filter(year=year, org_unit=unit).first())


@router.put("/planning/plans/{code}", response={200: PlanningPlanOut, **WRITE}, summary="制定年度创建计划",
            description="乡镇、县级管理员：各星级村数（rating_counts，键为 0–5）和获得各星的村数（star_counts，键为星代码）。")
def put_plan(request, code: str, payload: PlanningPlanIn):
    unit = visible_unit(request.user, code, PLAN_LEVELS)
    try:
        plan = save_plan(request.user, unit, payload.year, payload.rating_counts, payload.star_counts)
    except PlanningError as exc:
        return refusal(exc, can_manage(request.user, unit))
    return Status(200, _plan_out(unit, payload.year, plan))


@router.get("/planning/plans/{code}/check", response={200: PlanningCheckOut, 404: E}, summary="计划与各村目标核对",
            description="计划与各村目标合计逐星级、逐星比较，不一致处以中文提示列出（未制定计划、未设置目标的村也会提示）。")
def check_plan(request, code: str, year: int | None = Query(None, ge=2000, le=2100)):
    unit, year = visible_unit(request.user, code, PLAN_LEVELS), _year(year)
    data = plan_check(unit, year)
    return {"unit": unit_out(unit), "year": year, **{k: data[k] for k in ("villages", "with_target", "ratings", "stars", "warnings", "ok")}}


# ---- letters -----------------------------------------------------------------------------------------------

LETTER_STATES = {"none": "未生成", "pending": "待签订", "signed": "已签订"}


@router.get("/planning/letters", response={200: PlanningLetterPage, 404: E}, summary="目标责任书签订情况",
            description="unit 之下各村（社区）year 年度目标责任书的状态：none 未生成、pending 待签订、signed 已签订；"
                        "status=unsigned 只看未签订的（含未生成的）。")
def list_letters(request, unit: str = Query(..., max_length=15), year: int | None = Query(None, ge=2000, le=2100),
                 status: str = Query("", max_length=10, pattern=r"^(|none|pending|signed|unsigned)$"),
                 limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=10_000_000)):
    scope, year = visible_unit(request.user, unit), _year(year)
    qs = (OrgUnit.objects.visible_to(request.user).filter(path__startswith=scope.path, level=Level.VILLAGE, active=True)
          .annotate(letter=FilteredRelation("responsibility_letters", condition=Q(responsibility_letters__year=year)))
          .annotate(letter_id=F("letter__id"), letter_status=F("letter__status"), generated_at=F("letter__generated_at"),
                    signed_on=F("letter__signed_on"), signed_copy_id=F("letter__signed_copy_id")).order_by("code"))
    signed = qs.filter(letter_status=ResponsibilityLetter.Status.SIGNED)
    if status == "none":
        qs = qs.filter(letter_id__isnull=True)
    elif status == "pending":
        qs = qs.filter(letter_status=ResponsibilityLetter.Status.PENDING)
    elif status == "signed":
        qs = signed
    elif status == "unsigned":
        qs = qs.filter(Q(letter_id__isnull=True) | Q(letter_status=ResponsibilityLetter.Status.PENDING))
    page = list(qs[offset : offset + limit])
    copies = {e.pk: e for e in Evidence.objects.filter(pk__in=[v.signed_copy_id for v in page if v.signed_copy_id])}
    items = []
    for v in page:
        state = v.letter_status or "none"
        copy = copies.get(v.signed_copy_id)
        items.append({"village": unit_out(v), "year": year, "status": state, "status_name": LETTER_STATES[state],
                      "generated_at": v.generated_at, "signed_on": v.signed_on,
                      "signed_copy": evidence_out(copy) if copy is not None else None})
    return {"items": items, "count": qs.count(), "signed": signed.count()}


@router.post("/planning/letters/{code}/sign", response={200: PlanningLetterOut, **WRITE}, summary="登记责任书已签订",
             description="乡镇、县级管理员：multipart/form-data，year 年度、signed_on 签订日期（不晚于今天）、scan 签字盖章后的扫描件"
                         "（PDF 或 JPG、PNG；已上传过扫描件时可不再上传）。")
def sign_letter(request, code: str, year: int = Form(..., ge=2000, le=2100), signed_on: datetime.date = Form(...),
                scan: UploadedFile | None = File(None, description="签字扫描件")):
    village = visible_unit(request.user, code, [Level.VILLAGE])
    if not can_manage(request.user, village):
        return Status(403, {"detail": f"您无权登记「{village.display_name}」目标责任书的签订情况。"})
    try:
        letter = mark_signed(letter_for(village, year), request.user, signed_on, scan)
    except PlanningError as exc:
        return refusal(exc, True)
    copy = letter.signed_copy
    return Status(200, {"village": unit_out(village), "year": letter.year, "status": letter.status,
                        "status_name": LETTER_STATES[letter.status], "generated_at": letter.generated_at,
                        "signed_on": letter.signed_on, "signed_copy": evidence_out(copy) if copy is not None else None})


def _batch_out(b) -> dict:
    done = b.status == LetterBatch.Status.DONE and bool(b.file)
    return {"id": b.pk, "town": unit_out(b.town), "year": b.year, "status": b.status, "status_name": b.get_status_display(),
            "total": b.total, "done": b.done, "percent": b.percent, "message": b.message,
            "download": f"/planning/letters/batches/{b.pk}/download/" if done else None}


@router.post("/planning/letters/batches", response={201: PlanningBatchOut, **WRITE}, summary="批量生成乡镇的目标责任书",
             description="在后台把乡镇各村的目标责任书生成为一个压缩包；同一乡镇、年度正在生成时返回那一批。用 …/batches/{id} 查看进度。")
def start_batch(request, payload: PlanningBatchIn):
    town = visible_unit(request.user, payload.town, [Level.TOWN])
    try:
        batch = start_letter_batch(request.user, town, payload.year)
    except PlanningError as exc:
        return refusal(exc, can_manage(request.user, town))
    return Status(201, _batch_out(LetterBatch.objects.select_related("town").get(pk=batch.pk)))


@router.get("/planning/letters/batches/{int:batch_id}", response={200: PlanningBatchOut, 404: E}, summary="责任书批量生成进度",
            description="状态、已生成/村数、完成后的下载地址（网页地址，需登录）。")
def batch_status(request, batch_id: int):
    batch = LetterBatch.objects.visible_to(request.user).select_related("town").filter(pk=check_id(batch_id)).first()
    if batch is None:
        raise Http404
    return _batch_out(batch)
