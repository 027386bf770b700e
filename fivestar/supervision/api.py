"""督导检查 over the API (/api/v1/supervision/…), through the same services and scoping as the pages:

- teams (list, create, update), a team's weekly plan (read, generate, move a visit);
- inspections (list, detail); problems, their steps and files are in `api_problems.py`;
- the exports (problem ledger xlsx, a village's rectification notice docx) as downloads.

Conventions (as in the rating API): an object outside the token user's scope is 404; an action the user has no
authority for is 403; a step supervision does not allow now is 400 with the Chinese reason; invalid data is 422
naming the field; a problem changed by someone else since the version given is 409.
"""

import datetime

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Status

from fivestar.api.schemas import ApiErrorOut, ApiValidationErrorOut
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person
from fivestar.rating.api_common import check_id

from . import selectors
from .api_problems import router as problems_router
from .api_schemas import (SupervisionGenerateIn, SupervisionGenerateOut, SupervisionInspectionDetailOut,
                          SupervisionInspectionFilters, SupervisionInspectionPage, SupervisionMoveIn,
                          SupervisionPlanOut, SupervisionPlanRowOut, SupervisionTeamIn, SupervisionTeamOut,
                          SupervisionTeamPage, SupervisionTeamUpdateIn)
from .api_support import evidence_out, invalid, refusal, unit_out
from .exports.views import notice_response
from .models import Inspection, Problem, SupervisionTeam, VisitPlan
from .services import SupervisionError, can_manage, can_supervise, generate_plan, monday, move_visit, save_team

router = Router(tags=["督导检查"])
router.add_router("", problems_router)

E = ApiErrorOut
WRITE = {400: E, 403: E, 404: E, 422: ApiValidationErrorOut}
MAX_PLAN_WEEKS = 26


# ---- teams -------------------------------------------------------------------------------------------------


def _team_out(team) -> dict:
    return {"id": team.pk, "name": team.name, "unit": unit_out(team.org_unit), "note": team.note, "active": team.active,
            "leader": {"id": team.leader.pk, "name": team.leader.name} if team.leader_id else None,
            "members": [{"id": p.pk, "name": p.name} for p in team.members.all()],
            "villages": [unit_out(v) for v in team.villages.all()]}


def _teams(user):
    return (SupervisionTeam.objects.visible_to(user).select_related("org_unit", "leader")
            .prefetch_related(Prefetch("members", Person.objects.order_by("name")),
                              Prefetch("villages", OrgUnit.objects.order_by("code"))))


def _team(user, team_id: int) -> SupervisionTeam:
    team = _teams(user).filter(pk=check_id(team_id)).first()
    if team is None:
        raise Http404
    return team


def _visible_unit(user, code: str, levels) -> OrgUnit | None:
    return OrgUnit.objects.visible_to(user).filter(code=code, level__in=levels).first()


def _team_refs(user, payload, unit) -> tuple[dict, list[dict]]:
    """The team's people and villages from the ids and codes given; an unknown or out-of-scope one is a field error."""
    errors = []
    people_ids = [i for i in dict.fromkeys([*([payload.leader] if payload.leader else []), *payload.members]) if 1 <= i < 2**63]
    people = {p.pk: p for p in Person.objects.visible_to(user).filter(pk__in=people_ids)}
    if payload.leader and payload.leader not in people:
        errors.append({"field": "leader", "message": "人员不存在或不在您的管辖范围内", "type": "value_error"})
    errors += [{"field": f"members.{n}", "message": "人员不存在或不在您的管辖范围内", "type": "value_error"}
               for n, i in enumerate(payload.members) if i not in people]
    codes = list(dict.fromkeys(payload.villages))
    villages = {v.code: v for v in OrgUnit.objects.visible_to(user).filter(code__in=codes, level=Level.VILLAGE)}
    errors += [{"field": f"villages.{n}", "message": "村（社区）不存在或不在您的管辖范围内", "type": "value_error"}
               for n, c in enumerate(payload.villages) if c not in villages]
    return {"leader": people.get(payload.leader), "members": [people[i] for i in payload.members if i in people],
            "villages": [villages[c] for c in codes if c in villages]}, errors


@router.get("/supervision/teams", response={200: SupervisionTeamPage, 404: E}, summary="督导组列表",
            description="您管辖范围内的督导组（乡镇的常态化督导组、县级的专项督导组），含组长、成员和负责的村。"
                        "unit：只看该单位及其下级的督导组；inactive=true 时包括已停用的。")
