"""The phone inspection page's endpoints (现场督导): an inspection, its problems and their photos, each sent with
the page's own id (client_uid, a UUID made before the first try) so that a retry after a dropped connection
finds the record the first try made instead of making another.

Used by the page with its login session (and the CSRF token), and by API clients with a Bearer token.
Every answer that is not a success is a Chinese message: 404 for a team, village or record outside the
user's scope, 422 for invalid data naming the field, 400 for a step supervision refuses, and 409 with
`retry: true` while a problem's inspection (or a photo's record) has not arrived yet.
"""

import datetime
import uuid
from typing import Literal

from django.db import IntegrityError, transaction
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.security import SessionAuth
from pydantic import Field

from fivestar.api.auth import BearerToken
from fivestar.core.passwords import MUST_CHANGE_MESSAGE, must_change_password
from fivestar.rating.api_common import MAX_ID, FilledText, choices
from fivestar.rating.services.errors import WorkflowError
from fivestar.rating.services.evidence import IMAGE_TYPES, sniff, store_evidence

from .field_context import field_teams, star_and_rule_problem, team_for
from .models import Inspection, Problem
from .models.inspection import InspectionKind
from .models.problem import Severity
from .services import SupervisionError, add_inspection_photo, add_problem_photo, can_supervise, create_problem, record_inspection

MAX_PHOTOS = 30
MAX_DAYS_BACK = 366
CSRF_FAILED = "页面已过期（安全校验未通过），请刷新页面后重试。"


class SessionCsrf(SessionAuth):
    """The browser's login session; a write needs the CSRF token (header X-CSRFToken) like any form."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        try:
            key = super()._get_key(request)
        except HttpError:
            raise HttpError(403, CSRF_FAILED) from None
        if must_change_password(request.user):
            raise HttpError(403, MUST_CHANGE_MESSAGE)
        return key


router = Router(tags=["现场督导"], auth=[BearerToken(), SessionCsrf()])


class FieldPageErrorOut(Schema):
    detail: str = Field(..., description="错误说明（中文）")
    retry: bool = Field(False, description="稍后重发同一请求即可（所属记录尚未到达）")


class FieldPageItemErrorOut(Schema):
    field: str = Field(..., description="出错的字段")
    message: str = Field(..., description="错误说明（中文）")
    type: str = Field("", description="错误类型")


class FieldPageValidationErrorOut(Schema):
    detail: str = Field(..., description="错误说明（中文）")
    errors: list[FieldPageItemErrorOut] = Field(..., description="逐个字段的错误")


class FieldSavedOut(Schema):
    id: int = Field(..., description="服务器上的编号")
    client_uid: uuid.UUID = Field(..., description="页面生成的编号")
    created: bool = Field(..., description="本次新建（false：此前已保存，本次为重发）")


class FieldProblemSavedOut(FieldSavedOut):
    deadline: datetime.date = Field(..., description="整改期限")
    status: str = Field(..., description="状态")


class FieldPhotoSavedOut(Schema):
    evidence: int = Field(..., description="佐证（照片）编号")
    client_uid: uuid.UUID = Field(..., description="页面生成的照片编号")
    created: bool = Field(..., description="本次新关联（false：同一照片此前已保存）")


ERRORS = {400: FieldPageErrorOut, 403: FieldPageErrorOut, 404: FieldPageErrorOut, 409: FieldPageErrorOut, 422: FieldPageValidationErrorOut}


def _invalid(field: str, message: str, detail: str = "提交的内容有误。"):
    return Status(422, {"detail": detail, "errors": [{"field": field, "message": message, "type": "value_error"}]})


def _date_problem(day: datetime.date) -> str:
    today = timezone.localdate()
    if day > today:
        return "督导日期不能晚于今天"
    if (today - day).days > MAX_DAYS_BACK:
        return "督导日期不能早于一年前"
    return ""


def _foreign_uid(obj, user) -> bool:
    """A record with this client_uid exists but is not the user's to see: never reveal or reuse it."""
    return obj.created_by_id != user.pk and not can_supervise(user, obj.org_unit)


