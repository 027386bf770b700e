"""Problems (问题清单) over the API: the list with the list page's filters (paginated), one problem with its
history and rectifications, recording one, every step of its life, files for it, and the ledger download.

The steps call the services, which decide who may take them; the API answers 403 when the user holds no
authority for the step at all (a village signing off its own problem, an observer), 400 when the step is not
allowed now (signing off a problem never rectified), 409 when the version given is stale, 422 naming the field
for invalid data and for a file, person, inspection or team id that is unknown or outside the user's scope.
"""

from urllib.parse import urlencode

from django.http import Http404
from ninja import Query, Router, Status

from fivestar.api.schemas import ApiErrorOut, ApiValidationErrorOut
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person
from fivestar.rating.api_common import check_id
from fivestar.rating.models import Evidence

from . import selectors
from .api_schemas import (SupervisionProblemAcceptIn, SupervisionProblemDeadlineIn, SupervisionProblemDetailOut,
                          SupervisionProblemFiltersIn, SupervisionProblemIn, SupervisionProblemNoteIn,
                          SupervisionProblemPage, SupervisionProblemRectifyIn, SupervisionProblemRejectIn)
from .api_files import router as files_router
from .api_support import evidence_out, invalid, refusal, unit_out
from .exports.filters import problem_query
from .exports.views import ledger_response
from .field_context import star_and_rule_problem
from .models import Problem, SupervisionTeam
from .services import (SupervisionError, accept, can_rectify, can_supervise, change_deadline, create_problem, reject,
                       start_rectification, submit_rectification)

router = Router()  # tagged 督导检查 by the parent router (api.py)
router.add_router("", files_router)

E = ApiErrorOut
STEP = {400: E, 403: E, 404: E, 409: E, 422: ApiValidationErrorOut}
FILTER_KEYS = ("unit", "area", "team", "status", "star", "severity", "overdue", "start", "end", "q")


def problems_visible(user):
    return Problem.objects.visible_to(user).select_related(*selectors.LIST_RELATED)


def _who(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)  # an account without a person: its login name
    return person.name if person is not None else user.get_username()


def problem_out(p) -> dict:
    town = p.org_unit.parent.display_name if p.org_unit.parent_id else ""
    return {
        "id": p.pk, "village": unit_out(p.org_unit), "town": town, "inspection_id": p.inspection_id,
        "team": {"id": p.team.pk, "name": p.team.name} if p.team_id else None,
        "star_code": p.star_code, "rule_code": p.rule_code, "description": p.description, "severity": p.severity,
        "severity_name": p.get_severity_display(), "deadline": p.deadline, "status": p.status, "status_name": p.get_status_display(),
        "responsible": {"id": p.responsible.pk, "name": p.responsible.name} if p.responsible_id else None,
        "overdue": p.overdue, "escalation_step": p.escalation_step, "found_on": p.found_on, "rectifying_at": p.rectifying_at,
        "submitted_at": p.submitted_at, "closed_at": p.closed_at, "version": p.version,
    }


def _problem(user, problem_id: int) -> Problem:
    problem = selectors.problem_for(user, check_id(problem_id))
    if problem is None:
        raise Http404
    return problem


def _detail(user, problem_id: int) -> dict:
    p = _problem(user, problem_id)
    rectifications = (p.rectifications.select_related("submitted_by__person", "reviewed_by__person")
                      .prefetch_related("evidence", "review_photos").order_by("submitted_at", "pk"))
    return {
        **problem_out(p),
        "photos": [evidence_out(e) for e in p.photos.order_by("pk")],
        "events": [{"at": e.at, "action": e.action, "action_name": e.get_action_display(), "by": _who(e.user),
                    "from_status": e.from_status, "to_status": e.to_status, "reason": e.reason} for e in selectors.problem_history(p)],
        "rectifications": [{"id": r.pk, "measures": r.measures, "submitted_by": _who(r.submitted_by), "submitted_at": r.submitted_at,
                            "outcome": r.outcome, "outcome_name": r.get_outcome_display(), "review_comment": r.review_comment,
                            "reviewed_by": _who(r.reviewed_by), "reviewed_at": r.reviewed_at,
                            "evidence": [evidence_out(e) for e in r.evidence.all()],
                            "review_photos": [evidence_out(e) for e in r.review_photos.all()]} for r in rectifications],
        "can_rectify": can_rectify(user, p.org_unit), "can_supervise": can_supervise(user, p.org_unit),
        "notice": f"/api/v1/supervision/villages/{p.org_unit.code}/notice.docx",
    }


