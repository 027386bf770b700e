"""The creation ledger (创建台账) over the API: the list with the ledger page's filters (paginated), its xlsx export,
one task with its history, recording a task, a village's gap list turned into tasks, status steps and evidence.

The services decide who may take a step; the API answers 403 when the user holds no authority for it at all (an
observer, a village moving another's task), 400 when the step is not allowed now, 409 for a stale version, 422
naming the field for invalid data and for a person or file id unknown or outside the user's scope."""

from urllib.parse import urlencode

from django.http import Http404
from django.utils import timezone
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from fivestar.api.schemas import ApiErrorOut, ApiValidationErrorOut
from fivestar.orgs.models import Level
from fivestar.people.models import Person
from fivestar.rating.api_common import check_id
from fivestar.rating.models import Evidence
from fivestar.rating.services.errors import WorkflowError
from fivestar.rating.services.evidence import IMAGE_TYPES, sniff, store_evidence

from . import exports, selectors
from .api_schemas import (PlanningCreatedOut, PlanningGapsIn, PlanningTaskDetailOut, PlanningTaskFiltersIn,
                          PlanningTaskIn, PlanningTaskPage, PlanningTaskStatusIn, PlanningUploadOut)
from .api_support import evidence_out, field_error, invalid, ref_out, refusal, unit_out, visible_unit
from .models.ledger import OPEN_TASK_STATUSES
from .services import (PlanningError, add_task_evidence, can_manage, can_work, save_task, set_task_status,
                       tasks_from_gaps)

router = Router()  # tagged by the parent router (api.py)

E = ApiErrorOut
STEP = {400: E, 403: E, 404: E, 409: E, 422: ApiValidationErrorOut}
MAX_FILES = 9


def task_out(t, today=None) -> dict:
    today = today or timezone.localdate()
    village = t.org_unit
    return {"id": t.pk, "village": unit_out(village), "town": village.parent.display_name if village.parent_id else "",
            "year": t.year, "star_code": t.star_code, "rule_code": t.rule_code, "title": t.title,
            "responsible": ref_out(t.responsible), "deadline": t.deadline, "status": t.status,
            "status_name": t.get_status_display(), "overdue": t.status in OPEN_TASK_STATUSES and t.deadline < today,
            "completed_on": t.completed_on, "source": t.source, "source_name": t.get_source_display(),
            "problem_id": t.problem_id, "version": t.version}