class FieldInspectionIn(Schema):
    client_uid: uuid.UUID = Field(..., description="页面生成的编号（UUID），重发时不变")
    team: int = Field(..., ge=1, le=MAX_ID, description="督导组编号")
    date: datetime.date = Field(..., description="督导日期")
    kind: choices(InspectionKind) = Field(InspectionKind.ROUTINE, description="督导类型")
    villages: list[int] = Field(..., min_length=1, max_length=100, description="督导的村（社区）编号")
    notes: str = Field("", max_length=5000, description="督导情况")
    star_code: str = Field("", max_length=10, description="所涉星（单星攻坚督导时填写）")


@router.post("/supervision/field/inspections", response={200: FieldSavedOut, 201: FieldSavedOut, **ERRORS}, summary="记录一次督导检查（可重发）", url_name="field_inspection",
             description="按 client_uid 幂等：同一编号再次提交返回此前保存的记录（200，created=false）。")
def post_inspection(request, payload: FieldInspectionIn):
    user = request.user
    existing = Inspection.objects.select_related("org_unit").filter(client_uid=payload.client_uid).first()
    if existing is not None:
        if _foreign_uid(existing, user):
            return Status(409, {"detail": "该编号已被其他记录使用，请刷新页面后重新填写。"})
        return Status(200, {"id": existing.pk, "client_uid": existing.client_uid, "created": False})
    team = team_for(user, payload.team)
    if team is None:
        return Status(404, {"detail": "督导组不存在或不在您的管辖范围内。"})
    why = _date_problem(payload.date)
    if why:
        return _invalid("date", why)
    allowed = {v.pk: v for v in team.field_villages}
    for n, pk in enumerate(payload.villages):
        if pk not in allowed:
            return _invalid(f"villages.{n}", "该村（社区）不在本督导组的负责范围内")
    villages = [allowed[pk] for pk in dict.fromkeys(payload.villages)]
    star_code = payload.star_code.strip()
    if payload.kind == InspectionKind.STAR and not star_code:
        return _invalid("star_code", "单星攻坚督导请选择所涉的星")
    if star_code:
        star_code, _, why = star_and_rule_problem(villages[0], star_code, "")
        if why:
            return _invalid("star_code", why)
    try:
        inspection = record_inspection(user, team, date=payload.date, kind=payload.kind, villages=villages,
                                       notes=payload.notes.strip(), star_code=star_code, client_uid=payload.client_uid)
    except SupervisionError as exc:
        return Status(400, {"detail": exc.message})
    return Status(201, {"id": inspection.pk, "client_uid": inspection.client_uid, "created": True})


class FieldProblemIn(Schema):
    client_uid: uuid.UUID = Field(..., description="页面生成的编号（UUID），重发时不变")
    inspection_uid: uuid.UUID | None = Field(None, description="所属督导检查的 client_uid")
    village: int = Field(..., ge=1, le=MAX_ID, description="村（社区）编号")
    description: FilledText = Field(..., max_length=2000, description="问题描述")
    severity: choices(Severity) = Field(Severity.MINOR, description="严重程度")
    star_code: str = Field("", max_length=10, description="所涉星（可选）")
    rule_code: str = Field("", max_length=40, description="所涉细则（可选）")
    deadline: datetime.date | None = Field(None, description="整改期限（不填按严重程度默认）")


def _problem_out(problem: Problem, created: bool) -> dict:
    return {"id": problem.pk, "client_uid": problem.client_uid, "created": created, "deadline": problem.deadline, "status": problem.status}


@router.post("/supervision/field/problems", response={200: FieldProblemSavedOut, 201: FieldProblemSavedOut, **ERRORS},
             summary="记录督导发现的问题（可重发）", url_name="field_problem",
             description="按 client_uid 幂等。所属督导检查（inspection_uid）尚未到达时返回 409（retry=true），稍后重发即可。")