def _params(f: SupervisionProblemFiltersIn) -> dict:
    """The API's filters as the list page's query string reads them."""
    values = {"unit": f.unit, "area": f.area, "team": f.team, "status": "" if f.status == "open" else f.status, "star": f.star,
              "severity": f.severity, "overdue": "1" if f.overdue else "", "start": f.start, "end": f.end, "q": f.q}
    return {k: ("" if v is None else str(v)) for k, v in values.items()}


def _filter_errors(f: SupervisionProblemFiltersIn) -> list[dict]:
    from .views_common import framework_names

    errors = []
    if f.start and f.end and f.start > f.end:
        errors.append({"field": "end", "message": "结束日期不能早于开始日期", "type": "value_error"})
    if f.star and f.star not in framework_names()[0]:
        errors.append({"field": "star", "message": f"未知的星代码 {f.star}", "type": "value_error"})
    return errors


@router.get("/supervision/problems", response={200: SupervisionProblemPage, 404: E, 422: ApiValidationErrorOut},
            summary="督导问题列表",
            description="与问题清单页相同的范围和筛选：unit 单位代码（村、镇、县）、area 片区、team 督导组（不在管辖范围内的返回 404），"
                        "status（默认 open 未销号）、star、severity、overdue、start/end（发现日期）、q；按整改期限排序，分页（limit/offset）。"
                        "村里只看到本村的问题。")
def list_problems(request, filters: SupervisionProblemFiltersIn = Query(...)):
    if errors := _filter_errors(filters):
        return invalid(errors)
    params = _params(filters)
    _scope, qs = problem_query(request.user, params)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    query = urlencode({k: v for k, v in params.items() if v})
    return {"items": [problem_out(p) for p in page], "count": qs.count(),
            "ledger": f"/api/v1/supervision/problems/ledger.xlsx{'?' + query if query else ''}"}


@router.get("/supervision/problems/ledger.xlsx", response={200: None, 404: E, 422: ApiValidationErrorOut},
            summary="导出问题台账（Excel）",
            description="按与问题列表相同的条件导出问题台账：每个问题一行，含发现、开始整改、提交复查、销号各环节的时间，逾期与升级情况，"
                        "督导组、村、星、细则、严重程度、责任人、期限、状态和最近的整改措施。逐批读取、边读边写，县、省范围也不会占满内存。")
def ledger(request, filters: SupervisionProblemFiltersIn = Query(...)):
    if errors := _filter_errors(filters):
        return invalid(errors)
    return ledger_response(request.user, _params(filters))


@router.get("/supervision/problems/{int:problem_id}", response={200: SupervisionProblemDetailOut, 404: E}, summary="督导问题详情",
            description="一个问题：照片、每一步的记录（谁、何时、从什么状态到什么状态、为什么）、整改与复查记录，以及您能否整改或复查。")
def problem_detail(request, problem_id: int):
    return _detail(request.user, problem_id)


# ---- recording a problem -----------------------------------------------------------------------------------


def _evidence(user, ids: list[int], field: str) -> tuple[list, list[dict]]:
    wanted = [i for i in dict.fromkeys(ids) if 1 <= i < 2**63]
    found = {e.pk: e for e in Evidence.objects.visible_to(user).filter(pk__in=wanted)}
    errors = [{"field": f"{field}.{n}", "message": "文件不存在或不在您的管辖范围内", "type": "value_error"}
              for n, i in enumerate(ids) if i not in found]
    return [found[i] for i in wanted if i in found], errors


def _refs(user, payload: SupervisionProblemIn, village) -> tuple[dict, list[dict]]:
    errors = []
    responsible = inspection = team = None
    if payload.responsible:
        responsible = Person.objects.visible_to(user).filter(pk=payload.responsible).first()
        if responsible is None:
            errors.append({"field": "responsible", "message": "人员不存在或不在您的管辖范围内", "type": "value_error"})
    if payload.inspection:
        inspection = selectors.inspections_for(user).filter(pk=payload.inspection).first()
        if inspection is None:
            errors.append({"field": "inspection", "message": "督导检查不存在或不在您的管辖范围内", "type": "value_error"})
    if payload.team:
        team = SupervisionTeam.objects.visible_to(user).select_related("org_unit").filter(pk=payload.team).first()
        if team is None:
            errors.append({"field": "team", "message": "督导组不存在或不在您的管辖范围内", "type": "value_error"})
    photos, photo_errors = _evidence(user, payload.photos, "photos")
    star, rule, why = star_and_rule_problem(village, payload.star_code.strip(), payload.rule_code.strip())
    if why:
        errors.append({"field": "rule_code" if payload.rule_code.strip() else "star_code", "message": why, "type": "value_error"})
    return {"responsible": responsible, "inspection": inspection, "team": team, "photos": photos, "star_code": star,
            "rule_code": rule}, errors + photo_errors


