"""Files for a problem over the API: 问题照片 (the team, attached at once), 整改佐证 (the village, used when it
submits its rectification) and 复查照片 (the team, used when it signs off or rejects). Stored through the shared
evidence upload (type judged by content, location metadata removed, the same file stored once per unit)."""

from django.http import Http404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from fivestar.api.schemas import ApiErrorOut, ApiValidationErrorOut
from fivestar.rating.api_common import check_id
from fivestar.rating.models import Evidence
from fivestar.rating.services.errors import WorkflowError
from fivestar.rating.services.evidence import IMAGE_TYPES, sniff, store_evidence

from . import selectors
from .api_schemas import SupervisionProblemUploadOut
from .api_support import evidence_out, invalid
from .forms import MAX_FILES
from .services import add_problem_photo, can_rectify, can_supervise

router = Router()  # tagged 督导检查 by the parent router (api.py)

E = ApiErrorOut
STEP = {400: E, 403: E, 404: E, 409: E, 422: ApiValidationErrorOut}


def _problem(user, problem_id: int):
    problem = selectors.problem_for(user, check_id(problem_id))
    if problem is None:
        raise Http404
    return problem


PURPOSES = {"problem": "问题照片", "rectification": "整改佐证", "review": "复查照片"}


def _kind(upload) -> str:
    """照片 or 文件 by what the bytes are (a PDF sent as image/jpeg is a document); an unknown or empty file is
    refused by `store_evidence` with its own message."""
    if not upload.size:
        return Evidence.Kind.DOCUMENT
    head = upload.read(8192)
    upload.seek(0)
    mime, _ext = sniff(head, upload.name or "")
    return Evidence.Kind.PHOTO if mime in IMAGE_TYPES else Evidence.Kind.DOCUMENT


@router.post("/supervision/problems/{int:problem_id}/evidence", response={201: SupervisionProblemUploadOut, **STEP},
             summary="上传问题照片、整改佐证或复查照片",
             description="multipart/form-data：files 一个或多个文件（最多 9 个），purpose 为 problem（问题照片，督导组，上传即附在问题上）、"
                         "rectification（整改佐证，村里，返回的编号在提交整改时带上）或 review（复查照片，督导组，销号或退回时带上）。"
                         "文件类型按内容识别，只接受图片（JPG/PNG/WEBP/GIF）、PDF 和 Office 文件，照片的位置信息在保存前去除；"
                         "同一文件重复上传只保存一次。返回逐个文件的结果；没有一个保存成功时返回 422。")
def upload(request, problem_id: int, files: list[UploadedFile] = File(..., description="文件（可多个）"),
           purpose: str = Form("rectification", description="problem 问题照片 | rectification 整改佐证 | review 复查照片")):
    user = request.user
    problem = _problem(user, problem_id)
    if purpose not in PURPOSES:
        return invalid([{"field": "purpose", "message": "取值不在允许范围内（可选：problem、rectification、review）", "type": "literal_error"}])
    village = problem.org_unit
    allowed = can_rectify(user, village) if purpose == "rectification" else can_supervise(user, village)
    if not allowed:
        who = "村干部或包村干部" if purpose == "rectification" else "督导组"
        return Status(403, {"detail": f"只有{who}才能上传{PURPOSES[purpose]}。"})
    if len(files) > MAX_FILES:
        return invalid([{"field": "files", "message": f"一次最多上传 {MAX_FILES} 个文件", "type": "too_long"}])
    results = []
    for item in files:
        name = (item.name or "")[:200]
        try:
            evidence = store_evidence(village, user, item, _kind(item), PURPOSES[purpose])
            if purpose == "problem":
                add_problem_photo(problem, user, evidence)
        except WorkflowError as exc:  # SupervisionError included
            results.append({"name": name, "ok": False, "message": exc.message, "evidence": None})
        else:
            results.append({"name": name, "ok": True, "message": "", "evidence": evidence_out(evidence)})
    if not any(r["ok"] for r in results):
        return invalid([{"field": f"files.{n}", "message": r["message"], "type": "value_error"} for n, r in enumerate(results)],
                       "文件均未保存。")
    return Status(201, {"results": results})