def post_problem(request, payload: FieldProblemIn):
    user = request.user
    existing = Problem.objects.select_related("org_unit").filter(client_uid=payload.client_uid).first()
    if existing is not None:
        if _foreign_uid(existing, user):
            return Status(409, {"detail": "该编号已被其他记录使用，请刷新页面后重新填写。"})
        return Status(200, _problem_out(existing, False))
    inspection, team = None, None
    if payload.inspection_uid is not None:
        inspection = Inspection.objects.select_related("org_unit", "team").filter(client_uid=payload.inspection_uid).first()
        if inspection is None:
            return Status(409, {"detail": "所属的督导记录尚未上传，稍后会自动重试。", "retry": True})
        if _foreign_uid(inspection, user):
            return Status(404, {"detail": "督导记录不存在或不在您的管辖范围内。"})
        team = inspection.team
        villages = {v.pk: v for v in inspection.villages.all() if can_supervise(user, v)}
    else:
        villages = {v.pk: v for t in field_teams(user) for v in t.field_villages}
    village = villages.get(payload.village)
    if village is None:
        return _invalid("village", "该村（社区）不在本次督导的范围内" if inspection else "该村（社区）不在您的督导范围内")
    star_code, rule_code, why = star_and_rule_problem(village, payload.star_code.strip(), payload.rule_code.strip())
    if why:
        return _invalid("rule_code" if payload.rule_code.strip() else "star_code", why)
    found_on = inspection.date if inspection else timezone.localdate()
    if payload.deadline is not None:
        if payload.deadline < found_on:
            return _invalid("deadline", "整改期限不能早于发现问题的日期")
        if (payload.deadline - found_on).days > MAX_DAYS_BACK:
            return _invalid("deadline", "整改期限不能超过发现后一年")
    try:
        problem = create_problem(user, village, description=payload.description, severity=payload.severity,
                                 deadline=payload.deadline, star_code=star_code, rule_code=rule_code,
                                 inspection=inspection, team=team, client_uid=payload.client_uid)
    except SupervisionError as exc:
        return Status(400, {"detail": exc.message})
    return Status(201, _problem_out(problem, True))


def _photo_target(user, target: str, target_uid: uuid.UUID):
    """(record, unit the photo belongs to, error response)."""
    model = Inspection if target == "inspection" else Problem
    record = model.objects.select_related("org_unit").filter(client_uid=target_uid).first()
    if record is None:
        return None, None, Status(409, {"detail": "照片所属的记录尚未上传，稍后会自动重试。", "retry": True})
    if _foreign_uid(record, user):
        return None, None, Status(404, {"detail": "记录不存在或不在您的管辖范围内。"})
    if target == "inspection":
        villages = list(record.villages.all())
        unit = villages[0] if len(villages) == 1 else record.org_unit
    else:
        unit = record.org_unit
    return record, unit, None


@router.post("/supervision/field/photos", response={200: FieldPhotoSavedOut, 201: FieldPhotoSavedOut, **ERRORS},
             summary="上传一张现场照片（可重发）", url_name="field_photo",
             description="multipart/form-data：file 照片，target 为 inspection（督导检查）或 problem（问题），target_uid 为该记录的 "
                         "client_uid。只接受图片（按内容识别）；位置信息在保存前去除。同一照片重发只保存一次。")
def post_photo(request, client_uid: uuid.UUID = Form(..., description="页面生成的照片编号"),
               target: Literal["inspection", "problem"] = Form(..., description="inspection 督导检查 | problem 问题"),
               target_uid: uuid.UUID = Form(..., description="所属记录的 client_uid"),
               file: UploadedFile = File(..., description="照片")):
    user = request.user
    record, unit, error = _photo_target(user, target, target_uid)
    if error is not None:
        return error
    head = file.read(512)
    file.seek(0)
    try:
        if not head:
            raise WorkflowError("照片是空文件，请重新拍摄。")
        mime, _ext = sniff(head, file.name or "")
        if mime not in IMAGE_TYPES:
            raise WorkflowError(f"文件「{(file.name or '')[:60]}」不是照片，只能上传图片（JPG/PNG/WEBP/GIF）。")
        with transaction.atomic():
            before = set(record.photos.values_list("pk", flat=True))
            if len(before) >= MAX_PHOTOS:
                return Status(400, {"detail": f"每条记录最多 {MAX_PHOTOS} 张照片。"})
            evidence = store_evidence(unit, user, file, "photo", description="现场督导照片")
            if evidence.pk not in before:
                (add_inspection_photo if target == "inspection" else add_problem_photo)(record, user, evidence)
    except SupervisionError as exc:
        return Status(400, {"detail": exc.message})
    except WorkflowError as exc:
        return _invalid("file", exc.message, "照片未保存。")
    except IntegrityError:
        return Status(409, {"detail": "同一照片正在保存，稍后会自动重试。", "retry": True})
    return Status(201 if evidence.pk not in before else 200, {"evidence": evidence.pk, "client_uid": client_uid, "created": evidence.pk not in before})
