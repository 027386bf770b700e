"""项目推介 over the API (/api/v1/projects/…), through the same services and scoping as the pages: the catalogue
(filters, incentive order with the reason), a project, publishing, interests, agreements, stages, returns, and a
town's or county's incentive policy. Out of scope → 404; no authority → 403; bad input → 400 in Chinese."""

import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fivestar.api.schemas import ApiErrorOut, UnitRefOut
from fivestar.core.scoping import scope_q
from fivestar.orgs.models import Level, OrgUnit

from . import selectors
from .models import Agreement, Participant, ProjectReturn
from .services import agreements as agreement_services
from .services import incentives
from .services import projects as project_services
from .services.errors import ProjectDenied, ProjectError

router = Router(tags=["项目推介与激励"])
E = ApiErrorOut


class ProjectOut(Schema):
    id: int
    village: UnitRefOut
    town: UnitRefOut
    name: str
    industry: str
    investment: Decimal
    expected_return: Decimal
    stage: str = Field(..., description="planned 规划中 | agreed 已签约 | building 在建 | operating 运营中")
    stage_label: str
    description: str
    example: bool = Field(..., description="示例数据（金额为演示而设）")
    stars: int = Field(..., description="发布村当前星级")
    reason: str = Field(..., description="激励政策排序依据")


class ProjectPage(Schema):
    count: int
    items: list[ProjectOut]


class ProjectIn(Schema):
    village: str = Field(..., max_length=20, description="发布村代码")
    name: str = Field(..., max_length=60)
    industry: str = Field(..., max_length=30)
    investment: Decimal
    expected_return: Decimal = Decimal("0")
    description: str = Field("", max_length=2000)


class InterestIn(Schema):
    village: str = Field(..., max_length=20, description="意向投资村代码（本乡镇其他村）")
    amount: Decimal
    note: str = Field("", max_length=200)


class InterestOut(Schema):
    id: int
    village: UnitRefOut
    amount: Decimal
    note: str
    stars: int
    reason: str


class ParticipantIn(Schema):
    village: str = Field(..., max_length=20)
    share: Decimal = Field(..., description="股份比例（%）")
    amount: Decimal = Decimal("0")


class AgreementIn(Schema):
    signed_on: datetime.date
    start_on: datetime.date | None = None
    meeting_id: int | None = Field(None, description="项目推介会（会议编号，类型须为 项目推介会）")
    note: str = Field("", max_length=200)
    participants: list[ParticipantIn] = Field(..., max_length=60)


class ParticipantOut(Schema):
    village: UnitRefOut
    share: Decimal
    amount: Decimal


class AgreementOut(Schema):
    id: int
    signed_on: datetime.date
    start_on: datetime.date | None
    meeting_id: int | None
    note: str
    participants: list[ParticipantOut]


class StageIn(Schema):
    stage: str = Field(..., max_length=12)
    note: str = Field("", max_length=100)


class ReturnsIn(Schema):
    year: int
    amounts: dict[str, Decimal | None] = Field(..., description="村代码 → 收益（元）；null 删除该村当年收益")


class ReturnOut(Schema):
    year: int
    village: UnitRefOut
    amount: Decimal


class PolicyRowOut(Schema):
    priority: int
    funds: str
    honours: str


class PolicyOut(Schema):
    unit: UnitRefOut
    label: str = Field(..., description="生效的政策（本级、上级或默认）")
    rules: dict[str, PolicyRowOut] = Field(..., description="星级（0–5）→ 优先级（1 最优先）、资金、荣誉")


class PolicyIn(Schema):
    rules: dict[str, dict[str, str | int]] = Field(..., description="星级（0–5）→ {priority, funds, honours}")


def _unit(u) -> dict:
    return {"code": u.code, "name": u.display_name}