def list_teams(request, unit: str | None = None, inactive: bool = False, limit: int = Query(50, ge=1, le=500),
               offset: int = Query(0, ge=0, le=10_000_000)):
    qs = _teams(request.user)
    if unit:
        scope = _visible_unit(request.user, unit[:15], [lvl for lvl in Level.values if lvl <= Level.VILLAGE])
        if scope is None:
            raise Http404
        qs = qs.filter(org_unit__path__startswith=scope.path)
    if not inactive:
        qs = qs.filter(active=True)
    qs = qs.order_by("org_unit__path", "name", "pk")
    return {"items": [_team_out(t) for t in qs[offset : offset + limit]], "count": qs.count()}


@router.post("/supervision/teams", response={201: SupervisionTeamOut, **WRITE}, summary="新建督导组",
             description="乡镇、县级管理员：在所属单位（乡镇或县）下新建督导组，负责的村须在该单位之下。")
def create_team(request, payload: SupervisionTeamIn):
    unit = _visible_unit(request.user, payload.unit, [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN])
    if unit is None:
        return invalid([{"field": "unit", "message": "单位不存在、不在您的管辖范围内或不是乡镇、县级单位", "type": "value_error"}])
    if not can_manage(request.user, unit):
        return Status(403, {"detail": f"您无权管理「{unit.display_name}」的督导组。"})
    refs, errors = _team_refs(request.user, payload, unit)
    if errors:
        return invalid(errors)
    try:
        team = save_team(request.user, unit=unit, name=payload.name, note=payload.note, active=payload.active, **refs)
    except SupervisionError as exc:
        return refusal(exc, allowed=True)
    return Status(201, _team_out(_team(request.user, team.pk)))


@router.put("/supervision/teams/{int:team_id}", response={200: SupervisionTeamOut, **WRITE}, summary="修改督导组",
            description="修改督导组的名称、组长、成员、负责的村和说明，或停用（所属单位不能修改）。")
def update_team(request, team_id: int, payload: SupervisionTeamUpdateIn):
    team = _team(request.user, team_id)
    if not can_manage(request.user, team.org_unit):
        return Status(403, {"detail": f"您无权管理「{team.org_unit.display_name}」的督导组。"})
    refs, errors = _team_refs(request.user, payload, team.org_unit)
    if errors:
        return invalid(errors)
    try:
        save_team(request.user, unit=team.org_unit, name=payload.name, note=payload.note, active=payload.active, team=team, **refs)
    except SupervisionError as exc:
        return refusal(exc, allowed=True)
    return Status(200, _team_out(_team(request.user, team.pk)))


# ---- plans -------------------------------------------------------------------------------------------------

PLAN_STATES = {"visited": "已督导", "missed": "已过期未督导", "planned": "待督导"}


def _plan_row(row, this_week: datetime.date) -> dict:
    state = "visited" if row.inspection_id else "missed" if row.week_start < this_week else "planned"
    return {"id": row.pk, "week_start": row.week_start, "village": unit_out(row.village), "adjusted": row.adjusted,
            "inspection_id": row.inspection_id, "state": state, "state_name": PLAN_STATES[state]}


@router.get("/supervision/teams/{int:team_id}/plan", response={200: SupervisionPlanOut, 404: E}, summary="督导组的周督导计划",
            description="从 start 所在周起 weeks 周（默认本周起 8 周，最多 26 周）的计划：每周督导哪些村，"
                        "已督导的（visited）、已过期未督导的（missed）和待督导的（planned）。")
def team_plan(request, team_id: int, start: datetime.date | None = None, weeks: int = Query(8, ge=1, le=MAX_PLAN_WEEKS)):
    team = _team(request.user, team_id)
    this_week = monday(timezone.localdate())
    first = monday(start) if start else this_week
    last = first + datetime.timedelta(weeks=weeks - 1)
    rows = selectors.plan_for(team, first, last)
    return {"team_id": team.pk, "start": first, "weeks": weeks, "rows": [_plan_row(r, this_week) for r in rows]}


@router.post("/supervision/teams/{int:team_id}/plan/generate", response={200: SupervisionGenerateOut, **WRITE},
             summary="生成周督导计划",
             description="按乡镇设置（每村至少每 N 周督导一次）为督导组生成计划；重复生成不会重复，手工调整过的和已督导的保留。")