@router.post("/supervision/problems", response={200: SupervisionProblemDetailOut, 201: SupervisionProblemDetailOut, **STEP},
             summary="登记督导问题",
             description="督导员、乡镇和县级管理员为管辖范围内的村登记问题；责任人默认村党支部书记，期限默认按严重程度，包村干部收到通知。"
                         "带 client_uid 重试时返回第一次登记的问题（200）。不在管辖范围内的村返回 404。")
def create(request, payload: SupervisionProblemIn):
    user = request.user
    if payload.client_uid and (existing := Problem.objects.visible_to(user).filter(client_uid=payload.client_uid).first()):
        return Status(200, _detail(user, existing.pk))
    village = OrgUnit.objects.visible_to(user).select_related("parent").filter(code=payload.village, level=Level.VILLAGE).first()
    if village is None:
        raise Http404
    allowed = can_supervise(user, village)
    if not allowed:
        return Status(403, {"detail": f"您无权为「{village.display_name}」登记督导问题。"})
    refs, errors = _refs(user, payload, village)
    if errors:
        return invalid(errors)
    try:
        problem = create_problem(user, village, description=payload.description, severity=payload.severity,
                                 deadline=payload.deadline, client_uid=payload.client_uid, **refs)
    except SupervisionError as exc:
        return refusal(exc, allowed)
    return Status(201, _detail(user, problem.pk))


# ---- the steps ---------------------------------------------------------------------------------------------


def _step(request, problem_id: int, may, run):
    """Run one step on a problem the user sees; `may(user, village)` says whether the user holds the authority."""
    problem = _problem(request.user, problem_id)
    try:
        run(problem)
    except SupervisionError as exc:
        return refusal(exc, may(request.user, problem.org_unit))
    return Status(200, _detail(request.user, problem.pk))


def _either(user, village) -> bool:
    return can_rectify(user, village) or can_supervise(user, village)


@router.post("/supervision/problems/{int:problem_id}/start", response={200: SupervisionProblemDetailOut, **STEP},
             summary="开始整改（待整改 → 整改中）", description="村干部或包村干部确认开始整改，可附说明。")
def start(request, problem_id: int, payload: SupervisionProblemNoteIn):
    return _step(request, problem_id, can_rectify,
                 lambda p: start_rectification(p, request.user, payload.note, version=payload.version))


@router.post("/supervision/problems/{int:problem_id}/rectify", response={200: SupervisionProblemDetailOut, **STEP},
             summary="提交整改（待整改/整改中 → 待复查）",
             description="村干部或包村干部填写整改措施、附上整改佐证（先通过 …/evidence 上传得到编号），提交督导组复查。")
def rectify(request, problem_id: int, payload: SupervisionProblemRectifyIn):
    evidence, errors = _evidence(request.user, payload.evidence, "evidence")
    if errors:
        _problem(request.user, problem_id)  # an unseen problem stays 404, whatever the body
        return invalid(errors)
    return _step(request, problem_id, can_rectify,
                 lambda p: submit_rectification(p, request.user, payload.measures, evidence, version=payload.version))


@router.post("/supervision/problems/{int:problem_id}/accept", response={200: SupervisionProblemDetailOut, **STEP},
             summary="复查通过，销号（待复查 → 已销号）", description="督导组复查整改到位后销号，可附复查意见和照片。村里不能为本村的问题销号。")
def accept_step(request, problem_id: int, payload: SupervisionProblemAcceptIn):
    photos, errors = _evidence(request.user, payload.photos, "photos")
    if errors:
        _problem(request.user, problem_id)
        return invalid(errors)
    return _step(request, problem_id, can_supervise,
                 lambda p: accept(p, request.user, payload.comment, photos, version=payload.version))


@router.post("/supervision/problems/{int:problem_id}/reject", response={200: SupervisionProblemDetailOut, **STEP},
             summary="复查退回（待复查 → 整改中）", description="复查未通过，退回继续整改；退回意见必填，可附照片。")
def reject_step(request, problem_id: int, payload: SupervisionProblemRejectIn):
    photos, errors = _evidence(request.user, payload.photos, "photos")
    if errors:
        _problem(request.user, problem_id)
        return invalid(errors)
    return _step(request, problem_id, can_supervise,
                 lambda p: reject(p, request.user, payload.comment, photos, version=payload.version))


@router.post("/supervision/problems/{int:problem_id}/deadline", response={200: SupervisionProblemDetailOut, **STEP},
             summary="调整整改期限", description="督导组调整未销号问题的整改期限，须填写理由；新期限未过时逾期标记随之取消。")
def deadline_step(request, problem_id: int, payload: SupervisionProblemDeadlineIn):
    return _step(request, problem_id, can_supervise,
                 lambda p: change_deadline(p, request.user, payload.deadline, payload.reason, version=payload.version))