def _project_out(p) -> dict:
    return {"id": p.pk, "village": _unit(p.village), "town": _unit(p.village.parent), "name": p.name, "industry": p.industry,
            "investment": p.investment, "expected_return": p.expected_return, "stage": p.stage, "stage_label": p.get_stage_display(),
            "description": p.description, "example": p.example, "stars": getattr(p, "stars", 0) or 0, "reason": getattr(p, "reason", "")}


def _err(e: ProjectError):
    return Status(403 if isinstance(e, ProjectDenied) else 400, {"detail": e.message})


def _village(user, code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(scope_q(user), code=str(code)[:20], level=Level.VILLAGE).first()
    if unit is None:
        raise Http404
    return unit


@router.get("/projects/", response={200: ProjectPage}, summary="项目库（筛选、按激励政策排序、分页）",
            description="industry 产业；stage 阶段；amount lt50|50to200|gte200 或 min/max（元）；sort incentive|new|amount；q 关键字。")
def project_list(request, industry: str = Query("", max_length=30), stage: str = Query("", max_length=12), amount: str = Query("", max_length=10),
                 min: str = Query("", max_length=20), max: str = Query("", max_length=20), sort: str = Query("incentive", max_length=12),
                 q: str = Query("", max_length=50), limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=10_000_000)):
    qs, _ = selectors.catalogue(request.user, {"industry": industry, "stage": stage, "amount": amount, "min": min, "max": max, "sort": sort, "q": q})
    rows = selectors.with_reasons(list(qs[offset:offset + limit]))
    return {"count": qs.count(), "items": [_project_out(p) for p in rows]}


@router.post("/projects/", response={201: ProjectOut, 400: E, 403: E, 404: E}, summary="发布项目")
def create_project(request, payload: ProjectIn):
    village = _village(request.user, payload.village)
    try:
        p = project_services.publish(request.user, village, **payload.dict(exclude={"village"}))
    except ProjectError as e:
        return _err(e)
    return Status(201, _project_out(selectors.with_reasons([selectors.project(request.user, p.pk)])[0]))


@router.get("/projects/{int:project_id}", response={200: ProjectOut, 404: E}, summary="项目详情")
def get_project(request, project_id: int):
    return _project_out(selectors.with_reasons([selectors.project(request.user, project_id)])[0])


class ProjectUpdateIn(Schema):
    name: str = Field(..., max_length=60)
    industry: str = Field(..., max_length=30)
    investment: Decimal
    expected_return: Decimal = Decimal("0")
    description: str = Field("", max_length=2000)


@router.put("/projects/{int:project_id}", response={200: ProjectOut, 400: E, 403: E, 404: E}, summary="修改项目信息（发布村或乡镇）")
def update_project(request, project_id: int, payload: ProjectUpdateIn):
    p = selectors.project(request.user, project_id)
    try:
        project_services.update(request.user, p, **payload.dict())
    except ProjectError as e:
        return _err(e)
    return _project_out(selectors.with_reasons([selectors.project(request.user, project_id)])[0])


@router.get("/projects/{int:project_id}/interests", response={200: list[InterestOut], 404: E}, summary="投资意向（按激励政策排序，含依据）")
def list_interests(request, project_id: int):
    p = selectors.project(request.user, project_id)
    return [{"id": i.pk, "village": _unit(i.village), "amount": i.amount, "note": i.note, "stars": i.stars, "reason": i.reason}
            for i in selectors.interests(p)]


@router.post("/projects/{int:project_id}/interests", response={201: InterestOut, 400: E, 403: E, 404: E}, summary="表达投资意向")
def create_interest(request, project_id: int, payload: InterestIn):
    p = selectors.project(request.user, project_id)
    village = OrgUnit.objects.filter(code=payload.village[:20], level=Level.VILLAGE).first()
    try:
        project_services.express_interest(request.user, p, village, amount_value=payload.amount, note=payload.note)
    except ProjectError as e:
        return _err(e)
    i = next(i for i in selectors.interests(p) if i.village_id == village.pk)
    return Status(201, {"id": i.pk, "village": _unit(i.village), "amount": i.amount, "note": i.note, "stars": i.stars, "reason": i.reason})


