"""Public-notice objections (异议) over the API, scoped like the objections page: list them, and dismiss
duplicates or abuse in bulk with one reason (the town or county that manages the round)."""

from datetime import datetime

from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from .models import Objection
from .selectors_objections import may_see_objections, objections_for
from .services import WorkflowError, dismiss_objections
from .views_results import round_for

router = Router(tags=["评星定级"])

MAX_ID = 2**63 - 1


class ObjectionOut(Schema):
    id: int
    org_unit: str
    org_unit_name: str
    reason: str
    contact: str
    status: str
    status_name: str
    resolution: str
    created_at: datetime
    resolved_at: datetime | None


class ObjectionPage(Schema):
    items: list[ObjectionOut]
    count: int


class ObjectionFilters(Schema):
    status: Objection.Status | None = Field(None, description="open 待处理 | dismissed 不予采纳 | upheld 予以采纳")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class DismissIn(Schema):
    ids: list[int] = Field(..., min_length=1, max_length=1000, description="异议编号")
    resolution: str = Field(..., min_length=1, max_length=2000, description="统一的处理意见")


class DismissOut(Schema):
    dismissed: int


class ErrorOut(Schema):
    detail: str


def _round(user, round_id: int):
    if not 1 <= round_id <= MAX_ID or not may_see_objections(user):
        raise Http404
    return round_for(user, round_id)


def _out(o: Objection) -> dict:
    return {"id": o.pk, "org_unit": o.assessment.org_unit.code, "org_unit_name": o.assessment.org_unit.display_name,
            "reason": o.reason, "contact": o.contact, "status": o.status, "status_name": o.get_status_display(),
            "resolution": o.resolution, "created_at": o.created_at, "resolved_at": o.resolved_at}


@router.get("/rounds/{int:round_id}/objections", response=ObjectionPage, summary="公示异议列表")
def list_objections(request, round_id: int, filters: ObjectionFilters = Query(...)):
    rnd = _round(request.user, round_id)
    qs = objections_for(request.user, rnd).select_related("assessment__org_unit").order_by("-created_at", "-pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    return {"items": [_out(o) for o in qs[filters.offset : filters.offset + filters.limit]], "count": qs.count()}


@router.post("/rounds/{int:round_id}/objections/dismiss", response={200: DismissOut, 403: ErrorOut, 404: ErrorOut},
             summary="批量不予采纳异议（重复或恶意提交）")
def dismiss(request, round_id: int, payload: DismissIn):
    rnd = _round(request.user, round_id)
    ids = set(payload.ids)
    if set(objections_for(request.user, rnd).filter(pk__in=[i for i in ids if 1 <= i <= MAX_ID]).values_list("pk", flat=True)) != ids:
        raise Http404
    try:
        count = dismiss_objections(rnd, request.user, ids, payload.resolution)
    except WorkflowError as error:
        raise HttpError(403 if "无权" in error.message else 422, error.message) from None
    return Status(200, {"dismissed": count})