def _who(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return person.name if person is not None else user.get_username()


def _task(user, task_id: int):
    task = selectors.task_for(user, check_id(task_id))
    if task is None:
        raise Http404
    return task


def _detail(user, task_id: int) -> dict:
    t = _task(user, task_id)
    return {**task_out(t), "description": t.description,
            "evidence": [evidence_out(e) for e in t.evidence.order_by("pk")],
            "events": [{"at": e.at, "action": e.action, "action_name": e.get_action_display(), "by": _who(e.user),
                        "from_status": e.from_status, "to_status": e.to_status, "reason": e.reason}
                       for e in selectors.task_history(t)],
            "can_work": can_work(user, t.org_unit) or can_manage(user, t.org_unit), "can_manage": can_manage(user, t.org_unit)}


def _params(f: PlanningTaskFiltersIn) -> dict:
    """The API's filters as the ledger page's query string reads them."""
    values = {"unit": f.unit, "area": f.area, "year": f.year, "status": "" if f.status == "open" else f.status, "star": f.star,
              "source": f.source, "overdue": "1" if f.overdue else "", "responsible": f.responsible, "q": f.q}
    return {k: ("" if v is None else str(v)) for k, v in values.items()}


@router.get("/planning/tasks", response={200: PlanningTaskPage, 404: E}, summary="创建台账任务列表",
            description="与创建台账页相同的范围和筛选：unit 单位代码（村、镇、县）或 area 片区（不在管辖范围内的返回 404），year 年度，"
                        "status（默认 open 未完成）、star、source、overdue、responsible、q；按完成时限排序，分页（limit/offset）。"
                        "村里只看到本村的任务。")
def list_tasks(request, filters: PlanningTaskFiltersIn = Query(...)):
    params = _params(filters)
    _scope, qs = exports.ledger_query(request.user, params)
    today = timezone.localdate()
    page = list(qs[filters.offset : filters.offset + filters.limit])
    query = urlencode({k: v for k, v in params.items() if v})
    return {"items": [task_out(t, today) for t in page], "count": qs.count(),
            "export": f"/api/v1/planning/tasks/export.xlsx{'?' + query if query else ''}"}


@router.get("/planning/tasks/export.xlsx", response={200: None, 404: E}, summary="导出创建台账（Excel）",
            description="按与任务列表相同的条件导出创建台账：乡镇、村（社区）、所属星、任务、责任人、完成时限、状态、完成日期、来源、逾期。"
                        "逐批读取、边读边写，县、省范围也不会占满内存。")
def export(request, filters: PlanningTaskFiltersIn = Query(...)):
    return exports.ledger_response(request.user, _params(filters))


@router.get("/planning/tasks/{int:task_id}", response={200: PlanningTaskDetailOut, 404: E}, summary="创建台账任务详情",
            description="一个任务：说明、佐证、每一步的记录（谁、何时、做了什么），以及您能否推进或管理它。")
def task_detail(request, task_id: int):
    return _detail(request.user, task_id)


@router.post("/planning/tasks", response={201: PlanningTaskDetailOut, **STEP}, summary="新增创建台账任务",
             description="乡镇、县级管理员为管辖范围内的村新增任务；责任人默认包村干部（没有时为村党支部书记），责任人收到通知。"
                         "不在管辖范围内的村返回 404。")
def create_task(request, payload: PlanningTaskIn):
    user = request.user
    village = visible_unit(user, payload.village, [Level.VILLAGE])
    if not can_manage(user, village):
        return Status(403, {"detail": f"您无权管理「{village.display_name}」的创建台账。"})
    responsible = None
    if payload.responsible:
        responsible = Person.objects.visible_to(user).filter(pk=payload.responsible).first()
        if responsible is None:
            return invalid([field_error("responsible", "人员不存在或不在您的管辖范围内")])
    try:
        task = save_task(user, village=village, year=payload.year, star_code=payload.star_code, rule_code=payload.rule_code,
                         title=payload.title, description=payload.description, deadline=payload.deadline, responsible=responsible)
    except PlanningError as exc:
        return refusal(exc, True)
    return Status(201, _detail(user, task.pk))


@router.post("/planning/villages/{code}/gap-tasks", response={200: PlanningCreatedOut, **STEP}, summary="由差距清单生成台账任务",
             description="把村（社区）当前申报的差距清单中、目标星里尚缺的星的每条未达标细则生成一条任务（责任人、完成时限自动建议）；"
                         "重复生成不会重复。")
def gap_tasks(request, code: str, payload: PlanningGapsIn):
    village = visible_unit(request.user, code, [Level.VILLAGE])
    try:
        created = tasks_from_gaps(request.user, village, payload.year, payload.deadline)
    except PlanningError as exc:
        return refusal(exc, can_manage(request.user, village))
    return Status(200, {"created": created})


@router.post("/planning/tasks/{int:task_id}/status", response={200: PlanningTaskDetailOut, **STEP}, summary="变更任务状态",
             description="未开始 → 推进中 → 已完成（村干部、包村干部、乡镇管理员）；取消与恢复（乡镇、县级管理员，须填原因）；"
                         "已完成 → 推进中（须填原因）。带 version 时，任务已被他人改动返回 409。")
def change_status(request, task_id: int, payload: PlanningTaskStatusIn):
    task = _task(request.user, task_id)
    allowed = can_work(request.user, task.org_unit) or can_manage(request.user, task.org_unit)
    try:
        set_task_status(task, request.user, payload.status, payload.reason, payload.completed_on, version=payload.version)
    except PlanningError as exc:
        return refusal(exc, allowed)
    return Status(200, _detail(request.user, task.pk))


def _kind(upload) -> str:
    if not upload.size:
        return Evidence.Kind.DOCUMENT
    head = upload.read(8192)
    upload.seek(0)
    mime, _ext = sniff(head, upload.name or "")
    return Evidence.Kind.PHOTO if mime in IMAGE_TYPES else Evidence.Kind.DOCUMENT


@router.post("/planning/tasks/{int:task_id}/evidence", response={201: PlanningUploadOut, **STEP}, summary="上传任务佐证",
             description="multipart/form-data：files 一个或多个文件（最多 9 个），上传即附在任务上。文件类型按内容识别，只接受图片、PDF 和 "
                         "Office 文件，照片的位置信息在保存前去除；同一文件重复上传只保存一次。返回逐个文件的结果；没有一个保存成功时返回 422。")
def upload(request, task_id: int, files: list[UploadedFile] = File(..., description="文件（可多个）")):
    user = request.user
    task = _task(user, task_id)
    village = task.org_unit
    if not (can_work(user, village) or can_manage(user, village)):
        return Status(403, {"detail": f"您无权为「{village.display_name}」的任务添加佐证。"})
    if len(files) > MAX_FILES:
        return invalid([{"field": "files", "message": f"一次最多上传 {MAX_FILES} 个文件", "type": "too_long"}])
    results = []
    for item in files:
        name = (item.name or "")[:200]
        try:
            evidence = store_evidence(village, user, item, _kind(item), "创建台账任务佐证")
            add_task_evidence(task, user, evidence)
        except WorkflowError as exc:  # PlanningError included
            results.append({"name": name, "ok": False, "message": exc.message, "evidence": None})
        else:
            results.append({"name": name, "ok": True, "message": "", "evidence": evidence_out(evidence)})
    if not any(r["ok"] for r in results):
        return invalid([field_error(f"files.{n}", r["message"]) for n, r in enumerate(results)], "文件均未保存。")
    return Status(201, {"results": results})