def _agreements(p) -> list[dict]:
    rows = list(Agreement.objects.filter(project=p).order_by("-signed_on", "-id"))
    parts = {}
    for part in Participant.objects.filter(agreement__project=p).select_related("village"):
        parts.setdefault(part.agreement_id, []).append({"village": _unit(part.village), "share": part.share, "amount": part.amount})
    return [{"id": a.pk, "signed_on": a.signed_on, "start_on": a.start_on, "meeting_id": a.meeting_id, "note": a.note,
             "participants": parts.get(a.pk, [])} for a in rows]


@router.get("/projects/{int:project_id}/agreements", response={200: list[AgreementOut], 404: E}, summary="签约记录")
def list_agreements(request, project_id: int):
    return _agreements(selectors.project(request.user, project_id))


@router.post("/projects/{int:project_id}/agreements", response={201: AgreementOut, 400: E, 403: E, 404: E}, summary="登记签约（乡镇）")
def create_agreement(request, project_id: int, payload: AgreementIn):
    p = selectors.project(request.user, project_id)
    try:
        a = agreement_services.record_agreement(request.user, p, signed_on=payload.signed_on, start_on=payload.start_on, note=payload.note,
                                                meeting=payload.meeting_id, participants=[r.dict() for r in payload.participants])
    except ProjectError as e:
        return _err(e)
    return Status(201, next(x for x in _agreements(p) if x["id"] == a.pk))


@router.put("/projects/{int:project_id}/stage", response={200: ProjectOut, 400: E, 403: E, 404: E}, summary="变更项目阶段（乡镇）")
def put_stage(request, project_id: int, payload: StageIn):
    p = selectors.project(request.user, project_id)
    try:
        agreement_services.set_stage(request.user, p, payload.stage, note=payload.note)
    except ProjectError as e:
        return _err(e)
    return _project_out(selectors.with_reasons([selectors.project(request.user, project_id)])[0])


@router.get("/projects/{int:project_id}/returns", response={200: list[ReturnOut], 404: E}, summary="项目收益（按年、按村）")
def list_returns(request, project_id: int):
    p = selectors.project(request.user, project_id)
    return [{"year": r.year, "village": _unit(r.village), "amount": r.amount}
            for r in ProjectReturn.objects.filter(project=p).select_related("village").order_by("-year", "village__path")]


@router.put("/projects/{int:project_id}/returns", response={200: list[ReturnOut], 400: E, 403: E, 404: E},
            summary="登记某年各参与村的收益（计入村集体经济收入）")
def put_returns(request, project_id: int, payload: ReturnsIn):
    p = selectors.project(request.user, project_id)
    try:
        agreement_services.record_returns(request.user, p, payload.year, {k: ("" if v is None else v) for k, v in payload.amounts.items()})
    except ProjectError as e:
        return _err(e)
    return list_returns(request, project_id)


def _policy_unit(user, code) -> OrgUnit:
    unit = OrgUnit.objects.filter(scope_q(user), code=str(code)[:20], level__in=[Level.TOWN, Level.COUNTY]).first()
    if unit is None:
        raise Http404
    return unit


@router.get("/projects/incentive-policy/{code}", response={200: PolicyOut, 404: E}, summary="激励政策（乡镇或县）")
def get_policy(request, code: str):
    unit = _policy_unit(request.user, code)
    label, rules = incentives.policies_for_unit(unit)
    return {"unit": _unit(unit), "label": label, "rules": rules}


@router.put("/projects/incentive-policy/{code}", response={200: PolicyOut, 400: E, 403: E, 404: E}, summary="设置激励政策（乡镇或县）")
def put_policy(request, code: str, payload: PolicyIn):
    unit = _policy_unit(request.user, code)
    try:
        incentives.set_policy(request.user, unit, payload.rules)
    except ProjectError as e:
        return _err(e)
    return get_policy(request, code)
