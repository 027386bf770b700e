"""Assessments (评星申报) over the API, through the same selectors and services as the pages: the list with
filters, one assessment with its effective values, evaluation and 差距清单, and the village's self-assessment:
saving answers (per rule, with the version), confirming carried-forward answers, evidence (multipart upload,
attach to rules, detach) and submitting.

Scope: an assessment outside the token user's scope is 404; filling in needs the 村级自评 right over the
branch (403 otherwise); a step the workflow does not allow now (a locked assessment, a closed round) is 400;
invalid values are 422 naming the field; a save that touches a rule someone else changed since the version
sent is 409 with those changes; an incomplete submission is 422 with the list of what is missing.
"""

from datetime import datetime
from typing import Any

from django.http import Http404
from django.utils.datastructures import MultiValueDict
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from .api_common import (
    MAX_ID, MAX_RULES, AssessmentOut, ConflictOut, ErrorOut, EvidenceItemOut, MissingOut, RatingFieldErrorOut, ValidationErrorOut,
    _evidence_out, assessment_out, check_id, choices, conflict, fresh_out, invalid, missing_items, refused, value_errors,
    visible_assessment,
)
from .forms_village import parse_upload
from .models import Evidence, Status as AssessmentStatus
from .selectors_api import assessment_list
from .selectors_village import editability
from .services import ConflictError, WorkflowError, attach, confirm_carried, detach, save_answers, store_evidence, submit
from .services.access import can_act
from .views_village_evidence import INLINE_TYPES, _stream, _visible_evidence

router = Router(tags=["评星申报"])


class AssessmentRowOut(Schema):
    id: int = Field(..., description="申报编号")
    round_id: int = Field(..., description="评星周期编号")
    round_name: str = Field(..., description="评星周期名称")
    org_unit: str = Field(..., description="村（社区）代码")
    org_unit_name: str = Field(..., description="村（社区）名称")
    town: str | None = Field(None, description="所属乡镇代码")
    town_name: str | None = Field(None, description="所属乡镇名称")
    status: str = Field(..., description="申报状态代码")
    status_name: str = Field(..., description="申报状态名称")
    rating: int = Field(..., description="当前星级（0–5）")
    awarded: list[str] = Field(..., description="当前达到的星（代码）")
    applied_stars: list[str] = Field(..., description="申报的星")
    progress_done: int = Field(..., description="已完成的细则数")
    progress_total: int = Field(..., description="细则总数")
    version: int = Field(..., description="申报版本号")
    submitted_at: datetime | None = Field(None, description="提交时间")
    updated_at: datetime = Field(..., description="最近更新时间")


class AssessmentPage(Schema):
    items: list[AssessmentRowOut] = Field(..., description="本页的申报")
    count: int = Field(..., description="符合条件的申报总数")


class AssessmentFilters(Schema):
    round: int | None = Field(None, ge=1, le=MAX_ID, description="评星周期编号")
    town: str | None = Field(None, max_length=15, description="乡镇代码：只列该乡镇的村（社区）")
    status: choices(AssessmentStatus) | None = Field(None, description="申报状态：" + "、".join(f"{s.value} {s.label}" for s in AssessmentStatus))
    rating: int | None = Field(None, ge=0, le=5, description="当前星级（0–5）")
    q: str | None = Field(None, max_length=30, description="村（社区）名称或拼音首字母，如 xxz")
    limit: int = Field(50, ge=1, le=500, description="每页条数（1–500）")
    offset: int = Field(0, ge=0, le=10_000_000, description="跳过的条数")


def _row(a) -> dict:
    return {
        "id": a.pk, "round_id": a.round_id, "round_name": a.round.name, "org_unit": a.org_unit.code, "org_unit_name": a.org_unit.display_name,
        "town": a.town.code if a.town_id else None, "town_name": a.town.display_name if a.town_id else None,
        "status": a.status, "status_name": a.get_status_display(), "rating": a.rating, "awarded": list(a.awarded),
        "applied_stars": list(a.applied_stars), "progress_done": a.progress_done, "progress_total": a.progress_total,
        "version": a.version, "submitted_at": a.submitted_at, "updated_at": a.updated_at,
    }


@router.get("/assessments", response=AssessmentPage, summary="申报列表",
            description="您管辖范围内的评星申报，可按评星周期、乡镇、状态、星级、村名筛选，分页返回（limit/offset）。")
def list_assessments(request, filters: AssessmentFilters = Query(...)):
    qs = assessment_list(request.user, round_id=filters.round, town=filters.town, status=filters.status, rating=filters.rating, q=filters.q)
    return {"items": [_row(a) for a in qs[filters.offset : filters.offset + filters.limit]], "count": qs.count()}