def generate(request, team_id: int, payload: SupervisionGenerateIn):
    team = _team(request.user, team_id)
    allowed = can_manage(request.user, team.org_unit) or can_supervise(request.user, team.org_unit)
    try:
        created = generate_plan(team, request.user, payload.start_week or timezone.localdate(), payload.weeks)
    except SupervisionError as exc:
        return refusal(exc, allowed)
    return Status(200, {"created": created})


@router.post("/supervision/plans/{int:plan_id}/move", response={200: SupervisionPlanRowOut, **WRITE}, summary="调整一次计划督导到另一周",
             description="把一条计划移到另一周（取该日期所在周的周一）；已督导的不能调整。")
def move(request, plan_id: int, payload: SupervisionMoveIn):
    row = (VisitPlan.objects.visible_to(request.user).select_related("team__org_unit", "village")
           .filter(pk=check_id(plan_id)).first())
    if row is None:
        raise Http404
    allowed = can_manage(request.user, row.team.org_unit) or can_supervise(request.user, row.team.org_unit)
    try:
        row = move_visit(row, request.user, payload.week_start)
    except SupervisionError as exc:
        return refusal(exc, allowed)
    row = VisitPlan.objects.select_related("village").get(pk=row.pk)
    return Status(200, _plan_row(row, monday(timezone.localdate())))


# ---- inspections -------------------------------------------------------------------------------------------


def _inspections(user):
    """Inspections the user sees, each with only the villages and the problems the user may see."""
    counted = (Problem.objects.visible_to(user).filter(inspection=OuterRef("pk")).order_by()
               .values("inspection").annotate(n=Count("pk")).values("n"))
    return (selectors.inspections_for(user).annotate(problem_count=Subquery(counted))
            .prefetch_related(Prefetch("villages", OrgUnit.objects.visible_to(user).order_by("code"))))


def _inspection_out(i) -> dict:
    return {"id": i.pk, "date": i.date, "kind": i.kind, "kind_name": i.get_kind_display(), "star_code": i.star_code,
            "team": {"id": i.team.pk, "name": i.team.name} if i.team_id else None, "unit": unit_out(i.org_unit),
            "villages": [unit_out(v) for v in i.villages.all()], "notes": i.notes, "problem_count": i.problem_count or 0}


@router.get("/supervision/inspections", response={200: SupervisionInspectionPage, 404: E}, summary="督导检查列表",
            description="您能看到的督导检查（本单位督导组开展的，以及督导过您管辖的村的），最新的在前；"
                        "可按单位、督导组、类型和日期筛选。村里只看到本村，问题数只计您能看到的问题。")
def list_inspections(request, filters: SupervisionInspectionFilters = Query(...)):
    qs = _inspections(request.user)
    if filters.unit:
        unit = _visible_unit(request.user, filters.unit, Level.values)
        if unit is None:
            raise Http404
        inside = Inspection.objects.filter(villages__path__startswith=unit.path).values("pk")
        qs = qs.filter(pk__in=inside)
    if filters.team:
        qs = qs.filter(team_id=filters.team)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.start:
        qs = qs.filter(date__gte=filters.start)
    if filters.end:
        qs = qs.filter(date__lte=filters.end)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {"items": [_inspection_out(i) for i in page], "count": qs.count()}


@router.get("/supervision/inspections/{int:inspection_id}", response={200: SupervisionInspectionDetailOut, 404: E}, summary="督导检查详情",
            description="一次督导检查：日期、督导组、类型、督导的村、督导情况、现场照片和发现的问题（只含您能看到的）。")
def inspection_detail(request, inspection_id: int):
    from .api_problems import problem_out, problems_visible

    i = _inspections(request.user).filter(pk=check_id(inspection_id)).prefetch_related("photos").first()
    if i is None:
        raise Http404
    problems = problems_visible(request.user).filter(inspection=i).order_by("deadline", "pk")
    return {**_inspection_out(i), "photos": [evidence_out(e) for e in i.photos.all()], "problems": [problem_out(p) for p in problems]}


# ---- exports -----------------------------------------------------------------------------------------------


@router.get("/supervision/villages/{code}/notice.docx", response={200: None, 404: E}, summary="下载整改通知书（Word）",
            description="一个村（社区）的《关于XX村督导问题限期整改的通知》：未销号的问题、整改期限和责任人，抄送包村干部；"
                        "inspection=编号 时只含该次督导发现的问题。不在您管辖范围内的村返回 404。")
def village_notice(request, code: str, inspection: int | None = Query(None, ge=1, le=2**63 - 1)):
    return notice_response(request.user, code, inspection)
