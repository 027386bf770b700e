"""Public-notice objections (异议) over the API, scoped like the objections page: list them, and dismiss
duplicates or abuse in bulk with one reason (the town or county that manages the round). Handling one
objection is in `api_results.py`; filing one stays on the public notice page (no login)."""

from datetime import datetime

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from .api_common import MAX_ID, ErrorOut, FilledText, ValidationErrorOut, choices, invalid, refused
from .models import Objection
from .selectors_objections import may_see_objections, objections_for
from .services import WorkflowError, dismiss_objections
from .views_results import round_for

router = Router(tags=["评星定级"])


class ObjectionOut(Schema):
    id: int = Field(..., description="异议编号")
    org_unit: str = Field(..., description="被提出异议的村（社区）代码")
    org_unit_name: str = Field(..., description="村（社区）名称")
    reason: str = Field(..., description="异议内容")
    contact: str = Field(..., description="提出人留下的联系方式（可为空）")
    status: str = Field(..., description="状态：open 待处理 | dismissed 不予采纳 | upheld 予以采纳")
    status_name: str = Field(..., description="状态名称")
    resolution: str = Field(..., description="处理意见")
    created_at: datetime = Field(..., description="提出时间")
    resolved_at: datetime | None = Field(None, description="处理时间")


class ObjectionPage(Schema):
    items: list[ObjectionOut] = Field(..., description="本页的异议")
    count: int = Field(..., description="符合条件的异议总数")


class ObjectionFilters(Schema):
    status: choices(Objection.Status) | None = Field(None, description="open 待处理 | dismissed 不予采纳 | upheld 予以采纳")
    limit: int = Field(50, ge=1, le=500, description="每页条数（1–500）")
    offset: int = Field(0, ge=0, le=10_000_000, description="跳过的条数")


class DismissIn(Schema):
    ids: list[int] = Field(..., min_length=1, max_length=1000, description="异议编号")
    resolution: FilledText = Field(..., max_length=2000, description="统一的处理意见")


class DismissOut(Schema):
    dismissed: int = Field(..., description="本次不予采纳的异议数")


def _round(user, round_id: int):
    if not 1 <= round_id <= MAX_ID or not may_see_objections(user):
        raise Http404
    return round_for(user, round_id)


def _out(o: Objection) -> dict:
    return {"id": o.pk, "org_unit": o.assessment.org_unit.code, "org_unit_name": o.assessment.org_unit.display_name,
            "reason": o.reason, "contact": o.contact, "status": o.status, "status_name": o.get_status_display(),
            "resolution": o.resolution, "created_at": o.created_at, "resolved_at": o.resolved_at}


@router.get("/rounds/{int:round_id}/objections", response={200: ObjectionPage, 404: ErrorOut}, summary="公示异议列表",
            description="一个评星周期收到的公示异议，最新的在前；可按状态筛选，分页返回（limit/offset）。"
                        "只有管理该周期的乡镇、县级人员能看到（其他人 404）。")
def list_objections(request, round_id: int, filters: ObjectionFilters = Query(...)):
    rnd = _round(request.user, round_id)
    qs = objections_for(request.user, rnd).select_related("assessment__org_unit").order_by("-created_at", "-pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    return {"items": [_out(o) for o in qs[filters.offset : filters.offset + filters.limit]], "count": qs.count()}


@router.post("/rounds/{int:round_id}/objections/dismiss", response={200: DismissOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                                               422: ValidationErrorOut},
             summary="批量不予采纳异议（重复或恶意提交）",
             description="对重复或恶意提交的异议统一不予采纳，须填写处理意见；其中有您看不到的异议时整批返回 404，无权处理时返回 403。")
def dismiss(request, round_id: int, payload: DismissIn):
    rnd = _round(request.user, round_id)
    ids = set(payload.ids)
    if set(objections_for(request.user, rnd).filter(pk__in=[i for i in ids if 1 <= i <= MAX_ID]).values_list("pk", flat=True)) != ids:
        raise Http404
    try:
        count = dismiss_objections(rnd, request.user, ids, payload.resolution)
    except WorkflowError as error:
        if "无权" in error.message:
            return Status(403, {"detail": error.message})
        if "处理意见" in error.message:
            return invalid([{"field": "resolution", "message": error.message, "type": "value_error"}], "处理意见有误。")
        return refused(error)
    return Status(200, {"dismissed": count})