@router.get("/assessments/{int:assessment_id}", response={200: AssessmentOut, 404: ErrorOut}, summary="申报详情",
            description="一个申报：每条细则当前计入的值（含各审核层级的改动）、按这些值评星的结果（各星得分、是否获得及原因）、"
                        "差距清单、佐证材料和退回意见。不在您管辖范围内的申报返回 404。")
def get_assessment(request, assessment_id: int):
    return assessment_out(visible_assessment(request.user, assessment_id), request.user)


# ---- self-assessment (村级自评) -----------------------------------------------------------------------------

FILL_RESPONSES = {200: AssessmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ValidationErrorOut}


class AnswersIn(Schema):
    values: dict[str, Any] = Field(default_factory=dict, max_length=MAX_RULES,
                                   description="细则编码 → 值：达标项 true/false，计分项、指标项为数值，扣分项为发生次数；null 清除")
    notes: dict[str, str] = Field(default_factory=dict, max_length=MAX_RULES, description="细则编码 → 说明（最多 500 字）")
    not_applicable: dict[str, str] = Field(default_factory=dict, max_length=MAX_RULES, description="细则编码 → 不适用的理由（必填）")
    cleared_na: list[str] = Field(default_factory=list, max_length=MAX_RULES, description="取消“不适用”标记的细则编码")
    expected_version: int = Field(..., ge=0, le=MAX_ID,
                                  description="您读取时的申报版本（详情中的 version）：只有您发送的细则在此之后被他人改动时才冲突（409）")


class RuleIn(Schema):
    value: Any = Field(None, description="该细则的值；null 清除")
    note: str | None = Field(None, max_length=500, description="说明；不传则不改")
    not_applicable: str | None = Field(None, max_length=300, description="标记不适用的理由；传空字符串取消不适用")
    expected_version: int = Field(..., ge=0, le=MAX_ID, description="您读取时的申报版本：只与该细则此后的改动比较")


def _fill(request, assessment_id: int, values: dict, notes: dict, not_applicable: dict, cleared_na: list, expected_version: int):
    a = visible_assessment(request.user, assessment_id)
    if not can_act(request.user, a, "village"):
        return Status(403, {"detail": "您对该申报只有查看权限，不能填报或修改。"})
    framework = a.framework.compiled()
    errors = value_errors(framework, values, not_applicable)
    errors += [{"field": f"notes.{c}", "message": "未知的细则编码", "type": "value_error"} for c in notes if c not in framework.rules_by_code]
    errors += [{"field": f"notes.{c}", "message": "说明不能超过 500 字", "type": "too_long"} for c, n in notes.items() if len(n or "") > 500]
    errors += [{"field": f"cleared_na.{i}", "message": f"未知的细则编码 {c}", "type": "value_error"}
               for i, c in enumerate(cleared_na) if c not in framework.rules_by_code]
    if errors:
        return invalid(errors)
    try:
        a = save_answers(a, request.user, "village", values=values, notes=notes, not_applicable=not_applicable,
                         cleared_na=cleared_na, expected_version=expected_version)
    except ConflictError as exc:
        return conflict(exc)
    except WorkflowError as exc:
        if exc.details:  # the engine's check of the values (not_applicable without a reason…)
            return invalid([{"field": d.split("：", 1)[0], "message": d.split("：", 1)[-1], "type": "value_error"} for d in exc.details], exc.message)
        return refused(exc)
    return Status(200, fresh_out(request.user, a.pk, a))  # the evaluation the save ran, not a second one


@router.post("/assessments/{int:assessment_id}/answers", response=FILL_RESPONSES, summary="保存自评填报（多条细则）",
             description="村级自评：一次保存若干条细则的值、说明和不适用标记，并按最新的值重新评星。须带读取时的版本号 expected_version；"
                         "冲突按细则判断：他人在此之后改动了您发送的细则时返回 409 及这些改动，其余细则的改动不影响保存。")
def save_answers_api(request, assessment_id: int, payload: AnswersIn):
    return _fill(request, assessment_id, payload.values, payload.notes, payload.not_applicable, payload.cleared_na, payload.expected_version)


@router.put("/assessments/{int:assessment_id}/rules/{code}", response=FILL_RESPONSES, summary="保存一条细则的自评",
            description="村级自评：保存一条细则的值（以及说明、不适用标记），须带读取时的版本号；只有该细则在此之后被他人改动时才冲突（409）。")
def save_rule(request, assessment_id: int, code: str, payload: RuleIn):
    fields = payload.model_fields_set
    values = {code: payload.value} if "value" in fields else {}
    notes = {code: payload.note} if payload.note is not None else {}
    not_applicable, cleared = {}, []
    if payload.not_applicable is not None:
        if payload.not_applicable.strip():
            not_applicable = {code: payload.not_applicable.strip()}
        else:
            cleared = [code]
    if not (values or notes or not_applicable or cleared):
        return invalid([{"field": "value", "message": "请填写该细则的值、说明或不适用理由", "type": "missing"}])
    return _fill(request, assessment_id, values, notes, not_applicable, cleared, payload.expected_version)


class ConfirmIn(Schema):
    rules: list[str] = Field(..., min_length=1, max_length=MAX_RULES, description="确认沿用上期结果的细则编码（须在 to_confirm 中）")


@router.post("/assessments/{int:assessment_id}/confirm", response=FILL_RESPONSES, summary="确认沿用上期结果",
             description="村级自评：确认这些细则沿用上期的值不变（确认后计为已完成）。不在待确认列表中的细则返回 422。")
def confirm(request, assessment_id: int, payload: ConfirmIn):
    a = visible_assessment(request.user, assessment_id)
    if not can_act(request.user, a, "village"):
        return Status(403, {"detail": "您对该申报只有查看权限，不能确认。"})
    unknown = [{"field": f"rules.{i}", "message": f"细则 {c[:40]} 不是沿用待确认的细则", "type": "value_error"}
               for i, c in enumerate(payload.rules) if c not in a.to_confirm]
    if unknown:
        return invalid(unknown)
    try:
        a = confirm_carried(a, request.user, list(dict.fromkeys(payload.rules)))
    except WorkflowError as exc:
        return refused(exc)
    return Status(200, fresh_out(request.user, a.pk, a))


class SubmitIn(Schema):
    stars: list[str] = Field(..., max_length=10, description="申报的星（代码），如 [\"zbgy\", \"cyxw\"]")


class SubmitRefusedOut(Schema):
    """Both 422s of submitting: what is still missing, or (like every endpoint) the request body's own errors."""
    detail: str = Field(..., description="错误说明（中文）")
    missing: list[MissingOut] = Field([], description="尚未完成、暂不能提交的内容（请求数据本身有误时为空，见 errors）")
    errors: list[RatingFieldErrorOut] = Field([], description="请求数据本身的错误（逐个字段）")


@router.post("/assessments/{int:assessment_id}/submit",
             response={200: AssessmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: SubmitRefusedOut}, summary="提交自评申报",
             description="村级自评：提交申报等待镇级初审，提交后锁定。尚有未填报的细则、未确认的沿用结果或缺少佐证时返回 422，"
                         "missing 逐条列出；申报不在可提交的状态时返回 400。")
def submit_assessment(request, assessment_id: int, payload: SubmitIn):
    a = visible_assessment(request.user, assessment_id)
    if not can_act(request.user, a, "village"):
        return Status(403, {"detail": "您对该申报只有查看权限，不能提交。"})
    try:
        a = submit(a, request.user, list(dict.fromkeys(payload.stars)))
    except WorkflowError as exc:
        if exc.details or getattr(exc, "items", None):
            return Status(422, {"detail": exc.message, "missing": missing_items(exc, a.framework.compiled())})
        return refused(exc)
    return Status(200, fresh_out(request.user, a.pk))


# ---- evidence (佐证) -----------------------------------------------------------------------------------------


class UploadResultOut(Schema):
    name: str = Field(..., description="上传的文件名")
    ok: bool = Field(..., description="是否已保存")
    message: str = Field("", description="未保存的原因")
    evidence: EvidenceItemOut | None = Field(None, description="保存后的佐证")


class UploadOut(Schema):
    results: list[UploadResultOut] = Field(..., description="逐个文件的结果")
    assessment: AssessmentOut = Field(..., description="上传后的申报")


@router.post("/assessments/{int:assessment_id}/evidence",
             response={201: UploadOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}, summary="上传佐证材料",
             description="村级自评：multipart/form-data 上传一个或多个文件（files），用于若干条细则（rules，可重复）。"
                         "文件类型按内容识别，只接受图片（JPG/PNG/WEBP/GIF）、PDF 和 Office 文件；照片的位置信息在保存前去除。"
                         "返回逐个文件的结果；没有一个文件保存成功时返回 422。")
def upload_evidence(request, assessment_id: int, files: list[UploadedFile] = File(..., description="文件（可多个）"),
                    rules: list[str] = Form(..., description="该佐证对应的细则编码（可多个）"),
                    kind: str = Form("photo", description="佐证类型：photo 照片 | document 文件 | ledger 台账/记录"),
                    description: str = Form("", description="说明（最多 200 字）")):
    a = visible_assessment(request.user, assessment_id)
    if not can_act(request.user, a, "village"):
        return Status(403, {"detail": "您对该申报只有查看权限，不能上传佐证。"})
    can_edit, why = editability(request.user, a)
    if not can_edit:
        return Status(400, {"detail": why})
    framework = a.framework.compiled()
    form = parse_upload(framework, MultiValueDict({"kind": [kind], "description": [description], "rules": list(rules)}),
                        MultiValueDict({"files": list(files)}))
    if form.errors:
        return invalid([{"field": "form", "message": e, "type": "value_error"} for e in form.errors], "上传内容有误。")
    results = []
    for upload in form.files:
        try:
            item_kind = form.kind
            if item_kind == Evidence.Kind.PHOTO and not (upload.content_type or "").startswith("image/"):
                item_kind = Evidence.Kind.DOCUMENT  # as on the page: a PDF sent as 照片 is filed as a document
            item = store_evidence(a.org_unit, request.user, upload, item_kind, form.description)
            a = attach(a, request.user, item, form.rules)
        except WorkflowError as exc:
            results.append({"name": upload.name or "", "ok": False, "message": exc.message, "evidence": None})
        else:
            results.append({"name": upload.name or "", "ok": True, "message": "", "evidence": _evidence_out([item])[0]})
    if not any(r["ok"] for r in results):
        return invalid([{"field": f"files.{i}", "message": r["message"], "type": "value_error"} for i, r in enumerate(results)], "文件均未保存。")
    return Status(201, {"results": results, "assessment": fresh_out(request.user, a.pk)})


class AttachIn(Schema):
    evidence: list[int] = Field(..., min_length=1, max_length=100, description="本村（社区）已上传的佐证编号")
    rules: list[str] = Field(..., min_length=1, max_length=MAX_RULES, description="用于哪些细则（细则编码）")


@router.post("/assessments/{int:assessment_id}/evidence/attach", response=FILL_RESPONSES, summary="将已上传的佐证用于更多细则",
             description="村级自评：一份佐证可用于多条细则（录入一次，处处可用）。只能使用本村（社区）的佐证。")
def attach_evidence(request, assessment_id: int, payload: AttachIn):
    a = visible_assessment(request.user, assessment_id)
    if not can_act(request.user, a, "village"):
        return Status(403, {"detail": "您对该申报只有查看权限，不能修改佐证。"})
    framework = a.framework.compiled()
    ids = [i for i in dict.fromkeys(payload.evidence) if 1 <= i <= MAX_ID]
    items = {e.pk: e for e in Evidence.objects.visible_to(request.user).filter(pk__in=ids, org_unit_id=a.org_unit_id)}
    errors = [{"field": f"evidence.{n}", "message": "佐证不存在或不属于本村（社区）", "type": "value_error"}
              for n, i in enumerate(payload.evidence) if i not in items]
    errors += [{"field": f"rules.{n}", "message": f"未知的细则编码 {c[:40]}", "type": "value_error"}
               for n, c in enumerate(payload.rules) if c not in framework.rules_by_code]
    if errors:
        return invalid(errors)
    codes = list(dict.fromkeys(payload.rules))
    try:
        for item in items.values():
            a = attach(a, request.user, item, codes)
    except WorkflowError as exc:
        return refused(exc)
    return Status(200, fresh_out(request.user, a.pk))


@router.delete("/assessments/{int:assessment_id}/rules/{code}/evidence/{int:evidence_id}", response=FILL_RESPONSES,
               summary="从一条细则移除佐证", description="村级自评：该佐证不再用于这条细则（文件本身保留，仍可用于其他细则）。")
def detach_evidence(request, assessment_id: int, code: str, evidence_id: int):
    a = visible_assessment(request.user, assessment_id)
    check_id(evidence_id)
    if code not in a.framework.compiled().rules_by_code or evidence_id not in a.evidence.get(code, []):
        raise Http404
    if not can_act(request.user, a, "village"):
        return Status(403, {"detail": "您对该申报只有查看权限，不能修改佐证。"})
    try:
        a = detach(a, request.user, evidence_id, code)
    except WorkflowError as exc:
        return refused(exc)
    return Status(200, fresh_out(request.user, a.pk))


@router.get("/evidence/{int:evidence_id}", response={200: None, 404: ErrorOut}, summary="下载佐证文件",
            description="佐证文件（图片、PDF 在浏览器中直接显示，其他文件作为附件下载）；不在您管辖范围内的返回 404。")
def evidence_file(request, evidence_id: int):
    item = _visible_evidence(request.user, check_id(evidence_id))
    return _stream(item.file, item.content_type, item.original_name, inline=item.content_type in INLINE_TYPES)
